// Child processes for the benchmark: building dist/, starting servers pinned to one core, running the
// load generator pinned to the other, and reading a server's peak memory from /proc.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './types.js';

export const root = new URL('..', import.meta.url).pathname;

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const SERVER_CORE = '0';
export const LOAD_CORE = '1';
export const pinning = hasTaskset ? `server on core ${SERVER_CORE}, load on core ${LOAD_CORE} (taskset)` : 'no taskset: unpinned';

/** `taskset -c <core> <command…>` when taskset exists; taskset execs, so the pid is the command's. */
function pinned(core: string, command: string, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', core, command, ...args]] : [command, args];
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds dist/ when it is missing or older than src/. */
export function ensureBuilt(): void {
  const main = join(root, 'dist/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(root, 'src'))) return;
  process.stdout.write('building dist/ (npm run build)…\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
  /** The last few KB of stderr, for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `node <args>` on the server core with PORT/HOST set; stdout is discarded, or appended to the file BENCH_SERVER_STDOUT names. */
export async function startPinned(args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  const port = await freePort();
  const [command, argv] = pinned(SERVER_CORE, process.execPath, args);
  const stdout = process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, 'a') : 'ignore';
  const child = spawn(command, argv, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', stdout, 'pipe'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    stderr: () => errors,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One GET; resolves with the status, or null when the connection fails (not listening yet). */
function probe(url: string, headers: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => {
    const outgoing = request(url, { headers, agent: false }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => resolve(incoming.statusCode ?? null));
    });
    outgoing.on('error', () => resolve(null));
    outgoing.end();
  });
}

/** Polls `url` until it answers 2xx; returns the milliseconds since `since`. */
export async function waitForOk(
  child: Child,
  url: string,
  headers: Record<string, string>,
  since: number,
  timeoutMs = 30_000,
): Promise<number> {
  for (;;) {
    const status = await probe(url, headers);
    if (status !== null && status >= 200 && status < 300) return performance.now() - since;
    if (status !== null) throw new Error(`${url} answered ${status} while starting`);
    if (child.process.exitCode !== null) throw new Error(`server exited while starting:\n${child.stderr()}`);
    if (performance.now() - since > timeoutMs) throw new Error(`server did not answer within ${timeoutMs} ms:\n${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Starts the load generator on the load core and waits for its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const flags = (process.env.BENCH_LOAD_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
  // In a file: a walk through thousands of pages is longer than one command-line argument may be.
  const specDirectory = mkdtempSync(join(tmpdir(), 'intelligence-load-'));
  const specFile = join(specDirectory, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const [command, argv] = pinned(LOAD_CORE, process.execPath, [...flags, '--import', 'tsx', join(root, 'bench/load.ts'), specFile]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.once('exit', (code) => {
      rmSync(specDirectory, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`load generator failed (${code}): ${errors}`));
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch {
        reject(new Error(`load generator printed no result: ${out}${errors}`));
      }
    });
  });
}

function statusField(pid: number, field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds used so far: by process `pid`, or (no pid) by the whole machine, all cores. */
export function cpuSeconds(pid?: number): number {
  try {
    if (pid === undefined) {
      const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]!
        .trim()
        .split(/\s+/)
        .map(Number);
      return (user + nice + system + irq + softirq + steal) / clockTicks;
    }
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

/**
 * Waits (at most `maxMs`) for a second in which the whole machine used less than `cores` of CPU,
 * so that a measurement does not start in the middle of someone else's test run. Answers whether
 * it found one.
 */
export async function waitForQuiet(maxMs: number, cores = 0.1): Promise<boolean> {
  const until = performance.now() + maxMs;
  do {
    const before = cpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (!(cpuSeconds() - before >= cores)) return true;
  } while (performance.now() < until);
  return false;
}

/** Peak resident memory (VmHWM) in bytes, or null where /proc is not there. */
export const peakRss = (pid: number) => statusField(pid, 'VmHWM');

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next peakRss is this window's peak. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
