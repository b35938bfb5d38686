// GET /metrics: Prometheus text with requests by route template, method and status, latency
// histograms, database call latency, attachment counters and process metrics; METRICS_TOKEN guard.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { FastCounter } from '../../src/ops/counter.js';
import { FastHistogram } from '../../src/ops/histogram.js';
import { Metrics } from '../../src/ops/metrics.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertTwilioError } from '../http/support.js';
import { bearer, METRICS_TOKEN, sentimentSid, summarizationSid } from './support.js';

/** The value of one sample line, e.g. `name{a="b"} 3`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const labelText = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? '';
    const matches = Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics without a token', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const scrape = async () => {
    const response = await server.request('GET', '/metrics', { auth: null });
    assert.equal(response.status, 200, response.text);
    return response;
  };

  test('metrics are Prometheus text with process metrics and the build', async () => {
    const response = await scrape();
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(response.text, /^# HELP /m);
    assert.ok(sample(response.text, 'process_cpu_user_seconds_total') !== undefined);
    assert.ok(sample(response.text, 'nodejs_heap_size_used_bytes') !== undefined);
    assert.equal(sample(response.text, 'intelligence_build_info'), 1);
  });

  test('requests are counted by route template, method and status, with latency buckets', async () => {
    const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'metrics-a' } });
    await server.request('GET', `/v2/Services/${created.body.sid}`);
    await server.request('GET', `/v2/Services/${created.body.sid}`);
    await server.request('GET', '/v2/Services/GA00000000000000000000000000000000');
    await server.request('GET', '/no/such/path', { auth: null });
    const text = (await scrape()).text;
    const fetches = { route: '/v2/Services/:Sid', method: 'GET', status_code: '200' };
    assert.equal(sample(text, 'http_request_duration_seconds_count', fetches), 2);
    assert.equal(sample(text, 'http_request_duration_seconds_count', { ...fetches, status_code: '404' }), 1);
    assert.equal(sample(text, 'http_request_duration_seconds_count', { route: '/v2/Services', method: 'POST', status_code: '201' }), 1);
    assert.equal(sample(text, 'http_request_duration_seconds_bucket', { ...fetches, le: '+Inf' }), 2);
    assert.ok((sample(text, 'http_request_duration_seconds_sum', fetches) ?? -1) > 0);
    assert.equal(sample(text, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }), 1);
    assert.doesNotMatch(text, new RegExp(created.body.sid), 'SIDs never become labels');
  });

  test('database calls are timed per store operation', async () => {
    await server.request('POST', '/v2/Services', { form: { UniqueName: 'metrics-db' } });
    const text = (await scrape()).text;
    assert.ok((sample(text, 'intelligence_db_query_duration_seconds_count', { operation: 'insertServiceWithinQuota' }) ?? 0) >= 1);
    assert.ok((sample(text, 'intelligence_db_query_duration_seconds_count', { operation: 'findCredential' }) ?? 0) >= 1);
  });

  test('attachments made and removed are counted; re-attaching and failed detaches are not', async () => {
    const before = (await scrape()).text;
    const made = () => sample(before, 'intelligence_operator_attachments_created_total') ?? 0;
    const removed = () => sample(before, 'intelligence_operator_attachments_removed_total') ?? 0;
    const service = await server.request('POST', '/v2/Services', { form: { UniqueName: 'metrics-attach' } });
    const path = (operator: string) => `/v2/Services/${service.body.sid}/Operators/${operator}`;
    assert.equal((await server.request('POST', path(sentimentSid))).status, 202);
    assert.equal((await server.request('POST', path(sentimentSid))).status, 202, 'a no-op');
    assert.equal((await server.request('POST', path(summarizationSid))).status, 202);
    assert.equal((await server.request('DELETE', path(sentimentSid))).status, 204);
    assert.equal((await server.request('DELETE', path(sentimentSid))).status, 404);
    const text = (await scrape()).text;
    assert.equal(sample(text, 'intelligence_operator_attachments_created_total'), made() + 2);
    assert.equal(sample(text, 'intelligence_operator_attachments_removed_total'), removed() + 1);
  });
});

describe('metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN } });
  });
  after(() => server.close());

  test('metrics answer 200 to the bearer token', async () => {
    const response = await server.request('GET', '/metrics', { auth: null, headers: bearer(METRICS_TOKEN) });
    assert.equal(response.status, 200);
  });

  for (const [name, headers] of [
    ['no token', {}],
    ['a wrong token', bearer('x' + METRICS_TOKEN)],
    ['Basic credentials', { authorization: 'Basic ' + Buffer.from(`metrics:${METRICS_TOKEN}`).toString('base64') }],
  ] as Array<[string, Record<string, string>]>) {
    test(`metrics refuse ${name} with 401 20003`, async () => {
      const response = await server.request('GET', '/metrics', { auth: null, headers });
      assertTwilioError(response, 401, 20003, /METRICS_TOKEN/);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
    });
  }
});

test('a scrape right after start (prom-client not yet loaded) has every metric and the requests before it', async () => {
  const server = await startTestServer();
  try {
    assert.equal((await server.request('GET', '/v2/Services')).status, 200);
    const response = await server.request('GET', '/metrics', { auth: null });
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(
      sample(response.text, 'http_request_duration_seconds_count', { route: '/v2/Services', method: 'GET', status_code: '200' }),
      1,
    );
    assert.ok((sample(response.text, 'intelligence_db_query_duration_seconds_count', { operation: 'findCredential' }) ?? 0) >= 1);
    assert.equal(sample(response.text, 'intelligence_operator_attachments_created_total'), 0);
    assert.ok(sample(response.text, 'nodejs_heap_size_used_bytes') !== undefined);
    assert.equal(sample(response.text, 'intelligence_build_info'), 1);
  } finally {
    await server.close();
  }
});

test('METRICS_ENABLED=false removes /metrics (404) and the API still answers', async () => {
  const server = await startTestServer({ env: { METRICS_ENABLED: 'false' } });
  try {
    assertTwilioError(await server.request('GET', '/metrics', { auth: null }), 404, 20404);
    assert.equal((await server.request('GET', '/v2/Services')).status, 200);
  } finally {
    await server.close();
  }
});

test("the request-path histogram writes exactly what prom-client's Histogram writes", async () => {
  const buckets = [0.001, 0.01, 0.1];
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new FastHistogram('latency_seconds', 'Latency', buckets);
  fast.registerIn(ours);
  const reference = new Histogram({
    name: 'latency_seconds',
    help: 'Latency',
    labelNames: ['route', 'status_code'],
    buckets,
    registers: [theirs],
  });
  const observe = fast.observer('a', { route: '/v2/Services/:Sid', status_code: '200' });
  const other = fast.observer('b', { route: '/v2/Services', status_code: '201' });
  for (const value of [0.0005, 0.001, 0.002, 0.05, 0.1, 3]) {
    observe(value);
    reference.observe({ route: '/v2/Services/:Sid', status_code: '200' }, value);
  }
  other(0.02);
  reference.observe({ route: '/v2/Services', status_code: '201' }, 0.02);
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test("the attachment counter writes exactly what prom-client's Counter writes", async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new FastCounter('attached_total', 'Attached');
  fast.registerIn(ours);
  const reference = new Counter({ name: 'attached_total', help: 'Attached', registers: [theirs] });
  assert.equal(await ours.metrics(), await theirs.metrics(), 'before any increment');
  for (let i = 0; i < 3; i++) {
    fast.inc();
    reference.inc();
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('what is counted before prom-client is loaded is in the registry it loads, which is loaded once', async () => {
  const metrics = new Metrics('9.9.9');
  metrics.observeRequest('/v2/Services', 'GET', 200, 0.003);
  metrics.observeRequest(undefined, 'GET', 404, 0.001);
  metrics.databaseTimer('listServices')(0.0002);
  metrics.attachmentsCreated.inc();
  const [registry, again] = await Promise.all([metrics.registry(), metrics.registry()]);
  assert.equal(registry, again);
  const text = await registry.metrics();
  assert.equal(sample(text, 'http_request_duration_seconds_count', { route: '/v2/Services', method: 'GET', status_code: '200' }), 1);
  assert.equal(sample(text, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }), 1);
  assert.equal(sample(text, 'intelligence_db_query_duration_seconds_count', { operation: 'listServices' }), 1);
  assert.equal(sample(text, 'intelligence_operator_attachments_created_total'), 1);
  assert.equal(sample(text, 'intelligence_operator_attachments_removed_total'), 0);
  assert.equal(sample(text, 'intelligence_build_info', { version: '9.9.9' }), 1);
  assert.ok(sample(text, 'process_cpu_user_seconds_total') !== undefined);
  metrics.observeRequest('/v2/Services', 'GET', 200, 0.004);
  const later = await (await metrics.registry()).metrics();
  assert.equal(
    sample(later, 'http_request_duration_seconds_count', { route: '/v2/Services', method: 'GET', status_code: '200' }),
    2,
    'still counted after the load',
  );
});

test('metrics keep their order: request and database histograms, attachment counters, dropped log lines, process metrics, the build', async () => {
  const text = await (await new Metrics('1.0.0').registry()).metrics();
  const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map(([, name]) => name);
  assert.deepEqual(names.slice(0, 5), [
    'http_request_duration_seconds',
    'intelligence_db_query_duration_seconds',
    'intelligence_operator_attachments_created_total',
    'intelligence_operator_attachments_removed_total',
    'intelligence_log_lines_dropped_total',
  ]);
  assert.equal(names[5], 'process_cpu_user_seconds_total');
  assert.equal(names.at(-1), 'intelligence_build_info');
  assert.match(text, /^# TYPE intelligence_build_info gauge$/m);
});
