// Rules that must hold across processes, hammered at the store: several PostgresStores (each its
// own pool, as separate processes have) on one schema, calls interleaved over all of them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl } from '../helpers/postgres.js';
import { account, customOperator, freshPostgres, service, type FreshPostgres, testSid } from './stores.js';
import type { OperatorSid, ServiceSid } from '../../src/sids.js';

const A = account('a');
const T0 = 1_714_521_600_000;
let sequence = 0;
const sid = <P extends 'GA' | 'LY'>(prefix: P) => testSid(prefix, (++sequence).toString(16).padStart(32, '0'));

let db: FreshPostgres;
let stores: Store[];
/** The i-th call goes to store i mod N, so neighbouring calls race through different pools. */
const via = (index: number) => stores[index % stores.length]!;

before(async () => {
  db = await freshPostgres(4);
  stores = [db.store, await db.open(4), await db.open(4)];
  await db.store.insertAccount({ sid: A, friendlyName: null, authTokenHash: 'h', dateCreatedMs: T0 });
});
after(() => db?.dispose());

async function newService(): Promise<ServiceSid> {
  const serviceSid = sid('GA');
  assert.equal(await db.store.insertService(service(serviceSid, A, serviceSid, T0)), 'inserted');
  return serviceSid;
}

async function newCustomOperator(): Promise<OperatorSid> {
  const operatorSid = sid('LY');
  await db.store.insertCustomOperator(customOperator(operatorSid, A, T0));
  return operatorSid;
}

const attach = (index: number, serviceSid: ServiceSid, operatorSid: OperatorSid, max = 1000, isCustomOperator = false) =>
  via(index).attachOperator({ accountSid: A, serviceSid, operatorSid, isCustomOperator, maxOperatorsPerService: max, nowMs: T0 + index });

const count = <T>(items: T[], value: T) => items.filter((item) => item === value).length;

async function state(serviceSid: ServiceSid): Promise<{ version: number; attached: string[] }> {
  const record = await db.store.findServiceBySid(A, serviceSid);
  return { version: record!.version, attached: (await db.store.attachedOperatorSids([serviceSid])).get(serviceSid)! };
}

describe('attach and detach through several pools', () => {
  test('60 concurrent attaches of distinct operators: all attached, the version counts each once', async () => {
    const serviceSid = await newService();
    const operators = Array.from({ length: 60 }, () => sid('LY'));
    const outcomes = await Promise.all(operators.map((operatorSid, index) => attach(index, serviceSid, operatorSid)));
    assert.equal(count(outcomes, 'attached'), 60);
    const { version, attached } = await state(serviceSid);
    assert.equal(version, 61);
    assert.deepEqual([...attached].sort(), [...operators].sort());
  });

  test('detaching half while attaching new ones and re-attaching the rest ends in exactly the expected set', async () => {
    const serviceSid = await newService();
    const first = Array.from({ length: 40 }, () => sid('LY'));
    for (const [index, operatorSid] of first.entries()) assert.equal(await attach(index, serviceSid, operatorSid), 'attached');
    const leaving = first.slice(0, 20);
    const staying = first.slice(20);
    const arriving = Array.from({ length: 20 }, () => sid('LY'));
    const calls: Array<Promise<string>> = [];
    for (let index = 0; index < 20; index++) {
      calls.push(via(index).detachOperator(A, serviceSid, leaving[index]!, T0 + index));
      calls.push(attach(index + 1, serviceSid, arriving[index]!));
      calls.push(attach(index + 2, serviceSid, staying[index]!));
      calls.push(via(index + 1).detachOperator(A, serviceSid, leaving[index]!, T0 + index));
    }
    const outcomes = await Promise.all(calls);
    assert.equal(count(outcomes, 'detached'), 20, 'each operator is detached exactly once');
    assert.equal(count(outcomes, 'not-attached'), 20);
    assert.equal(count(outcomes, 'attached'), 20);
    assert.equal(count(outcomes, 'already-attached'), 20);
    const { version, attached } = await state(serviceSid);
    assert.equal(version, 1 + 40 + 20 + 20);
    assert.deepEqual([...attached].sort(), [...staying, ...arriving].sort());
    assert.deepEqual(attached.slice(0, 20), staying, 'the ones that stayed keep their place');
  });

  test('the same operator attached 30 times at once: attached once, version up by one', async () => {
    const serviceSid = await newService();
    const operatorSid = sid('LY');
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => attach(index, serviceSid, operatorSid)));
    assert.equal(count(outcomes, 'attached'), 1);
    assert.equal(count(outcomes, 'already-attached'), 29);
    assert.deepEqual(await state(serviceSid), { version: 2, attached: [operatorSid] });
  });

  test('12 concurrent distinct attaches against a limit of 5: exactly 5 attached', async () => {
    for (let round = 0; round < 5; round++) {
      const serviceSid = await newService();
      const operators = Array.from({ length: 12 }, () => sid('LY'));
      const outcomes = await Promise.all(operators.map((operatorSid, index) => attach(index, serviceSid, operatorSid, 5)));
      assert.equal(count(outcomes, 'attached'), 5, outcomes.join(' '));
      assert.equal(count(outcomes, 'limit-reached'), 7);
      const { version, attached } = await state(serviceSid);
      assert.equal(version, 6);
      assert.deepEqual([...attached].sort(), operators.filter((_, index) => outcomes[index] === 'attached').sort());
    }
  });
});

describe('conditional updates and unique names through several pools', () => {
  test('20 concurrent updates of a service expecting the same version: exactly one applies', async () => {
    const serviceSid = await newService();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        via(index).updateService(
          A,
          serviceSid,
          { ...service(serviceSid, A, serviceSid, 0), friendlyName: `racer ${index}` },
          1,
          T0 + index,
        ),
      ),
    );
    const winners = outcomes.filter((outcome) => outcome.status === 'updated');
    assert.equal(winners.length, 1);
    for (const outcome of outcomes) {
      if (outcome.status !== 'updated') assert.deepEqual(outcome, { status: 'version-mismatch', currentVersion: 2 });
    }
    assert.equal((await db.store.findServiceBySid(A, serviceSid))!.version, 2);
  });

  test('20 concurrent updates of a custom operator expecting the same version: exactly one applies', async () => {
    const operatorSid = await newCustomOperator();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        via(index).updateCustomOperator(A, operatorSid, { friendlyName: `racer ${index}`, configJson: '{}' }, 1, T0 + index),
      ),
    );
    assert.equal(outcomes.filter((outcome) => outcome.status === 'updated').length, 1);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'version-mismatch').length, 19);
  });

  test('20 concurrent creates with one UniqueName: exactly one inserted', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => via(index).insertService(service(sid('GA'), A, 'contested', T0 + index))),
    );
    assert.equal(count(outcomes, 'inserted'), 1);
    assert.equal(count(outcomes, 'unique-name-taken'), 19);
  });

  test('20 concurrent renames to one UniqueName: exactly one applies', async () => {
    const services = await Promise.all(Array.from({ length: 20 }, () => newService()));
    const outcomes = await Promise.all(
      services.map((serviceSid, index) =>
        via(index).updateService(A, serviceSid, service(serviceSid, A, 'renamed-to-this', 0), 1, T0 + index),
      ),
    );
    assert.equal(outcomes.filter((outcome) => outcome.status === 'updated').length, 1);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'unique-name-taken').length, 19);
  });
});

describe('deletes racing attaches through several pools', () => {
  test('deleting a custom operator while it is being attached never leaves an attachment to a deleted operator', async (t) => {
    const serviceSid = await newService();
    const seen = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const operatorSid = await newCustomOperator();
      const [attached, deleted] = await Promise.all([
        attach(round, serviceSid, operatorSid, 1000, true),
        via(round + 1).deleteCustomOperator(A, operatorSid),
      ]);
      seen.add(`${attached}/${deleted.status}`);
      if (attached === 'attached') {
        assert.deepEqual(deleted, { status: 'attached', serviceSids: [serviceSid] });
        assert.notEqual(await db.store.findCustomOperator(A, operatorSid), null);
      } else {
        assert.equal(attached, 'operator-not-found');
        assert.deepEqual(deleted, { status: 'deleted' });
      }
    }
    const client = new pg.Client({ connectionString: testDatabaseUrl(), options: `-c search_path=${db.schema}` });
    await client.connect();
    try {
      const orphans = await client.query(
        `SELECT so.operator_sid FROM service_operators so LEFT JOIN custom_operators co ON co.sid = so.operator_sid
         WHERE so.service_sid = $1 AND co.sid IS NULL`,
        [serviceSid],
      );
      assert.deepEqual(orphans.rows, []);
    } finally {
      await client.end();
    }
    const { version, attached } = await state(serviceSid);
    assert.equal(version, 1 + attached.length);
    t.diagnostic(`outcomes seen: ${[...seen].join(', ')}`);
  });

  test('deleting a service while operators are being attached leaves no attachments behind', async () => {
    for (let round = 0; round < 10; round++) {
      const serviceSid = await newService();
      const calls = Array.from({ length: 10 }, (_, index) => attach(index + round, serviceSid, sid('LY')));
      const deleted = via(round).deleteService(A, serviceSid);
      const outcomes = await Promise.all(calls);
      assert.equal(await deleted, true);
      for (const outcome of outcomes) assert.ok(outcome === 'attached' || outcome === 'service-not-found', outcome);
      assert.deepEqual((await db.store.attachedOperatorSids([serviceSid])).get(serviceSid), []);
    }
  });
});
