// Webhook delivery end to end on TEST_STORE's backend: a real server with its job worker, a service
// made through the API, webhooks enqueued as the transcript pipeline will, real local receivers.
// Every case checks the attempts made and the signatures, with twilio-node's validators only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startReceiver, signatureValid, type Receiver } from './receiver.js';
import { attemptFailures, enqueueWebhook, serviceWithWebhook, settledRecorder } from './support.js';

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const made = await startReceiver(...args);
  receivers.push(made);
  return made;
}

const ok = (_request: unknown, _index: number, response: import('node:http').ServerResponse) => response.end('ok');

describe('webhook delivery', { timeout: 120_000 }, () => {
  let server: TestServer;
  let recorder: ReturnType<typeof settledRecorder>;
  before(async () => {
    server = await startTestServer({
      jobs: { pollMs: 50 },
      env: { OUTBOUND_ALLOWLIST: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_MAX_ATTEMPTS: '3' },
    });
    recorder = settledRecorder(server.jobs!);
  });
  after(async () => {
    await server.close();
    await Promise.all(receivers.map((each) => each.close()));
  });

  test('a POST webhook is delivered once, as JSON, with the Twilio headers and a valid signature', async () => {
    const hook = await receiver(ok);
    const service = await serviceWithWebhook(server, `${hook.origin}/hooks/intelligence?tenant=a%20b`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    const attempts = await recorder.finished(jobId);
    assert.deepEqual(
      attempts.map((each) => each.outcome),
      ['done'],
    );
    assert.equal(hook.received.length, 1);
    const [request] = hook.received;
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.deepEqual(JSON.parse(request.body), {
      account_sid: server.account.sid,
      service_sid: service.sid,
      transcript_sid: transcriptSid,
      customer_key: 'customer-1',
      event_type: 'voice_intelligence_transcript_available',
    });
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], 'TwilioProxy/1.1');
    assert.match(String(request.headers['i-twilio-idempotency-token']), /^[0-9a-f-]{36}$/);
    assert.match(request.url, /\/hooks\/intelligence\?tenant=a%20b&bodySHA256=[0-9a-f]{64}$/);
    assert.ok(signatureValid(server.account.secret, request), 'twilio.validateRequestWithBody accepts it');
    assert.equal(signatureValid('another-auth-token', request), false, 'and only with the account token');
    assert.deepEqual(
      attemptFailures(server).filter((line) => line.resource_sid === transcriptSid),
      [],
    );
  });

  test('a GET webhook carries the keys as query parameters, signed as validateRequest expects', async () => {
    const hook = await receiver(ok);
    const service = await serviceWithWebhook(server, `${hook.origin}/hooks/get`, 'GET');
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service, null);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['done'],
    );
    const [request] = hook.received;
    assert.ok(request);
    assert.equal(request.method, 'GET');
    assert.equal(request.body, '');
    const query = Object.fromEntries(new URL(request.url).searchParams);
    assert.deepEqual(query, {
      account_sid: server.account.sid,
      service_sid: service.sid,
      transcript_sid: transcriptSid,
      customer_key: '',
      event_type: 'voice_intelligence_transcript_available',
    });
    assert.ok(signatureValid(server.account.secret, request), 'twilio.validateRequest accepts it');
  });

  test('a URL with user information sends it as Basic credentials, signs the URL without it, and never reports the password', async () => {
    const hook = await receiver((_request, index, response) => {
      response.statusCode = index === 0 ? 502 : 200;
      response.end();
    });
    const service = await serviceWithWebhook(server, hook.origin.replace('http://', 'http://hook-user:hook%20pass@') + '/basic');
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['retry', 'done'],
    );
    for (const request of hook.received) {
      assert.equal(request.headers.authorization, 'Basic ' + Buffer.from('hook-user:hook pass').toString('base64'));
      assert.ok(signatureValid(server.account.secret, request));
    }
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.equal(failures.length, 1);
    assert.ok(!JSON.stringify(failures).includes('hook%20pass') && !JSON.stringify(failures).includes('hook pass'));
  });

  test('500 then 200: retried within 10 s with the same idempotency token, and the failure reported as 95200', async () => {
    const hook = await receiver((_request, index, response) => {
      response.statusCode = index === 0 ? 500 : 200;
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/flaky`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    const attempts = await recorder.finished(jobId);
    assert.deepEqual(
      attempts.map((each) => each.outcome),
      ['retry', 'done'],
    );
    const first = attempts[0]!;
    assert.ok(first.retryAtMs! - first.nowMs <= 10_000, `first retry after ${first.retryAtMs! - first.nowMs} ms`);
    assert.equal(hook.received.length, 2);
    const tokens = new Set(hook.received.map((request) => request.headers['i-twilio-idempotency-token']));
    assert.equal(tokens.size, 1, 'the same idempotency token on every attempt');
    for (const request of hook.received) assert.ok(signatureValid(server.account.secret, request));
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.error_code, 95200);
    assert.match(String(failures[0]!.msg), /answered HTTP 500/);
    assert.equal(failures[0]!.request_method, 'POST');
    assert.match(String(failures[0]!.request_url), /\/flaky\?bodySHA256=/);
  });

  test('404 is not retried', async () => {
    const hook = await receiver((_request, _index, response) => {
      response.statusCode = 404;
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/gone`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['dead'],
    );
    assert.equal(hook.received.length, 1);
    assert.ok(signatureValid(server.account.secret, hook.received[0]!));
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.deepEqual(
      failures.map((line) => [line.error_code, line.will_retry]),
      [[95200, false]],
    );
    assert.match(String(failures[0]!.msg), /answered HTTP 404/);
  });

  test('429 with Retry-After: the next attempt is due exactly that much later', async () => {
    const hook = await receiver((_request, index, response) => {
      if (index === 0) {
        response.statusCode = 429;
        response.setHeader('Retry-After', '1');
      }
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/busy`);
    const { jobId } = await enqueueWebhook(server.store, service);
    const attempts = await recorder.finished(jobId);
    assert.deepEqual(
      attempts.map((each) => each.outcome),
      ['retry', 'done'],
    );
    assert.equal(attempts[0]!.retryAtMs! - attempts[0]!.nowMs, 1000);
    assert.equal(hook.received.length, 2);
    for (const request of hook.received) assert.ok(signatureValid(server.account.secret, request));
  });

  test('a receiver that hangs: the attempt times out (95201) and the next one is delivered', async () => {
    const hook = await receiver((_request, index, response) => {
      if (index > 0) response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/slow`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['retry', 'done'],
    );
    assert.equal(hook.received.length, 2);
    for (const request of hook.received) assert.ok(signatureValid(server.account.secret, request));
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.deepEqual(
      failures.map((line) => line.error_code),
      [95201],
    );
    assert.match(String(failures[0]!.msg), /did not answer within 500 ms/);
  });

  test('a receiver that closes the socket: retried, then delivered', async () => {
    const hook = await receiver((_request, index, response) => {
      if (index === 0) response.socket?.destroy();
      else response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/closes`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['retry', 'done'],
    );
    assert.equal(hook.received.length, 2);
    assert.equal(new Set(hook.received.map((request) => request.headers['i-twilio-idempotency-token'])).size, 1);
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.deepEqual(
      failures.map((line) => line.error_code),
      [95200],
    );
    assert.match(String(failures[0]!.msg), /could not be reached/);
  });

  test('a redirect is followed, and the next hop is signed for its own URL', async () => {
    const hook = await receiver((request, _index, response) => {
      if (new URL(request.url).pathname === '/moved') {
        response.statusCode = 307;
        response.setHeader('Location', '/new-home');
      }
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/moved`);
    const { jobId } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['done'],
    );
    assert.deepEqual(
      hook.received.map((request) => new URL(request.url).pathname),
      ['/moved', '/new-home'],
    );
    for (const request of hook.received) assert.ok(signatureValid(server.account.secret, request), request.url);
  });

  test('a redirect to a refused address is not followed, and not retried; the report names OUTBOUND_ALLOWLIST', async () => {
    const hook = await receiver((_request, _index, response) => {
      response.statusCode = 302;
      response.setHeader('Location', 'http://10.1.2.3/internal');
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/to-internal`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['dead'],
    );
    assert.equal(hook.received.length, 1);
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]!.msg), /10\.1\.2\.3, a private address, which is not allowed; add it to OUTBOUND_ALLOWLIST/);
  });

  test('redirects beyond the limit end the delivery without retry', async () => {
    const hook = await receiver((request, index, response) => {
      response.statusCode = 302;
      response.setHeader('Location', `/loop-${index + 1}`);
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/loop-0`);
    const { jobId } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['dead'],
    );
    assert.equal(hook.received.length, 4, 'the first request and three redirects');
  });

  test('5xx on every attempt: WEBHOOK_MAX_ATTEMPTS attempts, then the job is dead', async () => {
    const hook = await receiver((_request, _index, response) => {
      response.statusCode = 503;
      response.end();
    });
    const service = await serviceWithWebhook(server, `${hook.origin}/down`);
    const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
    assert.deepEqual(
      (await recorder.finished(jobId)).map((each) => each.outcome),
      ['retry', 'retry', 'dead'],
    );
    assert.equal(hook.received.length, 3);
    const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
    assert.deepEqual(
      failures.map((line) => [line.attempt, line.will_retry]),
      [
        [1, true],
        [2, true],
        [3, false],
      ],
    );
  });
});

describe('webhook delivery without OUTBOUND_ALLOWLIST', { timeout: 60_000 }, () => {
  test('a webhook URL on a loopback address is refused without a request or a retry', async () => {
    const server = await startTestServer({ jobs: { pollMs: 50 } });
    const hook = await startReceiver(ok);
    try {
      const recorder = settledRecorder(server.jobs!);
      const service = await serviceWithWebhook(server, `${hook.origin}/local`);
      const { jobId, transcriptSid } = await enqueueWebhook(server.store, service);
      assert.deepEqual(
        (await recorder.finished(jobId)).map((each) => each.outcome),
        ['dead'],
      );
      assert.equal(hook.received.length, 0);
      const failures = attemptFailures(server).filter((line) => line.resource_sid === transcriptSid);
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.error_code, 95200);
      assert.match(String(failures[0]!.msg), /127\.0\.0\.1, a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST/);
    } finally {
      await server.close();
      await hook.close();
    }
  });

  test('a service without a webhook queues nothing', async () => {
    const server = await startTestServer();
    try {
      const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'no-webhook' } });
      const service = (await server.store.findServiceBySid(server.account.sid, created.body.sid))!;
      const { enqueueTranscriptWebhook } = await import('../../src/webhooks/outbox.js');
      const queued = await server.store.transaction((tx) =>
        enqueueTranscriptWebhook(
          tx,
          service,
          { sid: 'GT' + '0'.repeat(32), accountSid: service.accountSid, serviceSid: service.sid, customerKey: null },
          Date.now(),
        ),
      );
      assert.equal(queued, null);
    } finally {
      await server.close();
    }
  });
});

describe('a slow receiver and the API', { timeout: 60_000 }, () => {
  test('the API answers while every worker slot waits on a receiver that has not answered', async () => {
    const server = await startTestServer({
      jobs: { pollMs: 50, lanes: { webhook: 2 } },
      env: { OUTBOUND_ALLOWLIST: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '60000' },
    });
    const held: Array<import('node:http').ServerResponse> = [];
    const hook = await startReceiver((_request, _index, response) => void held.push(response));
    try {
      const recorder = settledRecorder(server.jobs!);
      const service = await serviceWithWebhook(server, `${hook.origin}/held`);
      const jobs = [
        await enqueueWebhook(server.store, service),
        await enqueueWebhook(server.store, service),
        await enqueueWebhook(server.store, service),
      ];
      await hook.waitFor(2);
      assert.equal(held.length, 2, 'both webhook slots are delivering, the third waits');
      for (let n = 0; n < 5; n++) assert.equal((await server.request('GET', '/v2/Services')).status, 200);
      assert.equal((await server.request('POST', '/v2/Services', { form: { UniqueName: 'while-held' } })).status, 201);
      assert.equal(held.length, 2, 'the third webhook still waits for a slot');
      const ids = new Set(jobs.map((each) => each.jobId));
      assert.equal(recorder.settled.filter((each) => ids.has(each.job.id)).length, 0, 'no delivery ended meanwhile');
      for (const response of held) response.end();
      await hook.waitFor(3);
      for (const response of held) if (!response.writableEnded) response.end();
      for (const { jobId } of jobs)
        assert.deepEqual(
          (await recorder.finished(jobId)).map((each) => each.outcome),
          ['done'],
        );
    } finally {
      for (const response of held) if (!response.writableEnded) response.end();
      await server.close();
      await hook.close();
    }
  });
});
