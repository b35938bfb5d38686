// The job queue across processes, on TEST_STORE's backend, with real server processes
// (job-server.ts): a process killed with SIGKILL mid-job leaves it to another, which completes it
// once; 200 jobs shared by two processes are each done exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enqueue } from '../../src/jobs/queue.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { jobStore, type JobStore } from './stores.js';

const SERVER = 'test/jobs/job-server.ts';

/** Resolves once the process's output has a line matching `pattern`; rejects if it exits first. */
function line(server: ServerProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const found = server.output().match(pattern);
      if (found === null) return false;
      server.child.stdout!.off('data', onData);
      server.child.off('exit', onExit);
      resolve(found);
      return true;
    };
    const onData = () => void look();
    const onExit = () => {
      if (!look()) reject(new Error(`the process exited before printing ${pattern}: ${server.output()}`));
    };
    if (look()) return;
    server.child.stdout!.on('data', onData);
    server.child.once('exit', onExit);
  });
}

describe('jobs across processes', { timeout: 120_000 }, () => {
  let js: JobStore;
  const servers: ServerProcess[] = [];
  const start = async (owner: string, env: Record<string, string> = {}) => {
    // A named bootstrap account: a generated one would be written to a credentials file in the clone.
    const account = { TWILIO_ACCOUNT_SID: 'AC' + '7'.repeat(32), TWILIO_AUTH_TOKEN: 'jobs-test-auth-token' };
    const server = await startServerProcess({ DATABASE_URL: js.url, JOB_OWNER: owner, JOB_POLL_MS: '50', ...account, ...env }, SERVER);
    servers.push(server);
    await line(server, /^ready$/m);
    return server;
  };
  before(async () => {
    js = await jobStore();
    await js.sql('CREATE TABLE test_runs (job_id BIGINT NOT NULL, owner TEXT NOT NULL, attempt INTEGER NOT NULL)');
    await js.sql('CREATE TABLE test_effects (job_key TEXT NOT NULL, job_id BIGINT NOT NULL, owner TEXT NOT NULL)');
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await js.dispose();
  });

  test('a job whose process is killed mid-job is completed once, by the next process, after its lease expires', async () => {
    const first = await start('first', { JOB_LEASE_MS: '1500' });
    const id = await enqueue(js.store, 'test.effect', { key: 'crash', hangFirst: true });
    await line(first, new RegExp(`^started ${id} 1$`, 'm'));
    assert.equal(await first.stop('SIGKILL'), 'SIGKILL');
    const interrupted = await js.store.findJob(id);
    assert.deepEqual([interrupted?.state, interrupted?.leaseOwner, interrupted?.attempts], ['running', 'first', 1]);

    const second = await start('second', { JOB_LEASE_MS: '1500' });
    await line(second, new RegExp(`^settled ${id} done$`, 'm'));
    const job = await js.store.findJob(id);
    assert.deepEqual([job?.state, job?.attempts, job?.leaseOwner, job?.lastError], ['done', 2, null, null]);
    const runs = await js.sql('SELECT job_id, owner, attempt FROM test_runs ORDER BY attempt');
    assert.deepEqual(
      runs.map((run) => [Number(run.job_id), run.owner, Number(run.attempt)]),
      [
        [id, 'first', 1],
        [id, 'second', 2],
      ],
    );
    const effects = await js.sql(`SELECT owner FROM test_effects WHERE job_key = 'crash'`);
    assert.deepEqual(
      effects.map((effect) => effect.owner),
      ['second'],
      'the effect happened exactly once',
    );
    assert.equal(await second.stop('SIGTERM'), 0, 'the server drains and exits 0');
  });

  test('200 jobs on two processes are each done exactly once', async (t) => {
    const [one, two] = await Promise.all([start('one'), start('two')]);
    const count = 200;
    const ids = await js.store.transaction(async (tx) => {
      const made: number[] = [];
      for (let n = 0; n < count; n++) made.push(await enqueue(tx, 'test.effect', { key: `many-${n}`, workMs: 5 }));
      return made;
    });
    const doneIn = (server: ServerProcess) =>
      new Set([...server.output().matchAll(/^settled (\d+) done$/gm)].map((match) => Number(match[1])));
    // Each process prints a line per job it completes: wait until the two have printed them all.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (new Set([...doneIn(one), ...doneIn(two)]).size < count) return;
        one.child.stdout!.off('data', check);
        two.child.stdout!.off('data', check);
        resolve();
      };
      one.child.stdout!.on('data', check);
      two.child.stdout!.on('data', check);
      check();
    });
    const effects = await js.sql(`SELECT job_key, job_id, owner FROM test_effects WHERE job_key LIKE 'many-%'`);
    assert.equal(effects.length, count, 'one effect per job');
    assert.deepEqual(new Set(effects.map((effect) => Number(effect.job_id))), new Set(ids));
    const overlap = [...doneIn(one)].filter((id) => doneIn(two).has(id));
    assert.deepEqual(overlap, [], 'no job completed by both');
    for (const id of ids) assert.equal((await js.store.findJob(id))?.state, 'done');
    t.diagnostic(`jobs done by process one: ${doneIn(one).size}, by process two: ${doneIn(two).size}`);
    assert.deepEqual(await Promise.all([one.stop('SIGTERM'), two.stop('SIGTERM')]), [0, 0]);
  });
});
