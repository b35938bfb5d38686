// Podman on this machine, for the image test: no registry is reachable, so the Dockerfile's base,
// node:20-bookworm-slim, is made here (debootstrap's minbase Debian bookworm plus this machine's
// Node and npm in /usr/local, as in the official image) and imported under that name, and the
// build runs with --pull=never. Debian's podman runs as root with runc; CONTAINERS_CONF drops the
// default ulimits, which this machine refuses (crun refuses its hybrid cgroups).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_IMAGE = 'docker.io/library/node:20-bookworm-slim';
/** Kept between runs (outside the repository): the base's root file system as a tar, by its key. */
const CACHE_DIR = '/var/tmp/intelligence-server-container';
const BASE_LABEL = 'intelligence-server.test-base';
/** Changing how the base is made changes this, and so the key. */
const RECIPE = 'debootstrap --variant=minbase bookworm; node, npm, include/node in /usr/local; CA bundle; v2';
/**
 * This machine reaches the npm registry through a proxy with its own certificate authority, which
 * the official image would not know: the base trusts this machine's bundle (NODE_EXTRA_CA_CERTS).
 */
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const BASE_CA_BUNDLE = '/usr/local/share/host-ca-bundle.crt';

/** Why the container tests cannot run here (a tool missing, not root), or undefined when they can. */
export function podmanUnusable(tools = ['podman', 'runc', 'debootstrap']): string | undefined {
  const missing = tools.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    return `The container tests need ${missing.join(', ')}: apt-get install -y ${tools.join(' ')} (as .ci/run does)`;
  }
  if (process.getuid?.() !== 0) return 'The container tests run podman and debootstrap as root; run them as root (as CI does)';
  return undefined;
}

/** Fails with what to install when podman, runc or debootstrap is missing, or when not root. */
export function assertPodmanUsable(): void {
  const reason = podmanUnusable();
  if (reason !== undefined) throw new Error(reason);
}

/** The environment podman runs with (runc, no default ulimits), and the removal of its file. */
export function podmanEnv(): { env: NodeJS.ProcessEnv; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'intelligence-podman-'));
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n');
  // Docker's image format for every build, those podman-compose starts too: a build in another
  // format finds none of the layers cached by the others and starts over (minutes).
  const env = { ...process.env, CONTAINERS_CONF: conf, BUILDAH_FORMAT: 'docker', PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` };
  return { env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (asynchronously: the test's HTTP calls keep going meanwhile). */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      command,
      args,
      { env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolvePromise({ code, stdout, stderr: stderr + (error !== null && typeof error.code !== 'number' ? `\n${error.message}` : '') });
      },
    );
  });
}

/** Like run, but a non-zero exit throws with the command's output. */
export async function must(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await run(command, args, env, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
  }
  return result.stdout;
}

const caBundle = () => (existsSync(HOST_CA_BUNDLE) ? readFileSync(HOST_CA_BUNDLE, 'utf8') : '');

/** This machine's Node, npm and Node's headers (the layout of the official image's /usr/local). */
function localNode() {
  const prefix = resolve(dirname(process.execPath), '..');
  const npm = join(prefix, 'lib', 'node_modules', 'npm');
  const npmVersion = (JSON.parse(readFileSync(join(npm, 'package.json'), 'utf8')) as { version: string }).version;
  return { node: process.execPath, npm, include: join(prefix, 'include', 'node'), npmVersion };
}

/**
 * Makes BASE_IMAGE unless it is already the one made from the same recipe, Node and npm. The
 * debootstrap root is cached as a tar under CACHE_DIR, so a later run only imports it.
 */
export async function ensureBaseImage(env: NodeJS.ProcessEnv): Promise<{ key: string; made: 'kept' | 'imported' | 'built' }> {
  const node = localNode();
  const key = createHash('sha256')
    .update(JSON.stringify([RECIPE, process.version, node.npmVersion, caBundle()]))
    .digest('hex')
    .slice(0, 16);
  const label = await run('podman', ['image', 'inspect', '--format', `{{index .Labels "${BASE_LABEL}"}}`, BASE_IMAGE], env);
  if (label.code === 0 && label.stdout.trim() === key) return { key, made: 'kept' };

  const tar = join(CACHE_DIR, `node20-bookworm-slim-${key}.tar`);
  let made: 'imported' | 'built' = 'imported';
  if (!existsSync(tar)) {
    made = 'built';
    mkdirSync(CACHE_DIR, { recursive: true });
    const work = mkdtempSync(join(CACHE_DIR, 'work-'));
    try {
      const root = join(work, 'root');
      await must('debootstrap', ['--variant=minbase', 'bookworm', root, 'http://deb.debian.org/debian'], env, { timeoutMs: 15 * 60_000 });
      const local = join(root, 'usr', 'local');
      cpSync(node.node, join(local, 'bin', 'node'));
      cpSync(node.npm, join(local, 'lib', 'node_modules', 'npm'), { recursive: true, verbatimSymlinks: true });
      // Node's headers: better-sqlite3 is compiled against them in the build stage (no download).
      if (existsSync(node.include)) cpSync(node.include, join(local, 'include', 'node'), { recursive: true });
      symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin', 'npm'));
      symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin', 'npx'));
      // npm's built-in settings as the official image has them, not this machine's (nodedir, cafile).
      writeFileSync(join(local, 'lib', 'node_modules', 'npm', 'npmrc'), 'update-notifier=false\n');
      writeFileSync(join(root, BASE_CA_BUNDLE.slice(1)), caBundle());
      // As the official slim image: no package lists or downloaded packages left behind.
      for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
        await must('find', [join(root, dir), '-mindepth', '1', '-type', 'f', '-delete'], env);
      }
      await must('tar', ['-C', root, '-cf', `${tar}.partial`, '.'], env, { timeoutMs: 5 * 60_000 });
      renameSync(`${tar}.partial`, tar);
      // Bases made for another Node, npm or recipe are not used again.
      for (const stale of readdirSync(CACHE_DIR)) {
        if (stale.endsWith('.tar') && join(CACHE_DIR, stale) !== tar) rmSync(join(CACHE_DIR, stale), { force: true });
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  await must(
    'podman',
    [
      'import',
      '--change',
      `LABEL ${BASE_LABEL}=${key}`,
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      `ENV NODE_EXTRA_CA_CERTS=${BASE_CA_BUNDLE}`,
      '--change',
      'CMD ["node"]',
      tar,
      BASE_IMAGE,
    ],
    env,
    { timeoutMs: 5 * 60_000 },
  );
  return { key, made };
}

/**
 * Runs work holding an exclusive lock (flock(1) on a file under CACHE_DIR), so that test files
 * running at once make each image once; the kernel releases it if this process dies.
 */
export async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const lock = join(CACHE_DIR, `${name}.lock`);
  // The holder keeps the lock until its stdin closes: when work ends, or with this process.
  const holder = spawn('flock', ['--exclusive', lock, 'sh', '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolveExit) => holder.once('close', resolveExit));
  await new Promise<void>((resolveLocked, reject) => {
    holder.stdout.once('data', () => resolveLocked());
    holder.once('error', reject);
    void exited.then((code) => reject(new Error(`flock ${lock} exited ${code} without taking the lock`)));
  });
  try {
    return await work();
  } finally {
    holder.stdin.end();
    await exited;
  }
}

/**
 * Makes the base (ensureBaseImage) and builds the Dockerfile in root as tag, one test file at a
 * time: the first builds, the others find every layer cached.
 */
export function buildServerImage(
  env: NodeJS.ProcessEnv,
  root: string,
  tag: string,
): Promise<{ key: string; made: 'kept' | 'imported' | 'built' }> {
  return withLock('images', async () => {
    const base = await ensureBaseImage(env);
    await must('podman', ['build', '--pull=never', '--network=host', '--format', 'docker', '-t', tag, '.'], env, {
      cwd: root,
      timeoutMs: 20 * 60_000,
    });
    return base;
  });
}

/** Where compose.test.ts's stand-in for the official postgres image is built from. */
const POSTGRES_CONTEXT = fileURLToPath(new URL('./postgres', import.meta.url));

/** Builds test/container/postgres/Containerfile (Debian's PostgreSQL 15 on the base) as tag. */
export function buildPostgresImage(env: NodeJS.ProcessEnv, tag: string): Promise<void> {
  return withLock('images', async () => {
    await ensureBaseImage(env);
    await must('podman', ['build', '--pull=never', '--network=host', '-t', tag, '.'], env, {
      cwd: POSTGRES_CONTEXT,
      timeoutMs: 20 * 60_000,
    });
  });
}
