// The web console in a real browser (Debian's chromium through playwright-core) against a real
// server: sign-in, services, attaching and detaching operators, a custom operator refused and then
// created. Every wait is on the page's state; what the page shows is checked against the API.
// CONSOLE_SCREENSHOTS=1 writes the screenshots to docs/ (the normal run keeps them in a temp dir).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { CONSOLE_CSP } from '../../src/console/routes.js';
import { buildConsoleIfMissing, openConsoleBrowser, type ConsoleBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: ConsoleBrowser;
let page: Page;

before(async () => {
  await buildConsoleIfMissing();
  server = await startTestServer();
  browser = await openConsoleBrowser(server, { timeoutMs: 10_000, allowedLogErrors: /401|400|409/ });
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const nav = {
  getByRole: (role: 'link', options: { name: string }) => page.getByRole('navigation', { name: 'Main' }).getByRole(role, options),
};
const alert = (text: string | RegExp) => page.getByRole('alert').filter({ hasText: text }).first().waitFor();

test('the console is served with its content types, cache headers and policy, and every path answers its page', async () => {
  const index = await server.request('GET', '/console/services/GA00000000000000000000000000000000', { auth: null });
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type')!, /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.equal(index.headers.get('content-security-policy'), CONSOLE_CSP);
  const script = /src="(\/console\/assets\/main-[A-Z0-9]+\.js)"/.exec(index.text)?.[1];
  assert.ok(script, 'index.html loads the main script');
  const asset = await server.request('GET', script, { auth: null });
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type')!, /^text\/javascript/);
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  // A stale hashed name is a 404, never the HTML page in place of a script.
  const missing = await server.request('GET', '/console/assets/main-OLD.js', { auth: null });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 20404);
  const bare = await server.request('GET', '/console', { auth: null });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), '/console/');
});

test('sign-in refuses a wrong token, then signs in; the credentials are in sessionStorage, never the URL', async () => {
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('Account SID', { exact: true }).fill(server.account.sid);
  await page.getByLabel('Auth token', { exact: true }).fill('0'.repeat(32));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await alert('These credentials were refused');
  await browser.shoot('sign-in');
  await page.getByLabel('Auth token', { exact: true }).fill(server.account.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
  await page.getByText('No services yet').waitFor();
  assert.doesNotMatch(page.url(), new RegExp(server.account.secret));
  const stored = await page.evaluate(() => sessionStorage.getItem('intelligence-console-credentials'));
  assert.equal(JSON.parse(stored!).password, server.account.secret);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
});

test('a service is refused with the API message beside its field, then created, and its operators attached and detached', async () => {
  await page.getByRole('button', { name: 'New service' }).click();
  await page.getByLabel('Unique name').fill('support-fr');
  await page.getByLabel('Friendly name').fill('Support (French)');
  await page.getByLabel('Language').selectOption('fr-FR');
  await page.getByLabel(/Redact personal data in the media/).check();
  await page.getByRole('button', { name: 'Create service' }).click();
  await alert('Invalid parameter MediaRedaction: media redaction requires AutoRedaction to be true');
  assert.equal((await server.request('GET', '/v2/Services')).body.services.length, 0);
  await page.getByLabel(/Redact personal data in transcripts/).check();
  await page.getByRole('button', { name: 'Create service' }).click();
  await page.getByRole('heading', { name: 'Support (French)', level: 1 }).waitFor();
  const [service] = (await server.request('GET', '/v2/Services')).body.services;
  assert.equal(service.language_code, 'fr-FR');
  assert.equal(service.media_redaction, true);
  assert.ok(page.url().endsWith(`/console/services/${service.sid}`));

  // Editing: the API's message beside the field it names, then a saved change (sent with If-Match).
  await page.getByText('Settings').click();
  await page.getByLabel('Webhook URL').fill('ftp://example.com/hook');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page
    .locator('#WebhookUrl-error')
    .getByText(/^Invalid parameter WebhookUrl/)
    .waitFor();
  assert.equal((await server.request('GET', `/v2/Services/${service.sid}`)).body.version, 1);
  await page.getByLabel('Webhook URL').fill('https://example.com/hook');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').getByText('Saved').waitFor();
  const edited = (await server.request('GET', `/v2/Services/${service.sid}`)).body;
  assert.equal(edited.webhook_url, 'https://example.com/hook');
  assert.equal(edited.version, 2);
  await page.getByText('Settings').click();

  const catalog = page.getByRole('list', { name: 'Catalog' });
  // Operators the service cannot run are listed with the reason, their Attach disabled.
  const retired = catalog.getByRole('listitem').filter({ hasText: 'Sentiment Analysis (Legacy)' });
  await retired.getByText('Retired: it can no longer be attached.').waitFor();
  assert.equal(await retired.getByRole('button', { name: /Attach/ }).isDisabled(), true);
  const englishOnly = catalog.getByRole('listitem').filter({ hasText: 'Voicemail Detection' });
  await englishOnly.getByText('Not available in fr-FR (supports en).').waitFor();
  assert.equal(await englishOnly.getByRole('button', { name: /Attach/ }).isDisabled(), true);

  // Search and filters narrow the catalog.
  await page.getByLabel('Search').fill('summar');
  await page.getByText('1 of 15 operators').waitFor();
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Availability').selectOption('beta');
  await catalog.getByRole('listitem').filter({ hasText: 'Call Reason' }).waitFor();
  assert.equal(await catalog.getByRole('listitem').count(), 1);
  await page.getByLabel('Availability').selectOption('');
  await page.getByLabel('Kind').selectOption('text-generation');
  await page.getByText('1 of 15 operators').waitFor();
  await page.getByLabel('Kind').selectOption('');

  const attached = page.getByRole('list', { name: 'Attached operators' });
  // By keyboard: Enter on the focused button attaches.
  await page.getByRole('button', { name: 'Attach Summarization' }).focus();
  await page.keyboard.press('Enter');
  await attached.getByText('Summarization').waitFor();
  await page.getByRole('button', { name: 'Attach Sentiment Analysis', exact: true }).click();
  await attached.getByText('Sentiment Analysis').waitFor();
  await page.getByRole('heading', { name: 'Attached operators (2)' }).waitFor();
  await page.getByText(/version 4$/).waitFor();
  const summarization = (await server.request('GET', '/v2/Operators?PageSize=100')).body.operators.find(
    (item: { friendly_name: string }) => item.friendly_name === 'Summarization',
  );
  let operators = (await server.request('GET', `/v2/Services/${service.sid}/Operators`)).body.operator_sids;
  assert.equal(operators.length, 2);
  assert.equal(operators[0], summarization.sid);
  await browser.shoot('service');

  await page.getByRole('button', { name: 'Detach Summarization' }).click();
  await page.getByRole('heading', { name: 'Attached operators (1)' }).waitFor();
  operators = (await server.request('GET', `/v2/Services/${service.sid}/Operators`)).body.operator_sids;
  assert.equal(operators.length, 1);
  assert.notEqual(operators[0], summarization.sid);
});

test('a custom operator: an invalid config shows the server errors beside their fields, then it is created and edited', async () => {
  await nav.getByRole('link', { name: 'Custom operators' }).click();
  await page.getByText('No custom operators yet').waitFor();
  await page.getByRole('link', { name: 'New custom operator' }).click();
  await page.getByLabel('Operator type').selectOption('LiteralSpot');
  await page.getByLabel('Friendly name').fill('Refund requests');
  // The form comes from LiteralSpot's config_schema: one phrase set with a name, phrases and a match type.
  await page.getByRole('group', { name: 'Phrase set 1' }).waitFor();
  await page.getByRole('button', { name: 'Create operator' }).click();
  const name = page.getByRole('group', { name: 'Phrase set 1' }).getByLabel('Name', { exact: true });
  const phrases = page.getByLabel('Phrases (one per line)');
  await page.locator('#config-phrase_sets-0-name-error').getByText('must not be empty').waitFor();
  await page.locator('#config-phrase_sets-0-phrases-error').getByText('must have at least 1 item').waitFor();
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  assert.equal(
    await phrases.getAttribute('aria-describedby'),
    'config-phrase_sets-0-phrases-description config-phrase_sets-0-phrases-error',
  );
  await alert('The config was refused: Invalid parameter Config/phrase_sets/0/name must not be empty');
  await page.getByRole('group', { name: 'Phrase sets' }).scrollIntoViewIfNeeded();
  await browser.shoot('operator-errors', false);
  assert.equal((await server.request('GET', '/v2/Operators/Custom')).body.operators.length, 0);

  await name.fill('refund');
  await phrases.fill('refund\nmoney back\n');
  await page.getByRole('group', { name: 'Phrase set 1' }).getByLabel('Match type').selectOption('fuzzy');
  await page.getByRole('button', { name: 'Create operator' }).click();
  await page.getByRole('heading', { name: 'Refund requests', level: 1 }).waitFor();
  const [operator] = (await server.request('GET', '/v2/Operators/Custom')).body.operators;
  assert.deepEqual(operator.config, { phrase_sets: [{ name: 'refund', phrases: ['refund', 'money back'], match: 'fuzzy' }] });

  // Editing: a second phrase set, saved with If-Match; the page shows the new version.
  await page.getByRole('button', { name: 'Add phrase set' }).click();
  const second = page.getByRole('group', { name: 'Phrase set 2' });
  await second.getByLabel('Name', { exact: true }).fill('cancel');
  await second.getByLabel('Phrases (one per line)').fill('cancel my plan');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText(/version 2$/).waitFor();
  const edited = (await server.request('GET', `/v2/Operators/Custom/${operator.sid}`)).body;
  assert.deepEqual(edited.config.phrase_sets[1], { name: 'cancel', phrases: ['cancel my plan'], match: 'exact' });
  await browser.shoot('operator');
});

test('GenerativeJSON: its result schema is edited as JSON, and the server errors under it are shown there', async () => {
  await nav.getByRole('link', { name: 'Custom operators' }).click();
  await page.getByRole('link', { name: 'New custom operator' }).click();
  await page.getByLabel('Operator type').selectOption('GenerativeJSON');
  await page.getByLabel('Friendly name').fill('Order facts');
  await page.getByLabel('Prompt').fill('Extract the order number.');
  const schema = page.getByLabel('JSON result schema (JSON)');
  await schema.fill('{"type": "array"');
  await page.getByRole('button', { name: 'Create operator' }).click();
  await page.locator('#config-json_result_schema-error').getByText('must be JSON text').waitFor();
  await schema.fill('{"type": "array"}');
  await page.getByRole('button', { name: 'Create operator' }).click();
  await page.locator('#config-json_result_schema-error').getByText('type: must be "object"', { exact: false }).waitFor();
  await schema.fill('{"type": "object", "properties": {"order_number": {"type": "string"}}, "required": ["order_number"]}');
  await page.getByRole('button', { name: 'Create operator' }).click();
  await page.getByRole('heading', { name: 'Order facts', level: 1 }).waitFor();
  const operators = (await server.request('GET', '/v2/Operators/Custom')).body.operators;
  assert.deepEqual(operators[1].config.json_result_schema.required, ['order_number']);
});

test('deleting asks first: Cancel keeps the service, Delete removes it; an API key signs in too', async () => {
  await nav.getByRole('link', { name: 'Services' }).click();
  await page.getByRole('button', { name: 'Delete support-fr' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this service?' });
  await dialog.waitFor();
  await browser.shoot('delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await server.request('GET', '/v2/Services')).body.services.length, 1);
  await page.getByRole('button', { name: 'Delete support-fr' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete service' }).click();
  await page.getByText('No services yet').waitFor();
  assert.equal((await server.request('GET', '/v2/Services')).body.services.length, 0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  const key = await server.newApiKey(server.account.sid);
  await page.getByLabel('API key', { exact: true }).check();
  await page.getByLabel('API key SID').fill(key.sid);
  await page.getByLabel('API key secret').fill(key.secret);
  await page.getByLabel('Account SID', { exact: true }).fill(server.account.sid);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
  assert.deepEqual(browser.errors, []);
});
