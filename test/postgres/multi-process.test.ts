// Several real server processes (`src/main.ts serve`) on one PostgreSQL database, hammered in
// parallel through all of them: every rule that holds in one process holds across them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { catalogSid } from '../../src/catalog/sids.js';
import { createAccount } from '../../src/resources/accounts/rules.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { urlWithSearchPath, testDatabaseUrl } from '../helpers/postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { freshPostgres, type FreshPostgres, testSid } from './stores.js';

const accountSid = testSid('AC', 'e'.repeat(32));
const authToken = 'multi-process-token-1234';
const authorization = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
const FORM = 'application/x-www-form-urlencoded';

interface Reply {
  status: number;
  body: any;
}

async function call(
  base: string,
  method: string,
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization, ...(form ? { 'content-type': FORM } : {}), ...headers },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const statuses = (replies: Reply[]) => replies.map((reply) => reply.status);
const count = (replies: Reply[], status: number) => replies.filter((reply) => reply.status === status).length;

let db: FreshPostgres;
let servers: ServerProcess[] = [];
/** The i-th request goes to process i mod N. */
const via = (index: number) => servers[index % servers.length]!.url;

async function startProcesses(n: number, env: Record<string, string> = {}): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: n }, () =>
      startServerProcess({
        DATABASE_URL: urlWithSearchPath(db.schema, testDatabaseUrl()),
        TWILIO_ACCOUNT_SID: accountSid,
        TWILIO_AUTH_TOKEN: authToken,
        PG_POOL_SIZE: '5',
        ...env,
      }),
    ),
  );
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  if (failed.length > 0) {
    await Promise.all(running.map((server) => server.stop('SIGKILL')));
    throw new Error(`server processes failed to start:\n${failed.join('\n')}`);
  }
  return running;
}

before(async () => {
  db = await freshPostgres(2);
  // The schema is migrated and the account exists before the processes start (see the report
  // on concurrent bootstrap): the processes then start at once.
  await createAccount(db.store, { sid: accountSid, authToken });
  servers = await startProcesses(2);
});

after(async () => {
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
  await db?.dispose();
});

let names = 0;
const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++names}`;

async function createService(base = via(0)): Promise<{ sid: string; version: number }> {
  const reply = await call(base, 'POST', '/v2/Services', { UniqueName: uniqueName('svc') });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return { sid: reply.body.sid, version: reply.body.version };
}

async function createCustomOperators(n: number): Promise<string[]> {
  const replies = await Promise.all(
    Array.from({ length: n }, (_, index) =>
      call(via(index), 'POST', '/v2/Operators/Custom', {
        FriendlyName: `op ${index}`,
        OperatorType: 'LiteralSpot',
        Config: JSON.stringify({ phrase_sets: [{ name: 'refund', phrases: ['refund'], match: 'exact' }] }),
      }),
    ),
  );
  for (const reply of replies) assert.equal(reply.status, 202, JSON.stringify(reply.body));
  return replies.map((reply) => reply.body.sid);
}

/** The service as each process reports it: they must agree. */
async function serviceEverywhere(serviceSid: string): Promise<{ version: number; attached: string[] }> {
  const views = await Promise.all(servers.map((server) => call(server.url, 'GET', `/v2/Services/${serviceSid}`)));
  for (const view of views) assert.equal(view.status, 200);
  // Every field but the URLs, which name the process's own port.
  const withoutUrls = (body: Record<string, unknown>) => JSON.parse(JSON.stringify(body).replace(/http:\/\/127\.0\.0\.1:\d+/g, ''));
  for (const view of views.slice(1)) assert.deepEqual(withoutUrls(view.body), withoutUrls(views[0]!.body));
  return { version: views[0]!.body.version, attached: views[0]!.body.read_only_attached_operator_sids };
}

describe('two server processes on one database', () => {
  test('concurrent attaches and detaches of distinct operators through both end in the exact set and version', async () => {
    const service = await createService();
    const custom = await createCustomOperators(30);
    const prebuilt = [
      'Sentiment Analysis',
      'Summarization',
      'Entity Recognition',
      'Agent Introduction',
      'Escalation Request',
      'Recording Disclosure',
      'Do Not Contact Me',
      'Password Reset',
      'Call Transfer',
      'Non English Call',
    ].map((name) => catalogSid('LY', name));

    const attachAll = await Promise.all(
      custom.map((operatorSid, index) => call(via(index), 'POST', `/v2/Services/${service.sid}/Operators/${operatorSid}`)),
    );
    assert.deepEqual(
      statuses(attachAll),
      custom.map(() => 202),
    );
    let seen = await serviceEverywhere(service.sid);
    assert.equal(seen.version, service.version + 30);
    assert.deepEqual([...seen.attached].sort(), [...custom].sort());
    const orderBefore = seen.attached;

    // Now, all at once: detach 15 (each twice, via both processes), attach 10 new ones, and
    // re-attach the 15 that stay (each twice).
    const leaving = custom.slice(0, 15);
    const staying = custom.slice(15);
    const requests: Array<Promise<Reply & { kind: string }>> = [];
    const tagged = (kind: string, promise: Promise<Reply>) => promise.then((reply) => ({ ...reply, kind }));
    leaving.forEach((operatorSid, index) => {
      requests.push(tagged('detach', call(via(index), 'DELETE', `/v2/Services/${service.sid}/Operators/${operatorSid}`)));
      requests.push(tagged('detach', call(via(index + 1), 'DELETE', `/v2/Services/${service.sid}/Operators/${operatorSid}`)));
    });
    prebuilt.forEach((operatorSid, index) => {
      requests.push(tagged('attach-new', call(via(index), 'POST', `/v2/Services/${service.sid}/Operators/${operatorSid}`)));
    });
    staying.forEach((operatorSid, index) => {
      requests.push(tagged('reattach', call(via(index), 'POST', `/v2/Services/${service.sid}/Operators/${operatorSid}`)));
      requests.push(tagged('reattach', call(via(index + 1), 'POST', `/v2/Services/${service.sid}/Operators/${operatorSid}`)));
    });
    const replies = await Promise.all(requests);
    const detaches = replies.filter((reply) => reply.kind === 'detach');
    assert.equal(count(detaches, 204), 15, 'each detached exactly once');
    assert.equal(count(detaches, 404), 15, 'the second detach finds nothing');
    assert.ok(
      replies.filter((reply) => reply.kind !== 'detach').every((reply) => reply.status === 202),
      statuses(replies).join(' '),
    );

    seen = await serviceEverywhere(service.sid);
    assert.equal(seen.version, service.version + 30 + 15 + 10, 'each real change counted once, idempotent re-attaches not at all');
    assert.deepEqual([...seen.attached].sort(), [...staying, ...prebuilt].sort());
    assert.deepEqual(
      seen.attached.slice(0, 15),
      orderBefore.filter((sid) => staying.includes(sid)),
      'attachment order is kept',
    );
  });

  test('20 concurrent If-Match updates split across both processes: exactly one wins', async () => {
    const service = await createService();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        call(via(index), 'POST', `/v2/Services/${service.sid}`, { FriendlyName: `racer ${index}` }, { 'if-match': `"${service.version}"` }),
      ),
    );
    assert.equal(count(replies, 200), 1, statuses(replies).join(' '));
    assert.equal(count(replies, 412), 19);
    const winner = replies.find((reply) => reply.status === 200)!;
    const seen = await serviceEverywhere(service.sid);
    assert.equal(seen.version, service.version + 1);
    const fetched = await call(via(1), 'GET', `/v2/Services/${service.sid}`);
    assert.equal(fetched.body.friendly_name, winner.body.friendly_name);
  });

  test('20 concurrent If-Match updates of a custom operator split across both processes: exactly one wins', async () => {
    const [operatorSid] = await createCustomOperators(1);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        call(
          via(index),
          'POST',
          `/v2/Operators/Custom/${operatorSid}`,
          {
            FriendlyName: `racer ${index}`,
            Config: JSON.stringify({ phrase_sets: [{ name: `set${index}`, phrases: ['x'], match: 'exact' }] }),
          },
          { 'if-match': '"1"' },
        ),
      ),
    );
    assert.equal(count(replies, 202), 1, statuses(replies).join(' '));
    assert.equal(count(replies, 412), 19);
  });

  test('20 unconditional updates split across both processes all apply, each counted once', async () => {
    const service = await createService();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        call(via(index), 'POST', `/v2/Services/${service.sid}`, { FriendlyName: `writer ${index}` }),
      ),
    );
    assert.deepEqual(
      statuses(replies),
      replies.map(() => 200),
    );
    assert.deepEqual(
      replies.map((reply) => reply.body.version).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, index) => service.version + 1 + index),
    );
    assert.equal((await serviceEverywhere(service.sid)).version, service.version + 20);
  });

  test('concurrent creates of one UniqueName through both processes: exactly one 201, the rest 409', async () => {
    const name = uniqueName('contested');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, index) => call(via(index), 'POST', '/v2/Services', { UniqueName: name })),
    );
    assert.equal(count(replies, 201), 1, statuses(replies).join(' '));
    assert.equal(count(replies, 409), 19);
    const winner = replies.find((reply) => reply.status === 201)!;
    for (const server of servers) assert.equal((await call(server.url, 'GET', `/v2/Services/${name}`)).body.sid, winner.body.sid);
  });

  test('deleting a custom operator while it is attached through the other process never leaves an attachment to a deleted operator', async () => {
    const service = await createService();
    const operators = await createCustomOperators(20);
    const outcomes = await Promise.all(
      operators.map(async (operatorSid, index) => {
        const [attached, deleted] = await Promise.all([
          call(via(index), 'POST', `/v2/Services/${service.sid}/Operators/${operatorSid}`),
          call(via(index + 1), 'DELETE', `/v2/Operators/Custom/${operatorSid}`),
        ]);
        return { operatorSid, attached: attached.status, deleted: deleted.status };
      }),
    );
    for (const outcome of outcomes) {
      assert.ok(
        (outcome.attached === 202 && outcome.deleted === 409) || (outcome.attached === 404 && outcome.deleted === 204),
        JSON.stringify(outcome),
      );
    }
    const seen = await serviceEverywhere(service.sid);
    const survivors = outcomes.filter((outcome) => outcome.attached === 202).map((outcome) => outcome.operatorSid);
    assert.deepEqual([...seen.attached].sort(), [...survivors].sort());
    assert.equal(seen.version, service.version + survivors.length);
    for (const operatorSid of seen.attached) assert.equal((await call(via(0), 'GET', `/v2/Operators/Custom/${operatorSid}`)).status, 200);
  });
});

describe('two server processes with MAX_OPERATORS_PER_SERVICE=5', () => {
  let limited: ServerProcess[] = [];
  before(async () => {
    limited = await startProcesses(2, { MAX_OPERATORS_PER_SERVICE: '5' });
  });
  after(() => Promise.all(limited.map((server) => server.stop('SIGKILL'))));

  test('12 concurrent distinct attaches through both: exactly 5 attached, 7 refused', async () => {
    const service = await createService(limited[0]!.url);
    const operators = await createCustomOperators(12);
    const replies = await Promise.all(
      operators.map((operatorSid, index) => call(limited[index % 2]!.url, 'POST', `/v2/Services/${service.sid}/Operators/${operatorSid}`)),
    );
    assert.equal(count(replies, 202), 5, statuses(replies).join(' '));
    assert.equal(count(replies, 400), 7);
    const fetched = await call(limited[1]!.url, 'GET', `/v2/Services/${service.sid}`);
    assert.equal(fetched.body.version, service.version + 5);
    assert.deepEqual(
      [...fetched.body.read_only_attached_operator_sids].sort(),
      operators.filter((_, index) => replies[index]!.status === 202).sort(),
    );
  });
});

test('a store opened on the same schema sees what the processes wrote', async () => {
  const store = await PostgresStore.open({ url: testDatabaseUrl(), poolSize: 1, schema: db.schema });
  try {
    assert.notEqual(await store.findCredential(accountSid), null);
    assert.ok((await store.listServices(accountSid, { limit: 1000 })).length > 0);
  } finally {
    await store.close();
  }
});
