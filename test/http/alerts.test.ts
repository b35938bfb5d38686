// GET /v1/Alerts and /v1/Alerts/{Sid}, the Monitor API: alerts recorded with recordAlert (as the
// server's background work records them) are listed newest first, filtered, paged and fetched,
// each body valid against Twilio's monitor spec, and an account sees its own alerts only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordAlert, type NewAlert } from '../../src/resources/alerts/rules.js';
import type { AlertRecord } from '../../src/store/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { monitorSpec } from '../helpers/spec.js';
import { assertOk, assertTwilioError, randomSid, type Auth } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const T = Date.UTC(2026, 10, 20, 10, 0, 0);
const MINUTE = 60_000;

/** A fresh account with alerts generated at T + minutes[i], of the given levels (error when unsaid). */
async function accountWithAlerts(
  specs: Array<{ minutes: number; level?: NewAlert['logLevel']; ms?: number } & Partial<NewAlert>>,
): Promise<{ auth: Auth; accountSid: string; alerts: AlertRecord[] }> {
  const { account, auth } = await server.newAccount();
  const alerts: AlertRecord[] = [];
  for (const { minutes, level, ms, ...rest } of specs) {
    alerts.push(
      await recordAlert(
        server.store,
        {
          accountSid: account.sid,
          errorCode: 95105,
          logLevel: level ?? 'error',
          alertText: `media download failed (${minutes})`,
          resourceSid: randomSid('GT'),
          ...rest,
          generatedMs: T + minutes * MINUTE + (ms ?? 0),
        },
        T + minutes * MINUTE + 5_000,
      ),
    );
  }
  return { auth, accountSid: account.sid, alerts };
}

const list = (auth: Auth, query = '') => server.request('GET', `/v1/Alerts${query}`, { auth });
const sidsOf = (body: { alerts: Array<{ sid: string }> }) => body.alerts.map((alert) => alert.sid);
/** Newest first, as the Monitor API lists them. */
const newestFirst = (alerts: AlertRecord[]) =>
  [...alerts].sort((a, b) => b.dateGeneratedMs - a.dateGeneratedMs || (a.sid < b.sid ? 1 : -1)).map((alert) => alert.sid);
const propertiesOf = (name: string) =>
  Object.keys((monitorSpec.components.schemas[name] as { properties: Record<string, unknown> }).properties).sort();

describe('listing alerts', () => {
  test("lists the account's alerts newest first, every list field of the spec and no more", async () => {
    const { auth, accountSid, alerts } = await accountWithAlerts([{ minutes: 1 }, { minutes: 3, level: 'warning' }, { minutes: 2 }]);
    const body = assertOk(await list(auth), 'ListAlert', 200);
    assert.deepEqual(sidsOf(body), newestFirst(alerts));
    const [first] = body.alerts;
    assert.deepEqual(Object.keys(first).sort(), propertiesOf('monitor.v1.alert'));
    const newest = alerts[1]!;
    assert.deepEqual(first, {
      account_sid: accountSid,
      alert_text: 'media download failed (3)',
      api_version: null,
      date_created: '2026-11-20T10:03:05Z',
      date_generated: '2026-11-20T10:03:00Z',
      date_updated: '2026-11-20T10:03:05Z',
      error_code: '95105',
      log_level: 'warning',
      more_info: 'https://www.twilio.com/docs/errors/95105',
      request_method: null,
      request_url: null,
      resource_sid: newest.resourceSid,
      sid: newest.sid,
      url: `${server.url}/v1/Alerts/${newest.sid}`,
      service_sid: null,
    });
    assert.deepEqual(body.meta, {
      page: 0,
      page_size: 50,
      first_page_url: `${server.url}/v1/Alerts?PageSize=50&Page=0`,
      previous_page_url: null,
      url: `${server.url}/v1/Alerts?PageSize=50&Page=0`,
      next_page_url: null,
      key: 'alerts',
    });
  });

  test('an account with no alerts gets an empty page', async () => {
    const { auth } = await server.newAccount();
    const body = assertOk(await list(auth), 'ListAlert', 200);
    assert.deepEqual(body.alerts, []);
    assert.equal(body.meta.next_page_url, null);
  });

  test('LogLevel keeps one level (in any case) and is echoed in the paging URLs', async () => {
    const { auth, alerts } = await accountWithAlerts([
      { minutes: 1, level: 'error' },
      { minutes: 2, level: 'warning' },
      { minutes: 3, level: 'error' },
      { minutes: 4, level: 'notice' },
      { minutes: 5, level: 'debug' },
    ]);
    const errors = assertOk(await list(auth, '?LogLevel=ERROR'), 'ListAlert', 200);
    assert.deepEqual(sidsOf(errors), [alerts[2]!.sid, alerts[0]!.sid]);
    assert.equal(errors.meta.url, `${server.url}/v1/Alerts?LogLevel=error&PageSize=50&Page=0`);
    for (const [index, level] of [
      [1, 'warning'],
      [3, 'notice'],
      [4, 'debug'],
    ] as const) {
      assert.deepEqual(sidsOf(assertOk(await list(auth, `?LogLevel=${level}`), 'ListAlert', 200)), [alerts[index]!.sid]);
    }
  });

  test('StartDate and EndDate keep alerts generated on or after, on or before (to the second)', async () => {
    const { auth, alerts } = await accountWithAlerts([
      { minutes: -24 * 60 },
      { minutes: 0, ms: 400 },
      { minutes: 10 },
      { minutes: 24 * 60 },
    ]);
    const [dayBefore, atTen, tenPast, dayAfter] = alerts.map((alert) => alert.sid) as [string, string, string, string];
    const between = assertOk(await list(auth, '?StartDate=2026-11-20T10:00:00Z&EndDate=2026-11-20T10:10:00Z'), 'ListAlert', 200);
    assert.deepEqual(sidsOf(between), [tenPast, atTen]);
    assert.equal(
      between.meta.first_page_url,
      `${server.url}/v1/Alerts?StartDate=2026-11-20T10%3A00%3A00Z&EndDate=2026-11-20T10%3A10%3A00Z&PageSize=50&Page=0`,
    );
    // 10:00:00.400 reads 10:00:00Z: an EndDate of that second takes it in.
    assert.deepEqual(sidsOf(assertOk(await list(auth, '?EndDate=2026-11-20T10:00:00Z'), 'ListAlert', 200)), [atTen, dayBefore]);
    assert.deepEqual(sidsOf(assertOk(await list(auth, '?StartDate=2026-11-20T10:00:01Z'), 'ListAlert', 200)), [dayAfter, tenPast]);
    // A date alone is midnight GMT, echoed as Twilio does.
    const fromDay = assertOk(await list(auth, '?StartDate=2026-11-20'), 'ListAlert', 200);
    assert.deepEqual(sidsOf(fromDay), [dayAfter, tenPast, atTen]);
    assert.equal(fromDay.meta.url, `${server.url}/v1/Alerts?StartDate=2026-11-20T00%3A00%3A00Z&PageSize=50&Page=0`);
    assert.deepEqual(sidsOf(assertOk(await list(auth, '?EndDate=2026-11-20'), 'ListAlert', 200)), [dayBefore]);
    assert.deepEqual(sidsOf(assertOk(await list(auth, '?LogLevel=warning&StartDate=2026-11-19'), 'ListAlert', 200)), []);
  });

  test('pages walk newest to oldest by next_page_url and back by previous_page_url, filters kept', async () => {
    const specs = Array.from({ length: 7 }, (_, index) => ({
      minutes: index,
      level: index === 3 ? ('debug' as const) : ('error' as const),
    }));
    // Two alerts at the same instant: the SID orders them.
    specs.push({ minutes: 5, level: 'error' });
    const { auth, alerts } = await accountWithAlerts(specs);
    const expected = newestFirst(alerts.filter((alert) => alert.logLevel === 'error'));
    const seen: string[] = [];
    const pages: any[] = [];
    let next: string | null = `/v1/Alerts?LogLevel=error&PageSize=3`;
    while (next !== null) {
      const page = assertOk(await list(auth, next.slice('/v1/Alerts'.length)), 'ListAlert', 200);
      pages.push(page);
      seen.push(...sidsOf(page));
      assert.equal(page.meta.key, 'alerts');
      assert.equal(page.meta.page, pages.length - 1);
      next = page.meta.next_page_url === null ? null : page.meta.next_page_url.slice(server.url.length);
      if (next !== null) assert.match(next, /^\/v1\/Alerts\?LogLevel=error&PageSize=3&Page=\d+&PageToken=PT/);
    }
    assert.deepEqual(seen, expected);
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.map((page) => page.alerts.length),
      [3, 3, 1],
    );
    const last = pages[2];
    const back = assertOk(await list(auth, last.meta.previous_page_url.slice(server.url.length + '/v1/Alerts'.length)), 'ListAlert', 200);
    assert.deepEqual(sidsOf(back), sidsOf(pages[1]));
    assert.equal(pages[0].meta.previous_page_url, null);
    assert.equal(last.meta.first_page_url, `${server.url}/v1/Alerts?LogLevel=error&PageSize=3&Page=0`);
  });

  test('an alert recorded while paging shows on the first page, not in the middle of a walk', async () => {
    const { auth, accountSid, alerts } = await accountWithAlerts([{ minutes: 1 }, { minutes: 2 }, { minutes: 3 }]);
    const first = assertOk(await list(auth, '?PageSize=2'), 'ListAlert', 200);
    const newer = await recordAlert(server.store, {
      accountSid,
      errorCode: 95106,
      logLevel: 'error',
      alertText: 'later',
      generatedMs: T + 10 * MINUTE,
    });
    const second = assertOk(await list(auth, first.meta.next_page_url.slice(server.url.length + '/v1/Alerts'.length)), 'ListAlert', 200);
    assert.deepEqual([...sidsOf(first), ...sidsOf(second)], newestFirst(alerts));
    assert.equal(sidsOf(assertOk(await list(auth, '?PageSize=1'), 'ListAlert', 200))[0], newer.sid);
  });
});

describe('fetching an alert', () => {
  test('answers every instance field of the spec, the request and response details included', async () => {
    const serviceSid = randomSid('GA');
    const { auth, accountSid, alerts } = await accountWithAlerts([
      {
        minutes: 7,
        errorCode: 95200,
        level: 'warning',
        alertText: 'webhook https://hooks.example.com/ready answered 500; it is retried',
        serviceSid,
        requestUrl: 'https://hooks.example.com/ready?bodySHA256=ab',
        requestMethod: 'POST',
        requestVariables: '{"event_type":"voice_intelligence_transcript_available"}',
        requestHeaders: 'Content-Type: application/json',
        responseBody: 'oops\0',
        responseHeaders: 'Content-Type: text/plain',
        apiVersion: 'v2',
      },
    ]);
    const alert = alerts[0]!;
    const body = assertOk(await server.request('GET', `/v1/Alerts/${alert.sid}`, { auth }), 'FetchAlert', 200);
    assert.deepEqual(Object.keys(body).sort(), propertiesOf('monitor.v1.alert-instance'));
    assert.deepEqual(body, {
      account_sid: accountSid,
      alert_text: 'webhook https://hooks.example.com/ready answered 500; it is retried',
      api_version: 'v2',
      date_created: '2026-11-20T10:07:05Z',
      date_generated: '2026-11-20T10:07:00Z',
      date_updated: '2026-11-20T10:07:05Z',
      error_code: '95200',
      log_level: 'warning',
      more_info: 'https://www.twilio.com/docs/errors/95200',
      request_method: 'POST',
      request_url: 'https://hooks.example.com/ready?bodySHA256=ab',
      resource_sid: alert.resourceSid,
      sid: alert.sid,
      url: `${server.url}/v1/Alerts/${alert.sid}`,
      service_sid: serviceSid,
      request_variables: '{"event_type":"voice_intelligence_transcript_available"}',
      response_body: 'oops\uFFFD',
      response_headers: 'Content-Type: text/plain',
      request_headers: 'Content-Type: application/json',
    });
    // The list shows the same alert without the details.
    const listed = assertOk(await list(auth), 'ListAlert', 200).alerts[0];
    const { request_variables: _v, response_body: _b, response_headers: _h, request_headers: _r, ...summary } = body;
    assert.deepEqual(listed, summary);
  });

  test('an API key of the account fetches it too', async () => {
    const { accountSid, alerts } = await accountWithAlerts([{ minutes: 1 }]);
    const key = await server.newApiKey(accountSid);
    const response = await server.request('GET', `/v1/Alerts/${alerts[0]!.sid}`, { auth: { username: key.sid, password: key.secret } });
    assert.equal(assertOk(response, 'FetchAlert', 200).sid, alerts[0]!.sid);
  });
});

describe('what an account cannot see', () => {
  test("another account's alert is 404 20404, as a SID that does not exist, and is not in its list", async () => {
    const owner = await accountWithAlerts([{ minutes: 1 }]);
    const other = await accountWithAlerts([{ minutes: 2 }]);
    const sid = owner.alerts[0]!.sid;
    const response = await server.request('GET', `/v1/Alerts/${sid}`, { auth: other.auth });
    assertTwilioError(response, 404, 20404, `The requested resource /v1/Alerts/${sid} was not found`);
    const missing = randomSid('NO');
    assertTwilioError(
      await server.request('GET', `/v1/Alerts/${missing}`, { auth: other.auth }),
      404,
      20404,
      `The requested resource /v1/Alerts/${missing} was not found`,
    );
    assert.deepEqual(sidsOf(assertOk(await list(other.auth), 'ListAlert', 200)), [other.alerts[0]!.sid]);
  });

  test('a malformed SID is 404 20404', async () => {
    const { auth } = await server.newAccount();
    for (const sid of ['NO123', randomSid('GT'), `${randomSid('NO')}0`, 'not-a-sid']) {
      assertTwilioError(
        await server.request('GET', `/v1/Alerts/${sid}`, { auth }),
        404,
        20404,
        `The requested resource /v1/Alerts/${sid} was not found`,
      );
    }
  });

  test('without credentials both routes are 401 20003', async () => {
    for (const path of ['/v1/Alerts', `/v1/Alerts/${randomSid('NO')}`]) {
      const response = await server.request('GET', path, { auth: null });
      assertTwilioError(response, 401, 20003, 'Authenticate');
      assert.equal(response.headers.get('www-authenticate'), 'Basic realm="Twilio API"');
    }
  });

  test('POST and DELETE are 405 20004: alerts are only read', async () => {
    assertTwilioError(await server.request('POST', '/v1/Alerts', { form: { AlertText: 'x' } }), 405, 20004);
    assertTwilioError(await server.request('DELETE', `/v1/Alerts/${randomSid('NO')}`), 405, 20004);
  });
});

describe('bad list parameters are 400 20422 naming the parameter', () => {
  const cases: Array<[query: string, message: RegExp]> = [
    ['?LogLevel=fatal', /^Invalid parameter LogLevel: must be one of error, warning, notice, debug/],
    ['?LogLevel=error&LogLevel=debug', /^Parameter LogLevel was given more than once/],
    ['?StartDate=yesterday', /^Invalid parameter StartDate: must be a date in GMT/],
    ['?StartDate=2026-02-30', /^Invalid parameter StartDate/],
    ['?EndDate=2026-11-20T10:00:00', /^Invalid parameter EndDate/],
    ['?EndDate=2026-11-20T25:00:00Z', /^Invalid parameter EndDate/],
    ['?StartDate=2026-11-21&EndDate=2026-11-20', /^Invalid parameter StartDate: must not be after EndDate/],
    ['?PageSize=0', /^Invalid parameter PageSize/],
    ['?PageSize=1001', /^Invalid parameter PageSize/],
    ['?Page=-1', /^Invalid parameter Page/],
    ['?PageToken=nonsense', /^Invalid parameter PageToken/],
  ];
  for (const [query, message] of cases) {
    test(`GET /v1/Alerts${query}`, async () => {
      assertTwilioError(await list(server.auth, query), 400, 20422, message);
    });
  }

  test('a page token of another list (services) is refused', async () => {
    for (let index = 0; index < 2; index++) {
      const created = await server.request('POST', '/v2/Services', { form: { UniqueName: `alerts-token-${index}` } });
      assert.equal(created.status, 201, created.text);
    }
    const services = await server.request('GET', '/v2/Services?PageSize=1');
    const token = new URL(services.body.meta.next_page_url).searchParams.get('PageToken')!;
    assertTwilioError(await list(server.auth, `?PageToken=${token}`), 400, 20422, /^Invalid parameter PageToken/);
  });
});
