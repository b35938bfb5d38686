// A server process with a test job handler, for crash-store.test.ts: the real start-up (startServer,
// as `serve` does) with 'test.effect' registered. Each run of the handler is recorded in test_runs;
// its effect, written once the work is done, in test_effects (no unique key: a second effect for a
// job would show). The tables are the test's. JOB_OWNER, JOB_LEASE_MS, JOB_POLL_MS and
// JOB_CONCURRENCY configure the worker; lines on stdout tell the test what happened.
import Database from 'better-sqlite3';
import pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import type { JobSettled } from '../../src/jobs/worker.js';
import { startServer } from '../../src/server.js';

interface EffectPayload {
  key: string;
  /** The first attempt never ends (the test kills the process during it). */
  hangFirst?: boolean;
  workMs?: number;
}

const url = process.env.DATABASE_URL!;
type Record = (sqliteSql: string, postgresSql: string, values: unknown[]) => Promise<void>;
let record: Record;
if (url.startsWith('sqlite:')) {
  const db = new Database(url.slice('sqlite:'.length));
  db.pragma('busy_timeout = 10000');
  record = async (sql, _postgresSql, values) => void db.prepare(sql).run(...values);
} else {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  record = async (_sqliteSql, sql, values) => void (await pool.query(sql, values));
}
const owner = process.env.JOB_OWNER!;

const server = await startServer(loadConfig(), {
  jobHandlers: {
    'test.effect': async (payload, { job }) => {
      const { key, hangFirst, workMs } = payload as EffectPayload;
      await record(
        'INSERT INTO test_runs (job_id, owner, attempt) VALUES (?, ?, ?)',
        'INSERT INTO test_runs (job_id, owner, attempt) VALUES ($1, $2, $3)',
        [job.id, owner, job.attempts],
      );
      process.stdout.write(`started ${job.id} ${job.attempts}\n`);
      if (hangFirst && job.attempts === 1) await new Promise(() => undefined);
      if (workMs !== undefined) await delay(workMs);
      await record(
        'INSERT INTO test_effects (job_key, job_id, owner) VALUES (?, ?, ?)',
        'INSERT INTO test_effects (job_key, job_id, owner) VALUES ($1, $2, $3)',
        [key, job.id, owner],
      );
    },
  },
  jobOptions: {
    owner,
    leaseMs: Number(process.env.JOB_LEASE_MS ?? 30_000),
    pollMs: Number(process.env.JOB_POLL_MS ?? 1_000),
    concurrency: Number(process.env.JOB_CONCURRENCY ?? 4),
  },
});
// The test's own jobs only: the server's background jobs (alert retention) settle here too.
server.jobs!.on('settled', (settled: JobSettled) => {
  if (settled.job.name === 'test.effect') process.stdout.write(`settled ${settled.job.id} ${settled.outcome}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
process.stdout.write('ready\n');
