// The package as a user gets it: built into a staging directory, packed with `npm pack`, and
// installed from the tarball with `npm install` into an empty project. The project's node_modules
// starts as a copy of the runtime dependencies this clone has installed (better-sqlite3 already
// built), so npm compiles nothing; it asks the npm registry only for metadata its cache lacks (a
// fresh machine's `npm ci` caches tarballs, not every package's metadata).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface InstalledPackage {
  /** The project the package is installed in (node_modules/intelligence-server, node_modules/.bin). */
  project: string;
  /** The staging directory the package was built and packed in (package.json, dist/, node_modules link). */
  staging: string;
  remove(): void;
}

/** The top-level packages of this clone's runtime dependency tree (what `npm ls --omit=dev` lists). */
async function runtimePackages(): Promise<string[]> {
  const listed = await run(npm, ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  return listed.stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => relative(root, path).split(sep).join('/'))
    .filter((path) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path));
}

/** Builds, packs and installs the package; `withTwilio` also links the twilio SDK into the project. */
export async function installPackedPackage(options: { withTwilio?: boolean } = {}): Promise<InstalledPackage> {
  const staging = mkdtempSync(join(tmpdir(), 'intelligence-staging-'));
  const project = mkdtempSync(join(tmpdir(), 'intelligence-project-'));
  const remove = () => {
    rmSync(staging, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  };
  try {
    for (const file of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(root, file), join(staging, file));
    symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
    await run(process.execPath, [join(root, 'scripts/build.mjs'), join(staging, 'dist')], { cwd: root });
    const packed = await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', project], { cwd: staging });
    const tarball = (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename;

    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-intelligence-server', version: '1.0.0', private: true }));
    for (const path of await runtimePackages()) cpSync(join(root, path), join(project, path), { recursive: true, verbatimSymlinks: true });
    await run(npm, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', `./${tarball}`], { cwd: project });
    if (!existsSync(join(project, 'node_modules/.bin/intelligence-server'))) throw new Error('npm install did not link the bin');
    // The SDK is what a user's project brings; its own dependencies resolve from this clone.
    if (options.withTwilio) symlinkSync(join(root, 'node_modules/twilio'), join(project, 'node_modules/twilio'), 'dir');
    return { project, staging, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** The live (not zombie) processes of process group `pgid`, from /proc (an orphan's zombie may linger here). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // it exited meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

/** A process group started with `spawn(…, { detached: true })`: signals it, and waits until none of it is left. */
export async function stopGroup(pgid: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
  if (groupMembers(pgid).length === 0) return;
  process.kill(-pgid, signal);
  // A grandchild's exit emits nothing here: look for the group, a bounded number of times.
  for (let waited = 0; groupMembers(pgid).length > 0; waited += 50) {
    if (waited > timeoutMs) {
      process.kill(-pgid, 'SIGKILL');
      throw new Error(`process group ${pgid} still ran ${timeoutMs} ms after ${signal}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Asks `url` until it answers 200 (a bounded number of times), or `child` exits first. */
export async function untilReady(url: string, child: ReturnType<typeof spawn>, output: () => string, timeoutMs = 30_000): Promise<void> {
  const exited = once(child, 'exit').then(() => {
    throw new Error(`exited (${child.exitCode ?? child.signalCode}) before ${url} answered: ${output()}`);
  });
  exited.catch(() => undefined);
  for (let waited = 0; ; waited += 100) {
    const status = await Promise.race([
      fetch(url).then(
        (response) => response.status,
        () => 0,
      ),
      exited,
    ]);
    if (status === 200) return;
    if (waited > timeoutMs) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
