// Transcripts through the official `twilio` SDK, as a user's code drives them: create, list with
// filters, fetch, sentences, media, remove. Sentences and media are written through the store, as
// the transcript job would (no job worker runs here).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { claimTranscriptJobs, sentences, storeMedia, storeSentences } from '../transcripts/http-support.js';

type Client = ReturnType<typeof twilio>;

let server: TestServer;
let client: Client;
let serviceSid: string;

async function restError(promise: Promise<unknown>): Promise<{ status: number; code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as Error).constructor.name, 'RestException');
    return error as { status: number; code: number; message: string };
  }
  assert.fail('expected a RestException');
}

before(async () => {
  server = await startTestServer();
  client = twilio(server.account.sid, server.account.secret);
  client.intelligence.baseUrl = server.url;
  serviceSid = (await client.intelligence.v2.services.create({ uniqueName: 'sdk-transcripts', autoRedaction: true })).sid;
});
after(() => server.close());

describe('transcripts through the SDK', () => {
  test('create, fetch, list with filters and remove', async () => {
    const mediaStartTime = new Date('2026-12-01T09:30:00Z');
    const created = await client.intelligence.v2.transcripts.create({
      serviceSid,
      channel: {
        media_properties: { media_url: 'https://media.example.com/call.vtt' },
        participants: [
          { channel_participant: 1, full_name: 'Anna' },
          { channel_participant: 2, role: 'Caller' },
        ],
      },
      customerKey: 'order-42',
      mediaStartTime,
    });
    assert.match(created.sid, /^GT[0-9a-f]{32}$/);
    assert.equal(created.status, 'queued');
    assert.equal(created.redaction, true);
    assert.equal(created.customerKey, 'order-42');
    assert.equal(created.mediaStartTime.toISOString(), mediaStartTime.toISOString());
    assert.equal(created.channel.participants[0].role, 'Agent');
    assert.equal(created.channel.participants[1].role, 'Caller');
    assert.deepEqual(await claimTranscriptJobs(server), [created.sid]);

    const fetched = await client.intelligence.v2.transcripts(created.sid).fetch();
    assert.equal(fetched.sid, created.sid);
    assert.ok(fetched.dateCreated instanceof Date);

    const second = await client.intelligence.v2.transcripts.create({
      serviceSid,
      channel: { media_properties: { media_url: 'https://media.example.com/b.vtt' } },
    });
    const third = await client.intelligence.v2.transcripts.create({
      serviceSid,
      channel: { media_properties: { media_url: 'https://media.example.com/c.vtt' } },
    });
    const all = await client.intelligence.v2.transcripts.list({ serviceSid, pageSize: 2 });
    assert.deepEqual(
      all.map((transcript) => transcript.sid),
      [created.sid, second.sid, third.sid],
      'auto-paged in creation order',
    );
    const started = await client.intelligence.v2.transcripts.list({ serviceSid, afterStartTime: '2026-11-30T00:00:00Z' });
    assert.deepEqual(
      started.map((transcript) => transcript.sid),
      [created.sid],
    );
    assert.deepEqual((await client.intelligence.v2.transcripts.list({ serviceSid, status: 'completed' })).length, 0);

    assert.equal(await client.intelligence.v2.transcripts(second.sid).remove(), true);
    const gone = await restError(client.intelligence.v2.transcripts(second.sid).fetch());
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 20404);
    await claimTranscriptJobs(server);
  });

  test('a refusal surfaces as a RestException with its Twilio code', async () => {
    const empty = await restError(client.intelligence.v2.transcripts.create({ serviceSid, channel: { media_properties: {} } }));
    assert.equal(empty.status, 400);
    assert.equal(empty.code, 95006);
    const ftp = await restError(
      client.intelligence.v2.transcripts.create({ serviceSid, channel: { media_properties: { media_url: 'ftp://x/y.wav' } } }),
    );
    assert.equal(ftp.code, 95005);
    const three = await restError(
      client.intelligence.v2.transcripts.create({
        serviceSid,
        channel: {
          media_properties: { media_url: 'https://x.example/y.wav' },
          participants: [1, 2, 1].map((n) => ({ channel_participant: n })),
        },
      }),
    );
    assert.equal(three.code, 20422);
    assert.match(three.message, /participants/);
    assert.deepEqual(await claimTranscriptJobs(server), []);
  });

  test('sentences: redacted by default, the original on request, word times, paged', async () => {
    const transcript = await client.intelligence.v2.transcripts.create({
      serviceSid,
      channel: { media_properties: { media_url: 'https://media.example.com/s.vtt' } },
    });
    await storeSentences(server, transcript.sid, sentences(5, true));
    const redacted = await client.intelligence.v2.transcripts(transcript.sid).sentences.list({ pageSize: 2 });
    assert.deepEqual(
      redacted.map((sentence) => sentence.sentenceIndex),
      [0, 1, 2, 3, 4],
    );
    assert.equal(redacted[1]!.transcript, 'my name is [Name] number 1');
    assert.equal(redacted[1]!.startTime, '1.36');
    assert.equal(redacted[1]!.words[0].start_time, null);
    const original = await client.intelligence.v2
      .transcripts(transcript.sid)
      .sentences.list({ redacted: false, wordTimestamps: true, pageSize: 2 });
    assert.equal(original[4]!.transcript, 'my name is Anna number 4', 'later pages keep Redacted=false');
    assert.equal(typeof original[4]!.words[0].start_time, 'number');
    await claimTranscriptJobs(server);
  });

  test('media: fetch gives a temporary URL that downloads the stored file', async () => {
    const transcript = await client.intelligence.v2.transcripts.create({
      serviceSid,
      channel: { media_properties: { media_url: 'https://media.example.com/m.vtt' } },
    });
    const bytes = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.500\n<v Agent>Hello\n');
    await storeMedia(server, transcript.sid, { bytes, name: 'media.vtt', contentType: 'text/vtt' });
    const media = await client.intelligence.v2.transcripts(transcript.sid).media().fetch();
    assert.equal(media.sid, transcript.sid);
    assert.equal(media.serviceSid, serviceSid);
    const response = await fetch(media.mediaUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/vtt');
    assert.equal(await response.text(), bytes.toString());
    const unknown = await restError(client.intelligence.v2.transcripts('GT00000000000000000000000000000000').media().fetch());
    assert.equal(unknown.status, 404);
    await claimTranscriptJobs(server);
  });
});
