// Webhook delivery across server lifetimes and processes, on TEST_STORE's backend: a job survives a
// restart between attempts (same idempotency token, signatures still valid), and two server
// processes on one database make each attempt once.
import type { AccountSid } from '../../src/sids.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { JobSettled } from '../../src/jobs/worker.js';
import { createAccount } from '../../src/resources/accounts/rules.js';
import { parseSecretKey } from '../../src/resources/accounts/secret-key.js';
import { callServer, startServerProcess, type ServerProcess } from '../helpers/process.js';
import { startTestServer, TEST_SECRET_KEY } from '../helpers/server.js';
import { jobStore } from '../jobs/stores.js';
import { startReceiver, signatureValid } from './receiver.js';
import { enqueueWebhook, serviceWithWebhook, settledRecorder } from './support.js';

describe('webhooks across restarts and processes', { timeout: 180_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('a webhook job survives a restart between attempts, with the same idempotency token', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'intelligence-webhook-restart-'));
    cleanups.push(async () => rmSync(directory, { recursive: true, force: true }));
    const hook = await startReceiver((_request, index, response) => {
      response.statusCode = index === 0 ? 500 : 200;
      response.end();
    });
    cleanups.push(() => hook.close());
    const env = { OUTBOUND_ALLOWLIST: '127.0.0.1' };
    const first = await startTestServer({ directory, env, jobs: { pollMs: 50 } });
    const account = first.account;
    const recorder = settledRecorder(first.jobs!);
    const service = await serviceWithWebhook(first, `${hook.origin}/restart`);
    const { jobId } = await enqueueWebhook(first.store, service);
    // Stopped right after the first attempt failed: the retry is the next server's.
    const settledFirst = await new Promise<string>((resolve) => {
      const listener = (each: JobSettled) => {
        if (each.job.id !== jobId) return;
        first.jobs!.off('settled', listener);
        resolve(each.outcome);
      };
      first.jobs!.on('settled', listener);
    });
    assert.equal(settledFirst, 'retry');
    assert.equal(recorder.settled.filter((each) => each.job.id === jobId).length, 1);
    await first.close();
    assert.equal(hook.received.length, 1);

    const second = await startTestServer({ directory, env, jobs: { pollMs: 50 } });
    try {
      const attempts = await settledRecorder(second.jobs!).finished(jobId);
      assert.deepEqual(
        attempts.map((each) => [each.outcome, each.job.attempts]),
        [['done', 2]],
      );
      assert.equal(hook.received.length, 2);
      assert.equal(new Set(hook.received.map((request) => request.headers['i-twilio-idempotency-token'])).size, 1);
      for (const request of hook.received)
        assert.ok(signatureValid(account.secret, request), 'signed with the account token after the restart too');
    } finally {
      await second.close();
    }
  });

  test('two server processes on one database make each attempt once', async () => {
    const js = await jobStore();
    cleanups.push(() => js.dispose());
    const count = 20;
    const hook = await startReceiver((request, _index, response) => {
      const token = request.headers['i-twilio-idempotency-token'];
      const earlier = hook.received.filter((each) => each.headers['i-twilio-idempotency-token'] === token).length;
      // Each webhook's first attempt fails, so every webhook is attempted twice: once by whichever process claims it.
      response.statusCode = earlier === 1 ? 500 : 200;
      response.end();
    });
    cleanups.push(() => hook.close());
    const accountSid = ('AC' + '6'.repeat(32)) as AccountSid;
    const authToken = 'webhook-processes-auth-token';
    const secretKey = parseSecretKey(TEST_SECRET_KEY)!;
    await createAccount(js.store, { sid: accountSid, authToken, secretKey });
    const env = { DATABASE_URL: js.url, OUTBOUND_ALLOWLIST: '127.0.0.1', SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
    const servers: ServerProcess[] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    cleanups.push(async () => void (await Promise.all(servers.map((each) => each.stop('SIGKILL')))));
    const authorization = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
    const created = await callServer(servers[0]!.url, authorization, 'POST', '/v2/Services', {
      UniqueName: 'two-processes',
      WebhookUrl: `${hook.origin}/processes`,
      WebhookHttpMethod: 'POST',
    });
    assert.equal(created.status, 201);
    const service = (await js.store.findServiceBySid(accountSid, created.body.sid))!;
    const enqueued = [];
    for (let n = 0; n < count; n++) enqueued.push(await enqueueWebhook(js.store, service, `key-${n}`));
    await hook.waitFor(2 * count, 120_000);
    const deadline = Date.now() + 60_000;
    for (const { jobId } of enqueued) {
      for (;;) {
        const job = await js.store.findJob(jobId);
        if (job?.state === 'done') {
          assert.equal(job.attempts, 2);
          break;
        }
        assert.ok(Date.now() < deadline, `job ${jobId} is ${job?.state}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.equal(hook.received.length, 2 * count, 'no attempt was made twice');
    const byToken = new Map<string, number>();
    for (const request of hook.received) {
      const token = String(request.headers['i-twilio-idempotency-token']);
      byToken.set(token, (byToken.get(token) ?? 0) + 1);
      assert.ok(signatureValid(authToken, request));
    }
    assert.equal(byToken.size, count);
    assert.ok([...byToken.values()].every((attempts) => attempts === 2));
    const transcripts = new Set(hook.received.map((request) => JSON.parse(request.body).transcript_sid));
    assert.deepEqual([...transcripts].sort(), enqueued.map((each) => each.transcriptSid).sort());
  });
});
