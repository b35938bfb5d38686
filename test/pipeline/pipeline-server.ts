// A server process for crash-store.test.ts: the real start-up (startServer, as `serve` does) with
// the worker's lease, poll and owner from JOB_LEASE_MS, JOB_POLL_MS and JOB_OWNER; "ready" on stdout.
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

const server = await startServer(loadConfig(), {
  jobOptions: {
    owner: process.env.JOB_OWNER,
    leaseMs: Number(process.env.JOB_LEASE_MS ?? 30_000),
    pollMs: Number(process.env.JOB_POLL_MS ?? 1_000),
  },
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)));
}
process.stdout.write('ready\n');
