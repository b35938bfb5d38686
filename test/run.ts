// `npm test`: every suite against SQLite, then the suites that depend on the store (HTTP, SDK,
// PostgreSQL, any *-store tests) against PostgreSQL. Fails when either run fails — and when
// PostgreSQL is unreachable, with a message saying how to start it (never a silent pass).
//   npm test                         both runs
//   npm test -- --store=sqlite       only the SQLite run (or --store=postgres)
//   npm test -- test/http/x.test.ts  only these files, in the runs they belong to
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPostgresReachable, dropStaleSchemas } from './helpers/postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONCURRENCY = '2';
/** Test schemas older than this are leftovers of killed runs (a run takes minutes). */
const STALE_SCHEMA_SECONDS = 6 * 3600;

function testFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

const args = process.argv.slice(2);
const storeArg = args.find((arg) => arg.startsWith('--store='))?.slice('--store='.length) ?? 'both';
if (!['both', 'sqlite', 'postgres'].includes(storeArg)) {
  process.stderr.write(`--store must be sqlite, postgres or both, got "${storeArg}"\n`);
  process.exit(2);
}
const named = args.filter((arg) => !arg.startsWith('--')).map((arg) => arg.replace(/^\.\//, ''));
const all = (named.length > 0 ? named : testFiles(join(root, 'test'))).sort();

const postgresOnly = (file: string) => file.startsWith('test/postgres/');
const storeSensitive = (file: string) => /^test\/(http|sdk|postgres)\//.test(file) || /-store(\/|\.test\.ts$)/.test(file);

function run(store: 'sqlite' | 'postgres', files: string[]): number {
  if (files.length === 0) return 0;
  process.stdout.write(`\n# ${files.length} test files against ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (TEST_STORE=${store})\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TEST_STORE: store },
  });
  return result.status ?? 1;
}

const outcomes: string[] = [];
let failed = false;

if (storeArg !== 'postgres') {
  const status = run(
    'sqlite',
    all.filter((file) => !postgresOnly(file)),
  );
  outcomes.push(`SQLite: ${status === 0 ? 'passed' : `FAILED (exit ${status})`}`);
  failed ||= status !== 0;
}

if (storeArg !== 'sqlite') {
  const files = all.filter(storeSensitive);
  let status: number;
  try {
    await assertPostgresReachable();
    await dropStaleSchemas(STALE_SCHEMA_SECONDS).catch(() => []);
    status = run('postgres', files);
  } catch (error) {
    process.stderr.write(`\n${(error as Error).message}\n`);
    status = 1;
  }
  outcomes.push(`PostgreSQL: ${status === 0 ? 'passed' : `FAILED (exit ${status})`}`);
  failed ||= status !== 0;
}

process.stdout.write(`\n# ${outcomes.join('; ')}\n`);
process.exit(failed ? 1 : 0);
