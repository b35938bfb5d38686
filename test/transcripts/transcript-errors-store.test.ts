// POST /v2/Transcripts: every refusal of TRANSCRIPTS.md §1, one row each (the request and the answer
// side by side), and that a refused request stores no transcript and queues no job.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertTwilioError, createService, randomSid } from '../http/support.js';
import { channelJson, claimTranscriptJobs, createTranscript, MEDIA_URL } from './http-support.js';

let server: TestServer;
let serviceSid: string;

before(async () => {
  server = await startTestServer();
  serviceSid = (await createService(server)).sid;
});
after(() => server.close());

const participant = (channel: unknown, extra: Record<string, unknown> = {}) => ({ channel_participant: channel, ...extra });
const withParticipants = (participants: unknown) => channelJson({ media_url: MEDIA_URL }, { participants });
const recording = randomSid('RE');

interface Case {
  name: string;
  form: Record<string, string | string[]>;
  status: number;
  code: number;
  message: RegExp | string;
  /** The row sends its own ServiceSid (or none); the others get the test's service. */
  ownServiceSid?: true;
}

const cases: Case[] = [
  {
    name: 'ServiceSid missing',
    form: { Channel: channelJson() },
    status: 400,
    code: 20422,
    message: /Missing required parameter ServiceSid/,
    ownServiceSid: true,
  },
  {
    name: 'ServiceSid not a GA SID',
    form: { ServiceSid: 'GA123', Channel: channelJson() },
    status: 400,
    code: 20422,
    message: /ServiceSid/,
    ownServiceSid: true,
  },
  { name: 'Channel missing', form: {}, status: 400, code: 20422, message: /Missing required parameter Channel/ },
  { name: 'Channel empty', form: { Channel: '' }, status: 400, code: 20422, message: /Channel/ },
  {
    name: 'Channel given twice',
    form: { Channel: [channelJson(), channelJson()] },
    status: 400,
    code: 20422,
    message: /Channel was given more than once/,
  },
  {
    name: 'Channel not JSON',
    form: { Channel: '{"media_properties": ' },
    status: 400,
    code: 20422,
    message: /^Invalid parameter Channel: must be a JSON object/,
  },
  { name: 'Channel a JSON array', form: { Channel: '[]' }, status: 400, code: 20422, message: /^Invalid parameter Channel/ },
  { name: 'Channel JSON null', form: { Channel: 'null' }, status: 400, code: 20422, message: /^Invalid parameter Channel/ },
  {
    name: 'Channel type not voice',
    form: { Channel: channelJson(undefined, { type: 'video' }) },
    status: 400,
    code: 20422,
    message: /Channel: type/,
  },
  {
    name: 'media_properties not an object',
    form: { Channel: '{"media_properties": "x"}' },
    status: 400,
    code: 20422,
    message: /Channel: media_properties must be an object/,
  },
  { name: 'no media at all', form: { Channel: '{}' }, status: 400, code: 95006, message: 'Media url is empty' },
  { name: 'empty media_url', form: { Channel: channelJson({ media_url: '' }) }, status: 400, code: 95006, message: 'Media url is empty' },
  {
    name: 'null media_url and no source_sid',
    form: { Channel: channelJson({ media_url: null }) },
    status: 400,
    code: 95006,
    message: 'Media url is empty',
  },
  {
    name: 'media_url ftp:',
    form: { Channel: channelJson({ media_url: 'ftp://example.com/a.wav' }) },
    status: 400,
    code: 95005,
    message: 'Invalid media url',
  },
  {
    name: 'media_url relative',
    form: { Channel: channelJson({ media_url: '/calls/a.wav' }) },
    status: 400,
    code: 95005,
    message: 'Invalid media url',
  },
  {
    name: 'media_url not a URL',
    form: { Channel: channelJson({ media_url: 'call one' }) },
    status: 400,
    code: 95005,
    message: 'Invalid media url',
  },
  {
    name: 'media_url without a host',
    form: { Channel: channelJson({ media_url: 'https://' }) },
    status: 400,
    code: 95005,
    message: 'Invalid media url',
  },
  {
    name: 'media_url over 2048 characters',
    form: { Channel: channelJson({ media_url: `https://example.com/${'a'.repeat(2048)}` }) },
    status: 400,
    code: 95005,
    message: 'Invalid media url',
  },
  {
    name: 'media_url a number',
    form: { Channel: channelJson({ media_url: 42 }) },
    status: 400,
    code: 20422,
    message: /media_properties\.media_url must be a string/,
  },
  {
    name: 'source_sid not an RE SID',
    form: { Channel: channelJson({ source_sid: 'RE123' }) },
    status: 400,
    code: 20422,
    message: /media_properties\.source_sid/,
  },
  {
    name: 'participants not an array',
    form: { Channel: withParticipants({ channel_participant: 1 }) },
    status: 400,
    code: 20422,
    message: /Channel: participants must be an array/,
  },
  {
    name: 'three participants',
    form: { Channel: withParticipants([participant(1), participant(2), participant(1)]) },
    status: 400,
    code: 20422,
    message: /at most 2 participants/,
  },
  {
    name: 'a participant not an object',
    form: { Channel: withParticipants(['Anna']) },
    status: 400,
    code: 20422,
    message: /participants\[0\] must be an object/,
  },
  {
    name: 'channel_participant 3',
    form: { Channel: withParticipants([participant(3)]) },
    status: 400,
    code: 20422,
    message: /participants\[0\]\.channel_participant must be 1 or 2/,
  },
  {
    name: 'channel_participant missing',
    form: { Channel: withParticipants([{ role: 'Agent' }]) },
    status: 400,
    code: 20422,
    message: /channel_participant must be 1 or 2/,
  },
  {
    name: 'channel_participant as text',
    form: { Channel: withParticipants([participant('1')]) },
    status: 400,
    code: 20422,
    message: /channel_participant must be 1 or 2/,
  },
  {
    name: 'two participants on channel 1',
    form: { Channel: withParticipants([participant(1), participant(1)]) },
    status: 400,
    code: 20422,
    message: /distinct channel_participant/,
  },
  {
    name: 'role not text',
    form: { Channel: withParticipants([participant(1, { role: 7 })]) },
    status: 400,
    code: 20422,
    message: /participants\[0\]\.role must be a string/,
  },
  {
    name: 'full_name too long',
    form: { Channel: withParticipants([participant(2, { full_name: 'x'.repeat(257) })]) },
    status: 400,
    code: 20422,
    message: /participants\[0\]\.full_name must be at most 256/,
  },
  {
    name: 'media_participant_id with source_sid',
    form: { Channel: channelJson({ source_sid: recording }, { participants: [participant(1, { media_participant_id: '+15550001111' })] }) },
    status: 400,
    code: 20422,
    message: 'The media_participant_id can only be set for transcript with media url',
  },
  {
    name: 'CustomerKey over 64 characters',
    form: { Channel: channelJson(), CustomerKey: 'k'.repeat(65) },
    status: 400,
    code: 20422,
    message: /CustomerKey: must be at most 64 characters/,
  },
  {
    name: 'MediaStartTime not a date',
    form: { Channel: channelJson(), MediaStartTime: 'yesterday' },
    status: 400,
    code: 20422,
    message: /^Invalid parameter MediaStartTime/,
  },
  {
    name: 'MediaStartTime not a real day',
    form: { Channel: channelJson(), MediaStartTime: '2026-02-31T10:00:00Z' },
    status: 400,
    code: 20422,
    message: /^Invalid parameter MediaStartTime/,
  },
  {
    name: 'MediaStartTime without a zone',
    form: { Channel: channelJson(), MediaStartTime: '2026-02-03T10:00:00' },
    status: 400,
    code: 20422,
    message: /^Invalid parameter MediaStartTime/,
  },
];

describe('POST /v2/Transcripts refusals', () => {
  for (const row of cases) {
    test(`${row.name} → ${row.status} ${row.code}`, async () => {
      const form = row.ownServiceSid ? row.form : { ServiceSid: serviceSid, ...row.form };
      const response = await server.request('POST', '/v2/Transcripts', { form });
      assertTwilioError(response, row.status, row.code, row.message);
    });
  }

  test('an unknown service → 404 20404 naming the service', async () => {
    const unknown = randomSid('GA');
    const response = await server.request('POST', '/v2/Transcripts', { form: { ServiceSid: unknown, Channel: channelJson() } });
    assertTwilioError(response, 404, 20404, `The requested resource /v2/Services/${unknown} was not found`);
  });

  test("another account's service → 404 20404, as if it did not exist", async () => {
    const other = await server.newAccount();
    const theirs = await createService(server, {}, other.auth);
    const response = await server.request('POST', '/v2/Transcripts', { form: { ServiceSid: theirs.sid, Channel: channelJson() } });
    assertTwilioError(response, 404, 20404, `The requested resource /v2/Services/${theirs.sid} was not found`);
  });

  test('a second transcript of the same recording → 409 20409; another account may have its own', async () => {
    const sourceSid = randomSid('RE');
    const first = await createTranscript(server, serviceSid, { Channel: channelJson({ source_sid: sourceSid }) });
    assert.equal(first.channel.media_properties.source_sid, sourceSid);
    assert.deepEqual(await claimTranscriptJobs(server), [first.sid]);
    const again = await server.request('POST', '/v2/Transcripts', {
      form: { ServiceSid: serviceSid, Channel: channelJson({ source_sid: sourceSid }) },
    });
    assertTwilioError(again, 409, 20409, new RegExp(sourceSid));
    // media_url wins, but the recording is still the transcript's: one per recording holds.
    const withUrl = await server.request('POST', '/v2/Transcripts', {
      form: { ServiceSid: serviceSid, Channel: channelJson({ source_sid: sourceSid, media_url: MEDIA_URL }) },
    });
    assertTwilioError(withUrl, 409, 20409);
    assert.deepEqual(await claimTranscriptJobs(server), [], 'a refused create queues no job');

    const other = await server.newAccount();
    const theirService = await createService(server, {}, other.auth);
    const theirs = await createTranscript(server, theirService.sid, { Channel: channelJson({ source_sid: sourceSid }) }, other.auth);
    assert.deepEqual(await claimTranscriptJobs(server), [theirs.sid]);
  });

  test('no refused request stored a transcript or queued a job', async () => {
    const listed = await server.request('GET', `/v2/Transcripts?ServiceSid=${serviceSid}&PageSize=1000`);
    assert.equal(listed.status, 200, listed.text);
    const sids: string[] = listed.body.transcripts.map((transcript: { sid: string }) => transcript.sid);
    const jobs = await claimTranscriptJobs(server);
    assert.ok(sids.length <= 1, `only the one accepted transcript of this service: ${sids.join(', ')}`);
    assert.deepEqual(jobs, []);
  });
});
