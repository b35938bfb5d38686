// The store contract: the same operations on PostgresStore and on SqliteStore (the reference)
// give the same results, value for value — records, outcomes, orders, and which calls throw.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccountData, Store } from '../../src/store/store.js';
import { account, customOperator, freshPostgres, memorySqlite, service, type FreshPostgres, testSid } from './stores.js';
import { DEFAULT_ACCOUNT_QUOTAS } from '../../src/resources/accounts/quotas.js';
import type { OperatorSid, ServiceSid } from '../../src/sids.js';

/** What a call gave: its value (Maps as entry lists), or that it threw. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const value = await call();
    return value instanceof Map ? { map: [...value.entries()] } : { value };
  } catch {
    return { threw: true };
  }
}

type Step = [label: string, run: (store: Store) => Promise<unknown>];

async function runBoth(steps: Step[], sqlite: Store, postgres: Store): Promise<void> {
  for (const [label, run] of steps) {
    const expected = await outcome(() => run(sqlite));
    const actual = await outcome(() => run(postgres));
    assert.deepStrictEqual(actual, expected, `${label}: PostgreSQL differs from SQLite`);
  }
}

const A1 = account('1');
const A2 = account('2');
const T0 = 1_714_521_600_000;
// SIDs that tie on creation time and differ in case: byte order puts 'B' before 'a', a
// linguistic collation would not.
const GA_a = testSid('GA', '0'.repeat(31) + 'a');
const GA_B = testSid('GA', '0'.repeat(31) + 'B');
const GA_1 = testSid('GA', '0'.repeat(31) + '1');
const GA_z = testSid('GA', 'f'.repeat(31) + 'z');
const GA_other = testSid('GA', '9'.repeat(32));
const LY_c1 = testSid('LY', 'c'.repeat(31) + '1');
const LY_c2 = testSid('LY', 'c'.repeat(31) + '2');
const LY_C3 = testSid('LY', 'C'.repeat(31) + '3');
const LY_p1 = testSid('LY', 'a'.repeat(32));
const LY_p2 = testSid('LY', 'b'.repeat(32));
const LY_p3 = testSid('LY', 'd'.repeat(32));

const attach =
  (serviceSid: ServiceSid, operatorSid: OperatorSid, isCustomOperator: boolean, max = 3, accountSid = A1, nowMs = T0 + 500) =>
  (store: Store) =>
    store.attachOperator({ accountSid, serviceSid, operatorSid, isCustomOperator, maxOperatorsPerService: max, nowMs });

const settings = (record: ReturnType<typeof service>) => {
  const { sid: _sid, accountSid: _account, version: _version, dateCreatedMs: _created, dateUpdatedMs: _updated, ...rest } = record;
  return rest;
};

const fixedSteps: Step[] = [
  [
    'schema is current',
    async (store) => {
      const version = await store.schemaVersion();
      return version.applied === version.expected && version.applied > 0;
    },
  ],
  ['no accounts', (store) => store.countAccounts()],
  ['insert account 1', (store) => store.insertAccount({ sid: A1, friendlyName: 'one', authTokenHash: 'h1', dateCreatedMs: T0 })],
  ['insert account 2', (store) => store.insertAccount({ sid: A2, friendlyName: null, authTokenHash: 'h2', dateCreatedMs: T0 + 1 })],
  [
    'insert account 1 again throws',
    (store) => store.insertAccount({ sid: A1, friendlyName: 'dup', authTokenHash: 'h', dateCreatedMs: T0 }),
  ],
  ['two accounts', (store) => store.countAccounts()],
  ['credential of account', (store) => store.findCredential(A1)],
  ['credential of nobody', (store) => store.findCredential(account('3'))],
  [
    'api key',
    (store) => store.insertApiKey({ sid: 'SK' + '1'.repeat(32), accountSid: A1, friendlyName: 'k', secretHash: 's', dateCreatedMs: T0 }),
  ],
  [
    'api key for missing account',
    (store) =>
      store.insertApiKey({ sid: 'SK' + '2'.repeat(32), accountSid: account('9'), friendlyName: null, secretHash: 's', dateCreatedMs: T0 }),
  ],
  ['credential of api key', (store) => store.findCredential('SK' + '1'.repeat(32))],
  ['revoke api key', (store) => store.deleteApiKey('SK' + '1'.repeat(32))],
  ['revoke it again', (store) => store.deleteApiKey('SK' + '1'.repeat(32))],
  ['credential of revoked key', (store) => store.findCredential('SK' + '1'.repeat(32))],
  ['set auth token', (store) => store.setAuthTokenHash(A2, 'h2-rotated')],
  ['set auth token of nobody', (store) => store.setAuthTokenHash(account('9'), 'h')],
  ['credential after a new token', (store) => store.findCredential(A2)],

  [
    'service a',
    (store) =>
      store.insertService(service(GA_a, A1, 'alpha', T0 + 10, { friendlyName: 'Ä ☃ 😀', autoRedaction: true, mediaRedaction: true })),
  ],
  [
    'service B, same time',
    (store) => store.insertService(service(GA_B, A1, 'Alpha', T0 + 10, { webhookUrl: 'https://example.com/h', webhookHttpMethod: 'GET' })),
  ],
  [
    'service 1, same time',
    (store) => store.insertService(service(GA_1, A1, 'straße', T0 + 10, { webhookHttpMethod: null, dataLogging: true })),
  ],
  [
    'service z, later',
    (store) =>
      store.insertService(
        service(GA_z, A1, 'zeta', T0 + 20, { languageCode: 'es-US', autoTranscribe: true, encryptionCredentialSid: 'CR' + '4'.repeat(32) }),
      ),
  ],
  ['same unique name', (store) => store.insertService(service(testSid('GA', '5'.repeat(32)), A1, 'alpha', T0 + 30))],
  ['same unique name, other account', (store) => store.insertService(service(GA_other, A2, 'alpha', T0 + 5))],
  ['duplicate SID throws', (store) => store.insertService(service(GA_a, A2, 'fresh', T0 + 30))],
  ['duplicate SID and name throws', (store) => store.insertService(service(GA_a, A1, 'alpha', T0 + 30))],
  ['find by sid', (store) => store.findServiceBySid(A1, GA_B)],
  ['find by sid, wrong account', (store) => store.findServiceBySid(A2, GA_B)],
  ['find by unique name', (store) => store.findServiceByUniqueName(A1, 'straße')],
  ['find by unique name, case differs', (store) => store.findServiceByUniqueName(A1, 'STRASSE')],
  ['find by unique name with NUL', (store) => store.findServiceByUniqueName(A1, 'alpha\0')],
  ['list all', (store) => store.listServices(A1, { limit: 10 })],
  ['list first two', (store) => store.listServices(A1, { limit: 2 })],
  ['list after the first', (store) => store.listServices(A1, { limit: 10, after: { createdMs: T0 + 10, sid: GA_1 } })],
  ['list after B', (store) => store.listServices(A1, { limit: 10, after: { createdMs: T0 + 10, sid: GA_B } })],
  ['list before z', (store) => store.listServices(A1, { limit: 2, before: { createdMs: T0 + 20, sid: GA_z } })],
  ['list before a', (store) => store.listServices(A1, { limit: 10, before: { createdMs: T0 + 10, sid: GA_a } })],
  ['list after everything', (store) => store.listServices(A1, { limit: 10, after: { createdMs: T0 + 20, sid: GA_z } })],
  ['list other account', (store) => store.listServices(A2, { limit: 10 })],

  [
    'update',
    (store) => store.updateService(A1, GA_a, { ...settings(service(GA_a, A1, 'alpha2', 0)), friendlyName: 'renamed' }, 1, T0 + 100),
  ],
  ['update, stale version', (store) => store.updateService(A1, GA_a, settings(service(GA_a, A1, 'alpha3', 0)), 1, T0 + 101)],
  ['update, future version', (store) => store.updateService(A1, GA_a, settings(service(GA_a, A1, 'alpha3', 0)), 7, T0 + 101)],
  ['update, wrong account', (store) => store.updateService(A2, GA_a, settings(service(GA_a, A1, 'alpha3', 0)), 2, T0 + 101)],
  ['update, missing', (store) => store.updateService(A1, testSid('GA', '7'.repeat(32)), settings(service(GA_a, A1, 'x', 0)), 1, T0 + 101)],
  ['update to a taken name', (store) => store.updateService(A1, GA_a, settings(service(GA_a, A1, 'zeta', 0)), 2, T0 + 102)],
  [
    'update keeps language',
    (store) => store.updateService(A1, GA_a, { ...settings(service(GA_a, A1, 'alpha2', 0)), languageCode: 'fr-FR' }, 2, T0 + 103),
  ],
  ['after updates', (store) => store.findServiceBySid(A1, GA_a)],

  ['custom operator 1', (store) => store.insertCustomOperator(customOperator(LY_c1, A1, T0 + 40))],
  [
    'custom operator 2',
    (store) => store.insertCustomOperator(customOperator(LY_c2, A1, T0 + 40, { operatorType: 'Generative', availability: 'beta' })),
  ],
  ['custom operator C3, other account', (store) => store.insertCustomOperator(customOperator(LY_C3, A2, T0 + 40))],
  ['custom operator, duplicate throws', (store) => store.insertCustomOperator(customOperator(LY_c1, A1, T0 + 41))],
  ['find custom', (store) => store.findCustomOperator(A1, LY_c2)],
  ['find custom, wrong account', (store) => store.findCustomOperator(A2, LY_c2)],
  ['list custom', (store) => store.listCustomOperators(A1, {}, { limit: 10 })],
  ['list custom by availability', (store) => store.listCustomOperators(A1, { availability: 'beta' }, { limit: 10 })],
  ['list custom by types', (store) => store.listCustomOperators(A1, { operatorTypes: ['LiteralSpot', 'Nope'] }, { limit: 10 })],
  ['list custom, no types', (store) => store.listCustomOperators(A1, { operatorTypes: [] }, { limit: 10 })],
  ['list custom after', (store) => store.listCustomOperators(A1, {}, { limit: 10, after: { createdMs: T0 + 40, sid: LY_c1 } })],
  ['list custom before', (store) => store.listCustomOperators(A1, {}, { limit: 1, before: { createdMs: T0 + 40, sid: LY_c2 } })],
  ['update custom', (store) => store.updateCustomOperator(A1, LY_c1, { friendlyName: 'new', configJson: '{"a":1}' }, 1, T0 + 200)],
  ['update custom, stale', (store) => store.updateCustomOperator(A1, LY_c1, { friendlyName: 'newer', configJson: '{}' }, 1, T0 + 201)],
  ['update custom, wrong account', (store) => store.updateCustomOperator(A2, LY_c1, { friendlyName: 'x', configJson: '{}' }, 2, T0 + 201)],

  ['attach prebuilt', attach(GA_a, LY_p1, false)],
  ['attach it again', attach(GA_a, LY_p1, false)],
  ['attach custom', attach(GA_a, LY_c1, true)],
  ['attach custom of other account', attach(GA_a, LY_C3, true)],
  ['attach missing custom', attach(GA_a, testSid('LY', '8'.repeat(32)), true)],
  ['attach to missing service', attach(testSid('GA', '8'.repeat(32)), LY_p2, false)],
  ['attach to service of other account', attach(GA_other, LY_p2, false)],
  ['attach third', attach(GA_a, LY_p2, false)],
  ['attach over the limit', attach(GA_a, LY_p3, false)],
  ['attach already attached at the limit', attach(GA_a, LY_p2, false)],
  ['attach with NUL in the operator', attach(GA_B, testSid('LY', '\0'), true)],
  ['attach same custom elsewhere', attach(GA_B, LY_c1, true)],
  ['attach to B', attach(GA_B, LY_p3, false)],
  ['attached lists', (store) => store.attachedOperatorSids([GA_a, GA_B, GA_1, testSid('GA', '8'.repeat(32)), GA_a])],
  ['attached list of one', (store) => store.attachedOperatorSids([GA_a])],
  ['attached list of none', (store) => store.attachedOperatorSids([])],
  ['versions after attaching', (store) => store.listServices(A1, { limit: 10 })],
  ['detach', (store) => store.detachOperator(A1, GA_a, LY_p1, T0 + 600)],
  ['detach again', (store) => store.detachOperator(A1, GA_a, LY_p1, T0 + 601)],
  ['detach from missing service', (store) => store.detachOperator(A1, testSid('GA', '8'.repeat(32)), LY_p1, T0 + 601)],
  ['detach, wrong account', (store) => store.detachOperator(A2, GA_a, LY_p2, T0 + 601)],
  ['detach with NUL', (store) => store.detachOperator(A1, GA_a, testSid('LY', '\0'), T0 + 601)],
  ['reattach goes last', attach(GA_a, LY_p1, false, 3, A1, T0 + 700)],
  ['attachment order', (store) => store.attachedOperatorSids([GA_a])],

  ['delete attached custom', (store) => store.deleteCustomOperator(A1, LY_c1)],
  ['delete custom, wrong account', (store) => store.deleteCustomOperator(A2, LY_c2)],
  ['delete free custom', (store) => store.deleteCustomOperator(A1, LY_c2)],
  ['delete it again', (store) => store.deleteCustomOperator(A1, LY_c2)],
  ['export account 1', (store) => store.exportAccount(A1)],
  ['export missing account', (store) => store.exportAccount(account('9'))],

  ['delete service, wrong account', (store) => store.deleteService(A2, GA_B)],
  ['delete service B', (store) => store.deleteService(A1, GA_B)],
  ['delete it again', (store) => store.deleteService(A1, GA_B)],
  ['attachments of deleted service', (store) => store.attachedOperatorSids([GA_B])],
  ['custom still attached to a', (store) => store.deleteCustomOperator(A1, LY_c1)],
  ['detach custom', (store) => store.detachOperator(A1, GA_a, LY_c1, T0 + 800)],
  ['now it can go', (store) => store.deleteCustomOperator(A1, LY_c1)],

  [
    'move account 1 into account 2 (conflicts)',
    async (store) => store.importAccount(A2, (await store.exportAccount(A1))!, DEFAULT_ACCOUNT_QUOTAS),
  ],
  ['reset account 1', (store) => store.resetAccount(A1)],
  ['reset missing account', (store) => store.resetAccount(account('9'))],
  ['account 1 is empty', (store) => store.exportAccount(A1)],
  [
    'import into missing account',
    (store) => store.importAccount(account('9'), { services: [], customOperators: [], attachments: [] }, DEFAULT_ACCOUNT_QUOTAS),
  ],
  [
    'import conflicts',
    (store) =>
      store.importAccount(
        A2,
        {
          services: [service(GA_other, A1, 'zz', T0), service(testSid('GA', '6'.repeat(32)), A1, 'alpha', T0)],
          customOperators: [customOperator(LY_C3, A1, T0)],
          attachments: [],
        },
        DEFAULT_ACCOUNT_QUOTAS,
      ),
  ],
  [
    'import',
    (store) =>
      store.importAccount(
        A2,
        {
          services: [service(testSid('GA', '6'.repeat(32)), A1, 'imported', T0 + 3, { version: 4 })],
          customOperators: [customOperator(testSid('LY', '6'.repeat(32)), A1, T0 + 2, { version: 3 })],
          attachments: [
            { serviceSid: testSid('GA', '6'.repeat(32)), operatorSid: testSid('LY', '6'.repeat(32)) },
            { serviceSid: testSid('GA', '6'.repeat(32)), operatorSid: LY_p1 },
          ],
        },
        DEFAULT_ACCOUNT_QUOTAS,
      ),
  ],
  [
    'an imported custom operator attached on import cannot be deleted',
    (store) => store.deleteCustomOperator(A2, testSid('LY', '6'.repeat(32))),
  ],
  [
    'import with a dangling attachment throws',
    (store) =>
      store.importAccount(
        A2,
        {
          services: [],
          customOperators: [],
          attachments: [{ serviceSid: testSid('GA', 'e'.repeat(32)), operatorSid: LY_p1 }],
        },
        DEFAULT_ACCOUNT_QUOTAS,
      ),
  ],
  ['export account 2', (store) => store.exportAccount(A2)],

  [
    'enqueue job 1',
    (store) => store.enqueueJob({ name: 'job.a', payloadJson: '{"n":1,"text":"Ä ☃"}', maxAttempts: 2, runAtMs: T0, nowMs: T0 }),
  ],
  [
    'enqueue job 2, due later',
    (store) => store.enqueueJob({ name: 'job.b', payloadJson: '{"n":2}', maxAttempts: 5, runAtMs: T0 + 5, nowMs: T0 }),
  ],
  ['enqueue job 3', (store) => store.enqueueJob({ name: 'job.a', payloadJson: '[]', maxAttempts: 5, runAtMs: T0 + 1, nowMs: T0 })],
  ['is a job due, before any is', (store) => store.hasDueJobs(['job.a', 'job.b'], T0 - 1)],
  ['is a job due', (store) => store.hasDueJobs(['job.b'], T0 + 5)],
  ['claim one, oldest due first', (store) => store.claimJobs({ names: ['job.a'], owner: 'A', limit: 1, nowMs: T0, leaseMs: 1000 })],
  [
    'claim what is due of two names',
    (store) => store.claimJobs({ names: ['job.a', 'job.b'], owner: 'A', limit: 5, nowMs: T0 + 2, leaseMs: 1000 }),
  ],
  ['claim of a name without jobs', (store) => store.claimJobs({ names: ['job.none'], owner: 'A', limit: 5, nowMs: T0 + 9, leaseMs: 1000 })],
  ['claim the later one', (store) => store.claimJobs({ names: ['job.a', 'job.b'], owner: 'B', limit: 5, nowMs: T0 + 5, leaseMs: 1000 })],
  ['is a job due, all of them running', (store) => store.hasDueJobs(['job.a', 'job.b'], T0 + 6)],
  ['extend a lease held by another', (store) => store.extendJobLease(1, 'B', T0 + 2000, T0 + 10)],
  ['extend a lease', (store) => store.extendJobLease(1, 'A', T0 + 2000, T0 + 10)],
  ['fail with a retry', (store) => store.failJob(1, 'A', 'Error: boom\u0000?', T0 + 100, T0 + 20)],
  ['the failed job, queued again', (store) => store.findJob(1)],
  ['claim the retry', (store) => store.claimJobs({ names: ['job.a'], owner: 'C', limit: 5, nowMs: T0 + 100, leaseMs: 1000 })],
  ['fail the last attempt', (store) => store.failJob(1, 'C', 'Error: again', null, T0 + 110)],
  ['the dead job', (store) => store.findJob(1)],
  ['complete a job', (store) => store.completeJob(3, 'A', T0 + 120)],
  ['complete it again', (store) => store.completeJob(3, 'A', T0 + 130)],
  ['complete one held by another', (store) => store.completeJob(2, 'A', T0 + 130)],
  ['is a job due, a lease expired', (store) => store.hasDueJobs(['job.b'], T0 + 1005)],
  ['claim after a lease expired', (store) => store.claimJobs({ names: ['job.b'], owner: 'D', limit: 5, nowMs: T0 + 1005, leaseMs: 1000 })],
  ['the old owner has lost it', (store) => store.failJob(2, 'B', 'late', T0 + 2000, T0 + 1010)],
  ['no such job', (store) => store.findJob(99)],
];

describe('PostgresStore gives the same results as SqliteStore', () => {
  let postgres: FreshPostgres;
  let sqlite: Store;
  before(async () => {
    postgres = await freshPostgres();
    sqlite = await memorySqlite();
  });
  after(async () => {
    await sqlite?.close();
    await postgres?.dispose();
  });

  test('a fixed table of operations: every outcome, record and order', async () => {
    await runBoth(fixedSteps, sqlite, postgres.store);
  });
});

const GA_u1 = testSid('GA', 'u'.repeat(31) + '1');
const GA_u2 = testSid('GA', 'u'.repeat(31) + '2');
const LY_u = testSid('LY', 'u'.repeat(32));

const unitOfWorkSteps: Step[] = [
  ['account', (store) => store.insertAccount({ sid: A1, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 })],
  [
    'a unit of work commits every write together',
    (store) =>
      store.transaction(async (tx) => [
        await tx.insertService(service(GA_u1, A1, 'unit', T0 + 1)),
        await tx.insertCustomOperator(customOperator(LY_u, A1, T0 + 2)),
        await tx.attachOperator({
          accountSid: A1,
          serviceSid: GA_u1,
          operatorSid: LY_u,
          isCustomOperator: true,
          maxOperatorsPerService: 5,
          nowMs: T0 + 3,
        }),
        await tx.findServiceBySid(A1, GA_u1),
      ]),
  ],
  ['its writes are there after it', (store) => store.exportAccount(A1)],
  [
    'a unit of work that throws leaves nothing',
    (store) =>
      store.transaction(async (tx) => {
        await tx.insertService(service(GA_u2, A1, 'gone', T0 + 4));
        await tx.detachOperator(A1, GA_u1, LY_u, T0 + 5);
        await tx.updateCustomOperator(A1, LY_u, { friendlyName: 'renamed', configJson: '{}' }, 1, T0 + 6);
        throw new Error('rolled back');
      }),
  ],
  ['nothing of it was written', (store) => store.exportAccount(A1)],
  [
    'outcomes that refuse a write leave the unit of work usable',
    (store) =>
      store.transaction(async (tx) => [
        await tx.insertService(service(GA_u2, A1, 'unit', T0 + 7)),
        await tx.updateService(A1, GA_u1, settings(service(GA_u1, A1, 'unit', 0)), 99, T0 + 8),
        await tx.insertApiKey({
          sid: 'SK' + 'u'.repeat(32),
          accountSid: account('9'),
          friendlyName: null,
          secretHash: 's',
          dateCreatedMs: T0,
        }),
        await tx.insertService(service(GA_u2, A1, 'second', T0 + 9)),
      ]),
  ],
  [
    'a statement that throws inside, caught, undoes only itself',
    (store) =>
      store.transaction(async (tx) => {
        const duplicate = await tx.insertService(service(GA_u2, A1, 'third', T0 + 10)).then(
          () => 'inserted',
          () => 'threw',
        );
        const detached = await tx.detachOperator(A1, GA_u1, LY_u, T0 + 11);
        return [duplicate, detached, await tx.exportAccount(A1)];
      }),
  ],
  ['after both', (store) => store.exportAccount(A1)],
  [
    'a reset and a bootstrap inside one unit of work',
    (store) =>
      store.transaction(async (tx) => [
        await tx.resetAccount(A1),
        await tx.insertBootstrapAccount({ sid: A2, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 }, false),
        await tx.countAccounts(),
      ]),
  ],
  ['after the reset', (store) => Promise.all([store.exportAccount(A1), store.countAccounts()])],
  [
    'a job enqueued in a unit of work that throws is not there',
    (store) =>
      store
        .transaction(async (tx) => {
          await tx.enqueueJob({ name: 'job.u', payloadJson: '{}', maxAttempts: 1, runAtMs: T0, nowMs: T0 });
          throw new Error('rolled back');
        })
        .catch(() => store.claimJobs({ names: ['job.u'], owner: 'A', limit: 5, nowMs: T0, leaseMs: 1000 })),
  ],
  [
    'one enqueued in a unit of work that commits is',
    (store) =>
      store
        .transaction((tx) => tx.enqueueJob({ name: 'job.u', payloadJson: '{"kept":true}', maxAttempts: 1, runAtMs: T0, nowMs: T0 }))
        .then(() => store.claimJobs({ names: ['job.u'], owner: 'A', limit: 5, nowMs: T0, leaseMs: 1000 }))
        .then((jobs) => jobs.map(({ id: _id, ...job }) => job)),
  ],
];

describe('units of work behave the same on both stores', () => {
  test('writes commit together, a throw rolls all back, refused writes keep it usable', async () => {
    const postgres = await freshPostgres(2);
    const sqlite = await memorySqlite();
    try {
      await runBoth(unitOfWorkSteps, sqlite, postgres.store);
    } finally {
      await sqlite.close();
      await postgres.dispose();
    }
  });

  test('on SQLite, a unit of work that waits on anything but its own operations is refused and rolled back', async () => {
    const sqlite = await memorySqlite();
    try {
      await sqlite.insertAccount({ sid: A1, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 });
      await assert.rejects(
        sqlite.transaction(async (tx) => {
          await tx.insertService(service(GA_u1, A1, 'unit', T0 + 1));
          await new Promise((resolve) => setImmediate(resolve));
        }),
        /waited for something other than its own store operations/,
      );
      assert.equal(await sqlite.findServiceBySid(A1, GA_u1), null);
      // The store goes on: a write after it commits.
      assert.equal(await sqlite.insertService(service(GA_u1, A1, 'unit', T0 + 1)), 'inserted');
    } finally {
      await sqlite.close();
    }
  });

  test('on SQLite, writes asked for while a unit of work is open wait for it and are all committed', async () => {
    const sqlite = await memorySqlite();
    try {
      await sqlite.insertAccount({ sid: A1, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 });
      const outside: Promise<unknown>[] = [];
      const inside = sqlite.transaction(async (tx) => {
        await tx.insertService(service(GA_u1, A1, 'inside', T0 + 1));
        // Another request's writes, in the same turn: a group-commit write and a single-statement one.
        outside.push(sqlite.insertService(service(GA_u2, A1, 'outside', T0 + 2)));
        outside.push(sqlite.insertCustomOperator(customOperator(LY_u, A1, T0 + 3)));
        await tx.attachOperator({
          accountSid: A1,
          serviceSid: GA_u1,
          operatorSid: LY_p1,
          isCustomOperator: false,
          maxOperatorsPerService: 5,
          nowMs: T0 + 4,
        });
        throw new Error('rolled back');
      });
      await assert.rejects(inside, /rolled back/);
      assert.deepEqual(await Promise.all(outside), ['inserted', undefined]);
      const data = await sqlite.exportAccount(A1);
      assert.deepEqual(
        data?.services.map((record) => record.sid),
        [GA_u2],
      );
      assert.deepEqual(
        data?.customOperators.map((record) => record.sid),
        [LY_u],
      );
      assert.deepEqual(data?.attachments, []);
    } finally {
      await sqlite.close();
    }
  });
});

/** A small seeded generator, so a failing sequence can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, pick, int };
}

function randomSteps(seed: number, count: number): Step[] {
  const { next, pick, int } = generator(seed);
  const serviceSids = [
    testSid('GA', 'a'.repeat(32)),
    testSid('GA', 'A'.repeat(32)),
    testSid('GA', 'b'.repeat(32)),
    testSid('GA', '0'.repeat(32)),
    testSid('GA', 'B'.repeat(31) + 'a'),
  ];
  const names = ['x', 'X', 'é', 'e\u0301', 'name'];
  const customSids = [testSid('LY', 'c'.repeat(32)), testSid('LY', 'C'.repeat(32)), testSid('LY', 'd'.repeat(31) + 'D')];
  const prebuiltSids = [LY_p1, LY_p2, LY_p3];
  const times = [T0, T0 + 1, T0 + 2];
  const cursor = () => ({ createdMs: pick([T0 - 1, ...times, T0 + 3]), sid: pick([...serviceSids, ...customSids, 'GA', 'LZ']) });
  const keyset = () => {
    const roll = next();
    const limit = int(1, 4);
    return roll < 0.4 ? { limit } : roll < 0.7 ? { limit, after: cursor() } : { limit, before: cursor() };
  };
  const exported = new Map<Store, AccountData | null>();
  const steps: Step[] = [];
  for (let index = 0; index < count; index++) {
    const accountSid = next() < 0.8 ? A1 : A2;
    const roll = next();
    let step: Step;
    if (roll < 0.12) {
      const record = service(pick(serviceSids), accountSid, pick(names), pick(times), {
        friendlyName: pick([null, 'f']),
        autoRedaction: next() < 0.5,
      });
      step = [`insertService ${JSON.stringify(record)}`, (store) => store.insertService(record)];
    } else if (roll < 0.22) {
      const sid = pick(serviceSids);
      const change = settings(
        service(sid, accountSid, pick(names), 0, { dataLogging: next() < 0.5, webhookUrl: pick([null, 'https://e.example']) }),
      );
      const expected = int(1, 4);
      const now = T0 + 1000 + index;
      step = [`updateService ${sid} v${expected}`, (store) => store.updateService(accountSid, sid, change, expected, now)];
    } else if (roll < 0.27) {
      const sid = pick(serviceSids);
      step = [`deleteService ${sid}`, (store) => store.deleteService(accountSid, sid)];
    } else if (roll < 0.45) {
      const custom = next() < 0.5;
      const operatorSid = pick(custom ? customSids : prebuiltSids);
      const serviceSid = pick(serviceSids);
      const max = int(1, 4);
      const now = T0 + 1000 + index;
      step = [`attach ${operatorSid} to ${serviceSid} max ${max}`, attach(serviceSid, operatorSid, custom, max, accountSid, now)];
    } else if (roll < 0.55) {
      const operatorSid = pick([...customSids, ...prebuiltSids]);
      const serviceSid = pick(serviceSids);
      const now = T0 + 1000 + index;
      step = [`detach ${operatorSid} from ${serviceSid}`, (store) => store.detachOperator(accountSid, serviceSid, operatorSid, now)];
    } else if (roll < 0.62) {
      const record = customOperator(pick(customSids), accountSid, pick(times), {
        operatorType: pick(['LiteralSpot', 'Generative']),
        availability: pick(['public', 'beta']),
      });
      step = [`insertCustomOperator ${record.sid}`, (store) => store.insertCustomOperator(record)];
    } else if (roll < 0.67) {
      const sid = pick(customSids);
      const expected = int(1, 3);
      const now = T0 + 1000 + index;
      step = [
        `updateCustomOperator ${sid} v${expected}`,
        (store) => store.updateCustomOperator(accountSid, sid, { friendlyName: `n${index}`, configJson: `{"i":${index}}` }, expected, now),
      ];
    } else if (roll < 0.72) {
      const sid = pick(customSids);
      step = [`deleteCustomOperator ${sid}`, (store) => store.deleteCustomOperator(accountSid, sid)];
    } else if (roll < 0.8) {
      const query = keyset();
      step = [`listServices ${JSON.stringify(query)}`, (store) => store.listServices(accountSid, query)];
    } else if (roll < 0.86) {
      const query = keyset();
      const filter = {
        availability: pick([undefined, 'public', 'beta']),
        operatorTypes: pick([undefined, [], ['Generative'], ['LiteralSpot', 'Generative']]),
      };
      step = [
        `listCustomOperators ${JSON.stringify(filter)} ${JSON.stringify(query)}`,
        (store) => store.listCustomOperators(accountSid, filter, query),
      ];
    } else if (roll < 0.9) {
      const sids = serviceSids.filter(() => next() < 0.5);
      step = [`attachedOperatorSids ${sids.join(',')}`, (store) => store.attachedOperatorSids(sids)];
    } else if (roll < 0.93) {
      const name = pick(names);
      step = [`findServiceByUniqueName ${name}`, (store) => store.findServiceByUniqueName(accountSid, name)];
    } else if (roll < 0.96) {
      step = [
        `exportAccount ${accountSid}`,
        async (store) => {
          const data = await store.exportAccount(accountSid);
          exported.set(store, data);
          return data;
        },
      ];
    } else if (roll < 0.98) {
      step = [
        `importAccount into ${accountSid}`,
        (store) =>
          store.importAccount(
            accountSid,
            exported.get(store) ?? { services: [], customOperators: [], attachments: [] },
            DEFAULT_ACCOUNT_QUOTAS,
          ),
      ];
    } else {
      step = [`resetAccount ${accountSid}`, (store) => store.resetAccount(accountSid)];
    }
    steps.push([`#${index} ${step[0]}`, step[1]]);
  }
  steps.push(['final export 1', (store) => store.exportAccount(A1)], ['final export 2', (store) => store.exportAccount(A2)]);
  return steps;
}

describe('random operation sequences agree on both stores', () => {
  for (const seed of [1, 2, 3, 4]) {
    test(`seed ${seed}: 400 operations`, async () => {
      const postgres = await freshPostgres(2);
      const sqlite = await memorySqlite();
      try {
        const setup: Step[] = [
          ['account 1', (store) => store.insertAccount({ sid: A1, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 })],
          ['account 2', (store) => store.insertAccount({ sid: A2, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 })],
        ];
        await runBoth([...setup, ...randomSteps(seed, 400)], sqlite, postgres.store);
      } finally {
        await sqlite.close();
        await postgres.dispose();
      }
    });
  }
});
