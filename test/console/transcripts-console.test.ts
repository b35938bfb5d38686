// The console's data-plane pages in a real browser against a real server with its job worker: a
// transcript created from a WebVTT file served locally, followed to `completed` without a reload,
// laid out by speaker with its result cards (an extract highlighting its sentences), the redacted /
// original switch, a failed transcript with the Alert that says why, and the Alerts page.
// CONSOLE_SCREENSHOTS=1 writes the screenshots to docs/ (the normal run keeps them in a temp dir).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildConsoleIfMissing, openConsoleBrowser, type ConsoleBrowser } from '../helpers/browser.js';
import { wavBytes } from '../helpers/media.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeTranscript } from '../helpers/transcripts.js';
import { storeMedia } from '../transcripts/http-support.js';

const CALL = `WEBVTT

00:00:00.500 --> 00:00:04.000
<v Agent>Thank you for calling Acme support, my name is Anna, how can I help you?

00:00:04.500 --> 00:00:08.000
<v Customer>Hi, this is John Smith, I would like a refund for my order.

00:00:08.500 --> 00:00:12.000
<v Agent>I am sorry about that. I will send the refund today.

00:00:12.500 --> 00:00:15.000
<v Customer>Great, thank you so much, that is wonderful.
`;

let server: TestServer;
let media: Server;
let mediaUrl: string;
let browser: ConsoleBrowser;
let page: Page;
let serviceSid: string;

before(async () => {
  await buildConsoleIfMissing();
  media = createServer((request, response) => {
    if (request.url === '/call.vtt') response.writeHead(200, { 'content-type': 'text/vtt' }).end(CALL);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  server = await startTestServer({ jobs: true, env: { OUTBOUND_ALLOWLIST: '127.0.0.1', TRANSCRIBER: 'none' } });

  // The service and its operators through the API: the console's part is the transcripts.
  serviceSid = (
    await server.request('POST', '/v2/Services', { form: { UniqueName: 'support', FriendlyName: 'Support', AutoRedaction: 'true' } })
  ).body.sid;
  const prebuilt = (await server.request('GET', '/v2/Operators/PreBuilt?PageSize=100')).body.operators as Array<{
    sid: string;
    friendly_name: string;
    availability: string;
  }>;
  const named = (pattern: RegExp) =>
    prebuilt.find((operator) => pattern.test(operator.friendly_name) && operator.availability !== 'retired')!.sid;
  const spot = await server.request('POST', '/v2/Operators/Custom', {
    form: {
      FriendlyName: 'Refund requests',
      OperatorType: 'LiteralSpot',
      Config: JSON.stringify({ phrase_sets: [{ name: 'refund', phrases: ['refund'], match: 'exact' }] }),
    },
  });
  assert.equal(spot.status, 202, spot.text);
  for (const operator of [named(/^Sentiment/), named(/^Agent Introduction/), spot.body.sid]) {
    const attached = await server.request('POST', `/v2/Services/${serviceSid}/Operators/${operator}`);
    assert.equal(attached.status, 202, attached.text);
  }

  browser = await openConsoleBrowser(server, { timeoutMs: 20_000, signedIn: true });
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => media?.close(resolve));
});

test('a transcript created in the console completes on its page without a reload, laid out by speaker with its results', async () => {
  await page.goto(`${server.url}/console/transcripts`);
  await page.getByText('No transcripts yet').waitFor();
  await page.getByRole('button', { name: 'New transcript' }).click();
  await page.getByLabel('Media URL').fill(`${mediaUrl}/call.vtt`);
  await page.getByLabel('Channel 1 role').fill('Agent');
  await page.getByLabel('Channel 1 full name').fill('Anna');
  await page.getByLabel('Channel 2 role').fill('Customer');
  await page.getByLabel('Customer key (optional)').fill('order-1234');
  await page.getByRole('button', { name: 'Create transcript' }).click();
  await page.getByRole('heading', { name: /^Transcript GT/, level: 1 }).waitFor();
  const sid = /\/console\/transcripts\/(GT[0-9a-f]{32})$/.exec(page.url())![1]!;
  const reloads: string[] = [];
  page.on('framenavigated', (frame) => reloads.push(frame.url()));

  // The status follows by itself to completed, then the conversation and the cards appear.
  const conversation = page.getByRole('list', { name: 'Conversation' });
  await conversation.locator('li').first().waitFor();
  assert.deepEqual(reloads, []);
  const api = (await server.request('GET', `/v2/Transcripts/${sid}`)).body;
  assert.equal(api.status, 'completed');
  assert.equal(api.customer_key, 'order-1234');
  const sentences = (await server.request('GET', `/v2/Transcripts/${sid}/Sentences`)).body.sentences as Array<{ transcript: string }>;
  const rows = conversation.locator('li');
  assert.equal(await rows.count(), sentences.length);
  assert.equal(await rows.nth(0).locator('.speaker').textContent(), 'Anna');
  assert.equal(await rows.nth(1).locator('.speaker').textContent(), 'Customer');
  // Redacted by default (the service redacts): what the API serves by default, the customer's name gone.
  assert.equal(await rows.nth(1).locator('.text').textContent(), sentences[1]!.transcript);
  assert.doesNotMatch(sentences[1]!.transcript, /John Smith/);

  const results = (await server.request('GET', `/v2/Transcripts/${sid}/OperatorResults`)).body.operator_results as Array<{
    name: string;
    predicted_label: string | null;
  }>;
  assert.equal(results.length, 3);
  const cards = page.getByLabel('Operator results').locator('article');
  assert.equal(await cards.count(), 3);
  for (const result of results) {
    const card = cards.filter({ has: page.getByRole('heading', { name: result.name }) });
    await card.waitFor();
    if (result.predicted_label !== null) assert.match((await card.locator('.label').textContent())!, new RegExp(result.predicted_label));
  }

  // The extract card highlights the sentences that say "refund".
  await cards
    .filter({ has: page.getByRole('heading', { name: 'Refund requests' }) })
    .getByRole('button', { name: 'Show in conversation' })
    .click();
  const highlighted = await conversation.locator('li.highlighted .text').allTextContents();
  assert.deepEqual(
    highlighted,
    sentences.map((sentence) => sentence.transcript).filter((text) => /refund/i.test(text)),
  );
  await browser.shoot('transcript');

  // The original, on request.
  await page.getByLabel('Show the original (not redacted)').check();
  await conversation.getByText('John Smith', { exact: false }).waitFor();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Transcripts' }).click();
  const row = page.getByRole('row').filter({ hasText: sid });
  await row.getByText('completed').waitFor();
  await browser.shoot('transcripts');
  assert.deepEqual(browser.errors, []);
});

test('a transcript whose media cannot be fetched shows as failed with the Alert that says why, and the Alerts page links to it', async () => {
  const created = await server.request('POST', '/v2/Transcripts', {
    form: { ServiceSid: serviceSid, Channel: JSON.stringify({ media_properties: { media_url: `${mediaUrl}/missing.vtt` } }) },
  });
  assert.equal(created.status, 202, created.text);
  const sid = created.body.sid as string;
  await page.goto(`${server.url}/console/transcripts/${sid}`);
  const failure = page.getByRole('alert').filter({ hasText: 'This transcript failed' });
  await failure.getByText(/95105/).waitFor();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
  const alerts = (await server.request('GET', '/v1/Alerts')).body.alerts as Array<{ resource_sid: string; error_code: string }>;
  assert.ok(alerts.some((alert) => alert.resource_sid === sid && alert.error_code === '95105'));
  const link = page.getByRole('link', { name: sid });
  await link.first().waitFor();
  await browser.shoot('alerts');
  await link.first().click();
  await page.getByRole('heading', { name: new RegExp(sid), level: 1 }).waitFor();
  assert.deepEqual(browser.errors, []);
});

test("an audio transcript has a player: a sentence's time plays the media from that sentence", async () => {
  // Written as the job would leave it (sentences, stored WAV, completed), so no recogniser is needed.
  const { transcript, sentences } = await storeTranscript(server.store, {
    accountSid: server.account.sid,
    operatorSids: [],
    fixture: 'refund-call',
  });
  const silence = wavBytes(1, 1, 8000, 16, Buffer.alloc(8000 * 2 * 60));
  await storeMedia(server, transcript.sid, { bytes: silence, name: 'media.wav', contentType: 'audio/wav' });
  assert.equal(await server.store.completeTranscript(transcript.sid, Date.now()), true);
  await page.goto(`${server.url}/console/transcripts/${transcript.sid}`);
  const audio = page.getByLabel("The conversation's audio");
  await audio.waitFor();
  await page.waitForFunction(() => (document.querySelector('audio')?.readyState ?? 0) >= 1);
  const second = sentences[1]!;
  assert.ok(second.startTime !== null && second.startTime > 0);
  const button = page
    .getByRole('list', { name: 'Conversation' })
    .locator('li')
    .nth(1)
    .getByRole('button', { name: /^Play from / });
  await button.click();
  const position = await page.evaluate(() => document.querySelector('audio')!.currentTime);
  assert.ok(Math.abs(position - second.startTime) < 0.5, `the player is at ${position} s, the sentence starts at ${second.startTime} s`);
  assert.deepEqual(browser.errors, []);
});

/** Waits until the list's table shows exactly these texts in its cells of class `cellClass`, in any order. */
async function tableShows(cellClass: string, texts: string[]): Promise<void> {
  await page.waitForFunction(
    ([selector, expected]) =>
      JSON.stringify([...document.querySelectorAll(selector)].map((cell) => cell.textContent).sort()) === JSON.stringify(expected),
    [`tbody td.${cellClass}`, [...texts].sort()] as const,
  );
}

test('the transcripts list filters by service and status and deletes after a confirmation; the Alerts page filters by level', async () => {
  const transcripts = (await server.request('GET', '/v2/Transcripts')).body.transcripts as Array<{
    sid: string;
    service_sid: string;
    status: string;
  }>;
  const sids = (keep: (transcript: (typeof transcripts)[number]) => boolean) => transcripts.filter(keep).map(({ sid }) => sid);
  const failed = sids((transcript) => transcript.status === 'failed');
  assert.equal(failed.length, 1);
  await page.goto(`${server.url}/console/transcripts`);
  await tableShows(
    'sid',
    sids(() => true),
  );
  await page.getByLabel('Status').selectOption('failed');
  await tableShows('sid', failed);
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Service').selectOption({ label: 'support' });
  await tableShows(
    'sid',
    sids((transcript) => transcript.service_sid === serviceSid),
  );
  await page.getByLabel('Status').selectOption('queued');
  await page.getByText('No transcripts match these filters.').waitFor();
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Service').selectOption('');
  await tableShows(
    'sid',
    sids(() => true),
  );

  const dialog = page.getByRole('dialog', { name: 'Delete this transcript?' });
  await page.getByRole('button', { name: `Delete transcript ${failed[0]}` }).click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await server.request('GET', `/v2/Transcripts/${failed[0]}`)).status, 200);
  await page.getByRole('button', { name: `Delete transcript ${failed[0]}` }).click();
  await dialog.getByRole('button', { name: 'Delete transcript' }).click();
  await tableShows(
    'sid',
    sids((transcript) => transcript.status !== 'failed'),
  );
  assert.equal((await server.request('GET', `/v2/Transcripts/${failed[0]}`)).status, 404);

  // The failed transcript's Alert is the only one: an error, none at the warning level.
  assert.deepEqual(
    ((await server.request('GET', '/v1/Alerts')).body.alerts as Array<{ log_level: string; resource_sid: string }>).map((alert) => [
      alert.log_level,
      alert.resource_sid,
    ]),
    [['error', failed[0]]],
  );
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await tableShows('sid', failed);
  await page.getByLabel('Log level').selectOption('warning');
  await page.getByText(/^No alerts\./).waitFor();
  await page.getByLabel('Log level').selectOption('error');
  await tableShows('sid', failed);
  assert.equal(await page.locator('tbody td.alert-text').count(), 1);
  assert.deepEqual(browser.errors, []);
});
