// /v2/Transcripts over HTTP: create (the stored channel, the service's settings and operators, the
// queued job), list with every filter and paging, fetch and delete, each scoped to its account.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { MediaStore } from '../../src/media/media-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertEveryField,
  assertNoContent,
  assertOk,
  assertTwilioError,
  attach,
  createService,
  ISO_SECONDS,
  pause,
  prebuiltSid,
  randomSid,
  walkBack,
  walkForward,
} from '../http/support.js';
import { channelJson, claimTranscriptJobs, createTranscript, MEDIA_URL, sentences, storeMedia, storeSentences } from './http-support.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('POST /v2/Transcripts', () => {
  test('answers 202 with the whole transcript, queued, and queues its job in the same unit of work', async () => {
    const service = await createService(server);
    const body = await createTranscript(server, service.sid, { CustomerKey: 'k'.repeat(64) });
    assertEveryField('intelligence.v2.transcript', body);
    assert.match(body.sid, /^GT[0-9a-f]{32}$/);
    assert.equal(body.account_sid, server.account.sid);
    assert.equal(body.service_sid, service.sid);
    assert.equal(body.status, 'queued');
    assert.equal(body.duration, 0);
    assert.equal(body.customer_key, 'k'.repeat(64));
    assert.equal(body.media_start_time, null);
    assert.equal(body.encryption_credential_sid, null);
    assert.match(body.date_created, ISO_SECONDS);
    assert.equal(body.url, `${server.url}/v2/Transcripts/${body.sid}`);
    assert.deepEqual(body.links, {
      sentences: `${body.url}/Sentences`,
      encrypted_sentences: `${body.url}/Sentences/Encrypted`,
      media: `${body.url}/Media`,
      operator_results: `${body.url}/OperatorResults`,
      encrypted_operator_results: `${body.url}/OperatorResults/Encrypted`,
    });
    assert.deepEqual(body.channel, {
      type: 'voice',
      media_properties: { source: 'ExternalRecording', source_sid: null, media_url: MEDIA_URL },
      participants: [],
    });
    assert.deepEqual(await claimTranscriptJobs(server), [body.sid]);
  });

  test('the channel is stored in full: every participant key, default roles, the source of a recording', async () => {
    const service = await createService(server);
    const participants = [
      { channel_participant: 2, full_name: 'Bob', unknown_key: 'dropped' },
      { channel_participant: 1, role: 'Representative', email: 'anna@example.com', media_participant_id: '+15550001111' },
    ];
    const withUrl = await createTranscript(server, service.sid, { Channel: channelJson({ media_url: MEDIA_URL }, { participants }) });
    assert.deepEqual(withUrl.channel.participants, [
      {
        channel_participant: 2,
        role: 'Customer',
        full_name: 'Bob',
        user_id: null,
        media_participant_id: null,
        email: null,
        image_url: null,
      },
      {
        channel_participant: 1,
        role: 'Representative',
        full_name: null,
        user_id: null,
        media_participant_id: '+15550001111',
        email: 'anna@example.com',
        image_url: null,
      },
    ]);
    const agentOnly = await createTranscript(server, service.sid, {
      Channel: channelJson({ media_url: MEDIA_URL }, { participants: [{ channel_participant: 1 }] }),
    });
    assert.equal(agentOnly.channel.participants[0].role, 'Agent');

    const recording = randomSid('RE');
    const fromRecording = await createTranscript(server, service.sid, { Channel: channelJson({ source_sid: recording }) });
    assert.deepEqual(fromRecording.channel.media_properties, { source: 'Recording', source_sid: recording, media_url: null });

    const both = randomSid('RE');
    const urlWins = await createTranscript(server, service.sid, { Channel: channelJson({ source_sid: both, media_url: MEDIA_URL }) });
    assert.deepEqual(urlWins.channel.media_properties, { source: 'ExternalRecording', source_sid: both, media_url: MEDIA_URL });
    const stored = await server.store.findTranscript(server.account.sid, urlWins.sid);
    assert.equal(stored?.mediaUrl, MEDIA_URL);
    assert.equal(stored?.sourceSid, both);
    await claimTranscriptJobs(server);
  });

  test("the service's language, data logging, redaction and operators are copied at creation", async () => {
    const service = await createService(server, {
      LanguageCode: 'fr-FR',
      DataLogging: 'true',
      AutoRedaction: 'true',
      MediaRedaction: 'true',
    });
    const first = prebuiltSid('Sentiment Analysis');
    const second = prebuiltSid('Summarization');
    await attach(server, service.sid, second);
    await attach(server, service.sid, first);
    const body = await createTranscript(server, service.sid);
    assert.equal(body.language_code, 'fr-FR');
    assert.equal(body.data_logging, true);
    assert.equal(body.redaction, true);
    const stored = await server.store.findTranscript(server.account.sid, body.sid);
    assert.equal(stored?.mediaRedaction, true);
    assert.deepEqual(stored?.operatorSids, [second, first], 'in attachment order');

    // Later changes to the service leave the transcript as it was created.
    assert.equal((await server.request('DELETE', `/v2/Services/${service.sid}/Operators/${first}`)).status, 204);
    await server.request('POST', `/v2/Services/${service.sid}`, { form: { AutoRedaction: 'false', MediaRedaction: 'false' } });
    const again = await server.store.findTranscript(server.account.sid, body.sid);
    assert.deepEqual(again?.operatorSids, [second, first]);
    assert.equal(assertOk(await server.request('GET', `/v2/Transcripts/${body.sid}`), 'FetchTranscript', 200).redaction, true);

    const plain = await createService(server);
    const unredacted = await createTranscript(server, plain.sid);
    assert.equal(unredacted.redaction, false);
    assert.equal(unredacted.data_logging, false);
    assert.deepEqual((await server.store.findTranscript(server.account.sid, unredacted.sid))?.operatorSids, []);
    await claimTranscriptJobs(server);
  });

  test('MediaStartTime in any ISO 8601 zone is kept as the instant, served in UTC', async () => {
    const service = await createService(server);
    const offset = await createTranscript(server, service.sid, { MediaStartTime: '2026-12-07T10:00:05+02:00' });
    assert.equal(offset.media_start_time, '2026-12-07T08:00:05Z');
    const fraction = await createTranscript(server, service.sid, { MediaStartTime: '2026-12-07T10:00:05.123Z' });
    assert.equal(fraction.media_start_time, '2026-12-07T10:00:05Z');
    const stored = await server.store.findTranscript(server.account.sid, fraction.sid);
    assert.equal(stored?.mediaStartTimeMs, Date.UTC(2026, 11, 7, 10, 0, 5, 123));
    await claimTranscriptJobs(server);
  });
});

describe('GET /v2/Transcripts', () => {
  let serviceA: string;
  let serviceB: string;
  const created: string[] = [];
  let recording: string;
  let middleMs: number;

  before(async () => {
    serviceA = (await createService(server)).sid;
    serviceB = (await createService(server, { LanguageCode: 'es-ES' })).sid;
    recording = randomSid('RE');
    const starts = ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'];
    for (const [index, start] of starts.entries()) {
      created.push((await createTranscript(server, serviceA, { MediaStartTime: start })).sid);
      if (index === 1) {
        await pause();
        middleMs = Date.now();
        await pause();
      }
    }
    created.push((await createTranscript(server, serviceB, { Channel: channelJson({ source_sid: recording }) })).sid);
    created.push((await createTranscript(server, serviceB)).sid);
    // Statuses as the job would set them.
    await server.store.startTranscript(created[1]!, Date.now());
    await server.store.startTranscript(created[2]!, Date.now());
    await server.store.completeTranscript(created[2]!, Date.now());
    await server.store.failTranscript(created[3]!, 95105, 'download failed', Date.now());
    await claimTranscriptJobs(server);
  });

  const listed = async (query: string): Promise<string[]> => {
    const body = assertOk(await server.request('GET', `/v2/Transcripts?${query}`), 'ListTranscript', 200);
    return body.transcripts.map((transcript: { sid: string }) => transcript.sid);
  };

  test('every filter of the spec, alone and together', async () => {
    assert.deepEqual(await listed(`ServiceSid=${serviceA}`), created.slice(0, 3));
    assert.deepEqual(await listed(`ServiceSid=${serviceB}`), created.slice(3));
    assert.deepEqual(await listed(`SourceSid=${recording}`), [created[3]]);
    assert.deepEqual(await listed(`LanguageCode=es-ES&ServiceSid=${serviceB}`), created.slice(3));
    assert.deepEqual(await listed(`LanguageCode=es-ES&ServiceSid=${serviceA}`), []);
    assert.deepEqual(await listed(`Status=in-progress&ServiceSid=${serviceA}`), [created[1]]);
    assert.deepEqual(await listed(`Status=completed&ServiceSid=${serviceA}`), [created[2]]);
    assert.deepEqual(await listed(`Status=failed&ServiceSid=${serviceB}`), [created[3]]);
    assert.deepEqual(await listed(`Status=queued&ServiceSid=${serviceB}`), [created[4]]);
    assert.deepEqual(await listed(`Status=canceled`), [], 'a status of the enum that is never produced matches nothing');
    assert.deepEqual(await listed(`AfterStartTime=2026-01-15T00:00:00Z&ServiceSid=${serviceA}`), created.slice(1, 3));
    assert.deepEqual(await listed(`BeforeStartTime=2026-02-01T00:00:00Z&ServiceSid=${serviceA}`), [created[0]], 'strictly before');
    assert.deepEqual(await listed(`AfterStartTime=2026-01-01&BeforeStartTime=2026-03-01&ServiceSid=${serviceA}`), [created[1]]);
    assert.deepEqual(await listed(`BeforeStartTime=2027-01-01&ServiceSid=${serviceB}`), [], 'no media_start_time never matches');
    const middle = new Date(middleMs).toISOString();
    assert.deepEqual(await listed(`BeforeDateCreated=${middle}&ServiceSid=${serviceA}`), created.slice(0, 2));
    assert.deepEqual(await listed(`AfterDateCreated=${encodeURIComponent(middle)}`), created.slice(2));
  });

  test('refuses a malformed filter with 400 20422 naming it', async () => {
    const rows: Array<[string, RegExp]> = [
      ['ServiceSid=GA123', /^Invalid parameter ServiceSid/],
      ['SourceSid=CA00000000000000000000000000000000', /^Invalid parameter SourceSid/],
      ['BeforeStartTime=last%20week', /^Invalid parameter BeforeStartTime/],
      ['AfterStartTime=2026-13-01', /^Invalid parameter AfterStartTime/],
      ['BeforeDateCreated=1700000000', /^Invalid parameter BeforeDateCreated/],
      ['AfterDateCreated=2026-02-30T00:00:00Z', /^Invalid parameter AfterDateCreated/],
      ['Status=done', /^Invalid parameter Status: must be one of queued, in-progress, completed, failed/],
      ['LanguageCode=xx-XX', /^Invalid parameter LanguageCode/],
      ['Status=queued&Status=failed', /Status/],
      ['PageSize=1001', /PageSize/],
      ['PageToken=bogus', /PageToken/],
    ];
    for (const [query, message] of rows) {
      assertTwilioError(await server.request('GET', `/v2/Transcripts?${query}`), 400, 20422, message);
    }
  });

  test('pages forward and back by keyset, echoing the filters in every URL', async () => {
    const pages = await walkForward(server, `/v2/Transcripts?ServiceSid=${serviceA}&PageSize=2`, 'ListTranscript');
    assert.equal(pages.length, 2);
    assert.deepEqual(
      pages.flatMap((page) => page.transcripts.map((t: { sid: string }) => t.sid)),
      created.slice(0, 3),
    );
    assert.equal(pages[0].meta.key, 'transcripts');
    assert.equal(pages[0].meta.first_page_url, `${server.url}/v2/Transcripts?ServiceSid=${serviceA}&PageSize=2&Page=0`);
    assert.match(
      pages[0].meta.next_page_url,
      new RegExp(`^${server.url}/v2/Transcripts\\?ServiceSid=${serviceA}&PageSize=2&Page=1&PageToken=`),
    );
    assert.equal(pages[1].meta.next_page_url, null);
    const back = await walkBack(server, pages[1], 'ListTranscript');
    assert.deepEqual(
      back[0].transcripts.map((t: { sid: string }) => t.sid),
      created.slice(0, 2),
    );
  });

  test("another account lists none of this account's transcripts", async () => {
    const other = await server.newAccount();
    const body = assertOk(await server.request('GET', '/v2/Transcripts', { auth: other.auth }), 'ListTranscript', 200);
    assert.deepEqual(body.transcripts, []);
    assert.deepEqual(
      assertOk(await server.request('GET', `/v2/Transcripts?ServiceSid=${serviceA}`, { auth: other.auth }), 'ListTranscript', 200)
        .transcripts,
      [],
    );
  });
});

describe('GET and DELETE /v2/Transcripts/{Sid}', () => {
  test("fetch answers the transcript as created; a malformed, unknown or other account's SID is 404", async () => {
    const service = await createService(server);
    const created = await createTranscript(server, service.sid, { CustomerKey: 'order-7' });
    const fetched = assertOk(await server.request('GET', `/v2/Transcripts/${created.sid}`), 'FetchTranscript', 200);
    assert.deepEqual(fetched, created);
    const other = await server.newAccount();
    for (const [path, auth] of [
      [`/v2/Transcripts/${created.sid}`, other.auth],
      [`/v2/Transcripts/${randomSid('GT')}`, undefined],
      ['/v2/Transcripts/GT123', undefined],
      [`/v2/Transcripts/${service.sid}`, undefined],
    ] as const) {
      assertTwilioError(await server.request('GET', path, { auth }), 404, 20404, `The requested resource ${path} was not found`);
    }
    await claimTranscriptJobs(server);
  });

  test('delete answers 204 and removes the transcript, its sentences and its media files', async () => {
    const service = await createService(server);
    const created = await createTranscript(server, service.sid);
    await storeSentences(server, created.sid, sentences(3, false));
    await storeMedia(server, created.sid, { bytes: Buffer.from('WEBVTT\n'), name: 'media.vtt', contentType: 'text/vtt' });
    const directory = new MediaStore(server.config.mediaDir).absolute(created.sid);
    assert.ok(existsSync(directory));

    const other = await server.newAccount();
    assertTwilioError(await server.request('DELETE', `/v2/Transcripts/${created.sid}`, { auth: other.auth }), 404, 20404);
    assert.equal((await server.request('GET', `/v2/Transcripts/${created.sid}`)).status, 200, "another account's delete changed nothing");

    assertNoContent(await server.request('DELETE', `/v2/Transcripts/${created.sid}`));
    assert.ok(!existsSync(directory), 'the media directory is removed');
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${created.sid}`), 404, 20404);
    assertTwilioError(await server.request('GET', `/v2/Transcripts/${created.sid}/Sentences`), 404, 20404);
    assert.deepEqual(await server.store.listSentences(created.sid, { limit: 10 }), []);
    assertTwilioError(await server.request('DELETE', `/v2/Transcripts/${created.sid}`), 404, 20404);
    assertTwilioError(await server.request('DELETE', '/v2/Transcripts/GT123'), 404, 20404);
    await claimTranscriptJobs(server);
  });

  test('encrypted sentences and results are 404 with a clear message: no transcript here has an encryption credential', async () => {
    const service = await createService(server);
    const created = await createTranscript(server, service.sid);
    for (const path of ['Sentences/Encrypted', 'OperatorResults/Encrypted']) {
      assertTwilioError(await server.request('GET', `/v2/Transcripts/${created.sid}/${path}`), 404, 20404, /encryption_credential_sid/);
      assertTwilioError(
        await server.request('GET', `/v2/Transcripts/${randomSid('GT')}/${path}`),
        404,
        20404,
        /^The requested resource \/v2\/Transcripts\/GT[0-9a-f]{32}\/.* was not found$/,
      );
    }
    await claimTranscriptJobs(server);
  });

  test('a method the path does not have is 405', async () => {
    assertTwilioError(await server.request('PUT', '/v2/Transcripts'), 405, 20004);
    assertTwilioError(await server.request('POST', `/v2/Transcripts/${randomSid('GT')}`), 405, 20004);
  });
});
