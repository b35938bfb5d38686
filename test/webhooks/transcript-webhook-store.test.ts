// The webhook end to end, on TEST_STORE's backend: a transcript created through the API completes
// in the server's job worker, and the service's webhook is called, signed (twilio-node's validator);
// a receiver that refuses leaves Alerts (Monitor API) naming the transcript and the URL called.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mediaServer, waitForStatus, type LocalServer } from '../pipeline/helpers.js';
import { channelJson, createTranscript } from '../transcripts/http-support.js';
import { startReceiver, signatureValid, type Receiver } from './receiver.js';
import { serviceWithWebhook } from './support.js';

const VTT = 'WEBVTT\n\n00:00.500 --> 00:02.250\n<v Anna>Thank you for calling.\n';

describe('transcript webhook', { timeout: 120_000 }, () => {
  let server: TestServer;
  let media: LocalServer;
  const receivers: Receiver[] = [];
  before(async () => {
    media = await mediaServer(new Map([['/call.vtt', { body: VTT, contentType: 'text/vtt' }]]));
    server = await startTestServer({ jobs: { pollMs: 50 }, env: { OUTBOUND_ALLOWLIST: '127.0.0.1', WEBHOOK_MAX_ATTEMPTS: '1' } });
  });
  after(async () => {
    await server.close();
    await media.close();
    await Promise.all(receivers.map((each) => each.close()));
  });

  test('a completed transcript calls its service webhook once, signed, with its SIDs and customer key', async () => {
    const hook = await startReceiver((_request, _index, response) => response.end());
    receivers.push(hook);
    const service = await serviceWithWebhook(server, `${hook.origin}/done`);
    const created = await createTranscript(server, service.sid, {
      Channel: channelJson({ media_url: `${media.url}/call.vtt` }),
      CustomerKey: 'order-42',
    });
    assert.equal((await waitForStatus(server.store, created.sid, ['completed', 'failed'])).status, 'completed');
    const [request] = await hook.waitFor(1);
    assert.ok(request);
    assert.deepEqual(JSON.parse(request.body), {
      account_sid: server.account.sid,
      service_sid: service.sid,
      transcript_sid: created.sid,
      customer_key: 'order-42',
      event_type: 'voice_intelligence_transcript_available',
    });
    assert.ok(signatureValid(server.account.secret, request));
  });

  test('a webhook answered 404 is an Alert 95200 for the transcript, listed by GET /v1/Alerts', async () => {
    const hook = await startReceiver((_request, _index, response) => {
      response.statusCode = 404;
      response.end();
    });
    receivers.push(hook);
    const service = await serviceWithWebhook(server, `${hook.origin}/missing`);
    const created = await createTranscript(server, service.sid, { Channel: channelJson({ media_url: `${media.url}/call.vtt` }) });
    await hook.waitFor(1);
    const deadline = Date.now() + 30_000;
    let alert: Record<string, unknown> | undefined;
    while (alert === undefined) {
      const listed = await server.request('GET', '/v1/Alerts?PageSize=100');
      assert.equal(listed.status, 200, listed.text);
      alert = (listed.body.alerts as Array<Record<string, unknown>>).find(
        (each) => each.resource_sid === created.sid && each.error_code === '95200',
      );
      if (alert === undefined) {
        assert.ok(Date.now() < deadline, 'no Alert for the webhook within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.equal(alert.request_method, 'POST');
    assert.match(String(alert.request_url), new RegExp(`^${hook.origin}/missing\\?bodySHA256=[0-9a-f]{64}$`));
    assert.match(String(alert.alert_text), /answered HTTP 404/);
    assert.equal(alert.log_level, 'error');
  });
});
