// GET /metrics: Prometheus text with requests by route template, method and status, latency
// histograms, database call latency, attachment counters and process metrics; METRICS_TOKEN guard.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { FastHistogram } from '../../src/ops/histogram.js';
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
    assert.ok((sample(text, 'intelligence_db_query_duration_seconds_count', { operation: 'insertService' }) ?? 0) >= 1);
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
  const fast = new FastHistogram('latency_seconds', 'Latency', buckets, ours);
  const reference = new Histogram({ name: 'latency_seconds', help: 'Latency', labelNames: ['route', 'status_code'], buckets, registers: [theirs] });
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
