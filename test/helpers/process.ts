// The real server as a child process (`src/main.ts serve`, or the built dist/main.js), for restart,
// crash and package tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A free port below the kernel's ephemeral range, which every listen(0) and outgoing connection
 * draws from: between the probe and a child's bind, a receiver or server that another test starts
 * meanwhile on port 0 cannot take it (and then answer the child's requests in its stead).
 */
export async function freePort(): Promise<number> {
  const ephemeralFrom = Number(readFileIfExists('/proc/sys/net/ipv4/ip_local_port_range')?.trim().split(/\s+/)[0] ?? 32768);
  const low = 10_000;
  const high = Math.max(low + 1000, Math.min(ephemeralFrom, 65536));
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    const probe = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) continue;
    probe.close();
    await once(probe, 'close');
    return port;
  }
}

function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** PostgreSQL servers refuse to start without SECRET_KEY: test processes on it get one unless the test sets its own. */
function postgresSecretKey(env: Record<string, string>): Record<string, string> {
  const url = env.DATABASE_URL ?? process.env.DATABASE_URL ?? '';
  return /^postgres(ql)?:/.test(url) && process.env.SECRET_KEY === undefined ? { SECRET_KEY: '5ec7e7'.padEnd(64, '0') } : {};
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** The output once it matches `pattern` (read as it arrives); rejects if the process's output ends first. */
  outputMatching(pattern: RegExp): Promise<string>;
  /** Sends the signal and waits for the process to exit; answers its exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Starts `main` (the sources through tsx unless told; a path runs as is) with `serve`. With
 * `readStdout: false` nobody reads its stdout (a log reader that stopped), and output() is stderr only.
 */
export async function startServerProcess(
  env: Record<string, string>,
  main = 'src/main.ts',
  { readStdout = true }: { readStdout?: boolean } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const entry = main.endsWith('.ts') ? ['--import', 'tsx', main] : [main];
  const child = spawn(process.execPath, [...entry, 'serve'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...postgresSecretKey(env), ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' comes after 'exit', once the process's stdout and stderr have been read to their end.
  const closed = new Promise<number | string | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  let output = '';
  const arrived = new EventEmitter();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    arrived.emit('data');
  };
  if (readStdout) child.stdout.on('data', append);
  child.stderr.on('data', append);
  void closed.then(() => arrived.emit('close'));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`);
    try {
      // Only this server answers with a request id; anything else on the port is not it.
      const response = await fetch(`${url}/v2/OperatorTypes`);
      if (response.headers.has('twilio-request-id')) break;
      throw new Error(`something else answers on port ${port}`);
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    child,
    output: () => output,
    outputMatching(pattern: RegExp) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          arrived.off('data', check).off('close', ended);
          resolve(output);
        };
        const ended = () => {
          arrived.off('data', check);
          if (pattern.test(output)) resolve(output);
          else reject(new Error(`the process's output ended without ${pattern}: ${output}`));
        };
        arrived.on('data', check).once('close', ended);
        check();
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      if (!readStdout) child.stdout.resume();
      return closed;
    },
  };
}

/** One form-encoded request to a server process, its JSON body parsed (undefined when empty). */
export async function callServer(
  base: string,
  authorization: string,
  method: string,
  path: string,
  form?: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
