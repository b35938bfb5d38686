// The Monitor API's Alerts through the official `twilio` package, its monitor domain pointed at
// the server as a user's code would point it: list (filters, auto-paging), fetch, and errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { recordAlert } from '../../src/resources/alerts/rules.js';
import type { AlertRecord } from '../../src/store/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Client = ReturnType<typeof twilio>;

let server: TestServer;

function clientFor(username: string, password: string): Client {
  const sdk = twilio(username, password);
  sdk.monitor.baseUrl = server.url;
  return sdk;
}

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const T = Date.UTC(2026, 10, 20, 10, 0, 0);
const MINUTE = 60_000;

async function accountWithAlerts(count: number): Promise<{ client: Client; accountSid: string; alerts: AlertRecord[] }> {
  const { account } = await server.newAccount();
  const alerts: AlertRecord[] = [];
  for (let index = 0; index < count; index++) {
    alerts.push(
      await recordAlert(server.store, {
        accountSid: account.sid,
        errorCode: index % 2 === 0 ? 95105 : 95200,
        logLevel: index % 2 === 0 ? 'error' : 'warning',
        alertText: `alert ${index}`,
        resourceSid: 'GT' + String(index).padStart(32, '0'),
        requestUrl: `https://media.example.com/${index}.wav`,
        requestMethod: 'GET',
        responseBody: index === 0 ? 'Not Found' : null,
        generatedMs: T + index * MINUTE,
      }),
    );
  }
  return { client: clientFor(account.sid, account.secret), accountSid: account.sid, alerts };
}

const newestFirst = (alerts: AlertRecord[]) => alerts.map((alert) => alert.sid).reverse();

test('alerts.list() lists newest first, auto-paging across pages', async () => {
  const { client, alerts } = await accountWithAlerts(7);
  const listed = await client.monitor.v1.alerts.list({ pageSize: 2 });
  assert.deepEqual(
    listed.map((alert) => alert.sid),
    newestFirst(alerts),
  );
  const seen: string[] = [];
  // each()'s typings return void; its documented completion signal is the done option.
  await new Promise<void>((resolve, reject) => {
    client.monitor.v1.alerts.each({
      pageSize: 3,
      callback: (alert) => {
        seen.push(alert.sid);
      },
      done: (error?: Error) => (error ? reject(error) : resolve()),
    });
  });
  assert.deepEqual(seen, newestFirst(alerts));
  const limited = await client.monitor.v1.alerts.list({ limit: 3, pageSize: 2 });
  assert.deepEqual(
    limited.map((alert) => alert.sid),
    newestFirst(alerts).slice(0, 3),
  );
});

test('alerts.list() filters by logLevel, startDate and endDate (Date objects)', async () => {
  const { client, alerts } = await accountWithAlerts(6);
  const warnings = await client.monitor.v1.alerts.list({ logLevel: 'warning' });
  assert.deepEqual(
    warnings.map((alert) => alert.sid),
    newestFirst(alerts.filter((alert) => alert.logLevel === 'warning')),
  );
  const window = await client.monitor.v1.alerts.list({
    startDate: new Date(T + 2 * MINUTE),
    endDate: new Date(T + 4 * MINUTE),
    pageSize: 1,
  });
  assert.deepEqual(
    window.map((alert) => alert.sid),
    newestFirst(alerts.slice(2, 5)),
  );
});

test('alerts(sid).fetch() gives the alert with its details, as the SDK types it', async () => {
  const { client, accountSid, alerts } = await accountWithAlerts(1);
  const alert = alerts[0]!;
  const fetched = await client.monitor.v1.alerts(alert.sid).fetch();
  assert.equal(fetched.sid, alert.sid);
  assert.equal(fetched.accountSid, accountSid);
  assert.equal(fetched.alertText, 'alert 0');
  assert.equal(fetched.errorCode, '95105');
  assert.equal(fetched.logLevel, 'error');
  assert.equal(fetched.moreInfo, 'https://www.twilio.com/docs/errors/95105');
  assert.equal(fetched.resourceSid, alert.resourceSid);
  assert.equal(fetched.requestUrl, 'https://media.example.com/0.wav');
  assert.equal(fetched.requestMethod, 'GET');
  assert.equal(fetched.responseBody, 'Not Found');
  assert.ok(fetched.dateGenerated instanceof Date);
  assert.equal(fetched.dateGenerated.getTime(), T);
  assert.equal(fetched.url, `${server.url}/v1/Alerts/${alert.sid}`);
  // An instance from a list fetches itself through its own URL.
  const [listed] = await client.monitor.v1.alerts.list({ limit: 1 });
  assert.equal((await listed!.fetch()).responseBody, 'Not Found');
});

test("another account's alert is a RestException 404 20404", async () => {
  const { alerts } = await accountWithAlerts(1);
  const { client } = await accountWithAlerts(0);
  try {
    await client.monitor.v1.alerts(alerts[0]!.sid).fetch();
    assert.fail('expected a RestException');
  } catch (error) {
    assert.equal((error as Error).constructor.name, 'RestException');
    assert.equal((error as { status: number }).status, 404);
    assert.equal((error as { code: number }).code, 20404);
  }
  assert.deepEqual(await client.monitor.v1.alerts.list(), []);
});
