// `npm run bench`: the reference (bare node:http, and a bare Fastify route for comparison), then this
// server on a fresh SQLite database seeded through the API, then the same server on 1,000,000
// services and attachments seeded directly. Every server runs from dist/ on one core; autocannon
// runs in its own process on the other. Prints one line per workload, the targets, and writes JSON
// to bench/results/.
// The machine is shared and its speed drifts by tens of percent within minutes, so every workload
// is measured in rounds, each right after a run of the reference (which keeps running throughout):
// a workload's ratio is the median of its rounds' ratios, each to the reference run just before it,
// and its line is that median round. A scale workload runs in the same rounds as what it is
// compared with (the same workload on a copy of the small database, served beside it; or page 1),
// and its target takes the median of the rounds' changes.
// Knobs: BENCH_ROUNDS (default 3), BENCH_SECONDS, BENCH_WARMUP (per run), BENCH_CONNECTIONS,
// BENCH_SCALE_ROWS (0 skips the scale phase), BENCH_LOG_LEVEL (the server's LOG_LEVEL, default info
// as shipped), BENCH_SERVER_FLAGS (extra node flags for the server, e.g. --cpu-prof
// --cpu-prof-dir=/tmp/prof), BENCH_LOAD_FLAGS (the same for the load generator), BENCH_ONLY (a
// regular expression: only the workloads it matches run, besides the reference), BENCH_QUIET_WAIT
// (seconds to wait for an idle machine before each workload, default 20), BENCH_SERVER_ENTRY (the
// server's entry file, default dist/main.js: another build's, for an A/B comparison),
// BENCH_SERVER_STDOUT (a file the servers' stdout is appended to, e.g. with BENCH_SERVER_FLAGS=--trace-gc).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cpuSeconds,
  ensureBuilt,
  pinning,
  peakRss,
  resetPeakRss,
  root,
  runLoad,
  startPinned,
  waitForOk,
  waitForQuiet,
  type Child,
} from './processes.js';
import { evaluateTargets, markdownTable, medianOf, PRISM, targetLine, workloadLine, type WorkloadResult } from './report.js';
import { runDataPlane, type DataPlaneFigures } from './dataplane.js';
import { measureSpeech, type SpeechFigures } from './speech.js';
import { seedDirectly, seedThroughApi, seedTranscripts, type SmallSeed } from './seed.js';
import type { RequestSpec } from './types.js';

const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const ROUNDS = Math.max(1, number('BENCH_ROUNDS', 3));
const SECONDS = number('BENCH_SECONDS', 4);
const WARMUP = number('BENCH_WARMUP', 1);
const CONNECTIONS = number('BENCH_CONNECTIONS', 32);
const SCALE_ROWS = number('BENCH_SCALE_ROWS', 1_000_000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'info';
const SERVER_FLAGS = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
/** The server to measure (BENCH_SERVER_ENTRY, e.g. another build's dist/main.js for an A/B run). */
const SERVER_ENTRY = process.env.BENCH_SERVER_ENTRY || 'dist/main.js';
/** How long to wait for the machine to be idle before each workload (it is shared). */
const QUIET_WAIT_MS = number('BENCH_QUIET_WAIT', 20) * 1000;
const PAGE_SIZE = 50;
/** Page 10,000 of 50 on 1,000,000 rows: the middle of the table (smaller scale runs use their middle). */
const PAGE = Math.min(10_000, Math.floor(SCALE_ROWS / PAGE_SIZE / 2));
/**
 * Pages in each walk: 4,000 pages are 200,000 rows, far more than the read cache keeps of one list,
 * so with the connections spread along the walk a page comes round again only after the cache was
 * emptied.
 */
const WALK = Math.min(4_000, PAGE);
/** Transcripts in the small database (a first week's); the large one adds SCALE_ROWS from the year before. */
const SMALL_TRANSCRIPTS = 1_000;
const DAY_MS = 86_400_000;
/** How the scale workloads are named: "@1M" for 1,000,000 rows. */
const AT = '@' + (SCALE_ROWS >= 1e6 ? `${SCALE_ROWS / 1e6}M` : `${Math.round(SCALE_ROWS / 1e3)}k`);

const ACCOUNT_SID = 'AC' + 'be7c4'.padEnd(32, '0');
const AUTH_TOKEN = 'benchmark-auth-token-0123456789';
const auth = 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');

const say = (line: string) => process.stdout.write(line + '\n');
const results = new Map<string, WorkloadResult>();
const REFERENCE = 'reference: node:http fixed 202';
/** The reference server (running from the start to the end) and its request. */
let referenceRun: { server: Child; requests: RequestSpec[][] } | null = null;

/** One load run against `server`, with the CPU each party used meanwhile. */
async function loadOnce(
  name: string,
  server: Child,
  requests: RequestSpec[][],
  connections = CONNECTIONS,
): Promise<Omit<WorkloadResult, 'ratio'>> {
  resetPeakRss(server.pid);
  const [machineBefore, serverBefore, startedAt] = [cpuSeconds(), cpuSeconds(server.pid), performance.now()];
  const load = await runLoad({
    name,
    url: server.url,
    connections,
    warmupSeconds: WARMUP,
    seconds: SECONDS,
    headers: { authorization: auth },
    requests,
    staggered: staggeredWalks.has(requests),
  });
  if (server.process.exitCode !== null) throw new Error(`server exited during ${name}:\n${server.stderr()}`);
  const wall = (performance.now() - startedAt) / 1000;
  const serverCpu = (cpuSeconds(server.pid) - serverBefore) / wall;
  const loadCpu = load.cpuSeconds / wall;
  const otherCpu = Math.max(0, (cpuSeconds() - machineBefore) / wall - serverCpu - loadCpu);
  return { name, ...load, peakRss: peakRss(server.pid), serverCpu, loadCpu, otherCpu };
}

/** What a scale workload is compared with: run in the same rounds, so that both see the same machine. */
interface Baseline {
  /** How the line names it ("small database", "page 1"). */
  name: string;
  /** Absent when each round starts its own servers (`fresh`). */
  server?: Child;
  requests: RequestSpec[][];
}

/**
 * Two servers started afresh, the workload's and its baseline's; `workloadFirst` says which starts
 * first. On this machine, of two identical servers the one started first answered ~10 % slower
 * (same database too), so a comparison runs both orders and takes their mean.
 */
type FreshPair = (workloadFirst: boolean) => Promise<{ server: Child; baseline: Child }>;

/**
 * Measures a workload in ROUNDS rounds, each a run of the reference and then one of the workload,
 * and prints the round with the median ratio (the reference's own line: its median run). With a
 * baseline, each round also runs the baseline right beside the workload (first before it, then
 * after it, in turn) and records the workload's change from it.
 */
async function measure(
  name: string,
  server: Child,
  requests: RequestSpec[][],
  {
    always = false,
    baseline,
    fresh,
    connections = CONNECTIONS,
  }: { always?: boolean; baseline?: Baseline; fresh?: FreshPair; connections?: number } = {},
): Promise<void> {
  if (!always && ONLY !== null && results.has(REFERENCE) && !ONLY.test(name)) return;
  await waitForQuiet(QUIET_WAIT_MS);
  const rounds: WorkloadResult[] = [];
  const changes: number[] = [];
  /** One run of the reference, the workload and (before or after it) its baseline; answers the change. */
  const runRound = async (workloadServer: Child, baselineServer: Child | undefined, baselineFirst: boolean) => {
    const runBaseline = async () =>
      baseline === undefined ? null : loadOnce(`${name} (${baseline.name})`, baselineServer!, baseline.requests, connections);
    const before = await loadOnce(REFERENCE, referenceRun!.server, referenceRun!.requests);
    const baselineBefore = baselineFirst ? await runBaseline() : null;
    const run = workloadServer === referenceRun!.server ? before : await loadOnce(name, workloadServer, requests, connections);
    const baselineRun = baselineFirst ? baselineBefore : await runBaseline();
    rounds.push({ ...run, ratio: run.rps / before.rps });
    return baselineRun === null ? null : run.rps / baselineRun.rps;
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (fresh === undefined) {
      const change = await runRound(server, baseline?.server, round % 2 === 0);
      if (change !== null) changes.push(change - 1);
      continue;
    }
    // Both start orders, each on a fresh pair; the round's change is their geometric mean.
    const both: number[] = [];
    for (const workloadFirst of [round % 2 === 0, round % 2 !== 0]) {
      const pair = await fresh(workloadFirst);
      try {
        both.push((await runRound(pair.server, pair.baseline, workloadFirst))!);
      } finally {
        await pair.server.stop();
        await pair.baseline.stop();
      }
    }
    changes.push(Math.sqrt(both[0]! * both[1]!) - 1);
  }
  const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
  const median = byRatio[Math.floor((byRatio.length - 1) / 2)];
  if (median === undefined) throw new Error(`${name}: no rounds were measured`);
  const peaks = rounds.map((round) => round.peakRss).filter((peak): peak is number => peak !== null);
  const result: WorkloadResult = {
    ...median,
    peakRss: peaks.length > 0 ? Math.max(...peaks) : null,
    rounds: rounds.map((round) => round.ratio),
    ...(baseline === undefined ? {} : { comparedWith: baseline.name, changes }),
  };
  results.set(name, result);
  say(workloadLine(result));
  if (result.non2xx + result.errors + result.timeouts > 0) {
    say(`      statuses ${JSON.stringify(result.statuses)}, connection errors ${result.errors}, timeouts ${result.timeouts}`);
  }
}

/** Every connection cycles the same one request. */
const same = (request: RequestSpec): RequestSpec[][] => [[request]];

/** Requests every connection cycles through, each starting at its own place (see LoadSpec.staggered). */
const staggeredWalks = new WeakSet<RequestSpec[][]>();
const staggeredWalk = (requests: RequestSpec[]): RequestSpec[][] => {
  const walk = [requests];
  staggeredWalks.add(walk);
  return walk;
};

/** The workloads run on both database sizes. */
function serverWorkloads(seed: SmallSeed): Array<[string, RequestSpec[][]]> {
  return [
    ['attach', same({ method: 'POST', path: `/v2/Services/${seed.attachService}/Operators/${seed.attachOperator}` })],
    [
      'attach/detach',
      seed.churnServices.map((service): RequestSpec[] => [
        { method: 'POST', path: `/v2/Services/${service}/Operators/${seed.churnOperator}` },
        { method: 'DELETE', path: `/v2/Services/${service}/Operators/${seed.churnOperator}` },
      ]),
    ],
    ['list service operators', same({ method: 'GET', path: `/v2/Services/${seed.listService}/Operators` })],
    ['list operators', same({ method: 'GET', path: `/v2/Operators?PageSize=${PAGE_SIZE}` })],
  ];
}

/** Starts this server from dist/ and answers how long until its first authenticated 200. */
async function startServer(databaseFile: string, env: Record<string, string> = {}): Promise<{ server: Child; readyMs: number }> {
  const since = performance.now();
  const server = await startPinned([...SERVER_FLAGS, SERVER_ENTRY, 'serve'], {
    DATABASE_URL: `sqlite:${databaseFile}`,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    LOG_LEVEL,
    ...env,
  });
  const readyMs = await waitForOk(server, `${server.url}/v2/Services?PageSize=1`, { authorization: auth }, since);
  return { server, readyMs };
}

/** The size of one authenticated GET's body, bytes. */
async function bodyBytes(url: string): Promise<number> {
  const response = await fetch(url, { headers: { authorization: auth } });
  return (await response.arrayBuffer()).byteLength;
}

async function main(): Promise<void> {
  ensureBuilt();
  const directory = mkdtempSync(join(tmpdir(), 'intelligence-bench-'));
  const databaseFile = join(directory, 'bench.db');
  const started = performance.now();
  const cpu = cpus();
  say(`intelligence-server benchmark — ${cpu.length}× ${cpu[0]?.model ?? 'cpu'}, node ${process.version}, ${pinning}`);
  say(
    `${CONNECTIONS} connections; per workload ${ROUNDS} rounds of (reference, workload), each run ${WARMUP} s warm-up + ${SECONDS} s measured; server LOG_LEVEL=${LOG_LEVEL}\n`,
  );

  const info: Record<string, unknown> = {};
  let coldStartMs: number | null = null;
  let scaleRss: number | null = null;
  let server: Child | null = null;
  const dataPlane: DataPlaneFigures = {};
  let speech: SpeechFigures | null = null;
  try {
    // The reference (what Node allows for a fixed answer to the same request), then bare Fastify.
    const fixed = same({ method: 'POST', path: `/v2/Services/GA${'0'.repeat(32)}/Operators/LY${'0'.repeat(32)}` });
    const startReference = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const since = performance.now();
      const started = await startPinned(['--import', 'tsx', 'bench/reference-server.ts', ...args], env);
      await waitForOk(started, started.url, {}, since);
      return started;
    };
    referenceRun = { server: await startReference([]), requests: fixed };
    await measure(REFERENCE, referenceRun.server, fixed);
    server = await startReference(['fastify']);
    await measure('reference: bare fastify route', server, fixed);
    await server.stop();

    // This server on a fresh database, seeded through the API.
    const small = await startServer(databaseFile);
    server = small.server;
    info.firstStartMs = small.readyMs;
    const seed = await seedThroughApi(server.url, auth, CONNECTIONS);
    const workloads = serverWorkloads(seed);
    for (const [name, requests] of workloads) await measure(name, server, requests);
    const listBytes = results.has('list operators') ? await bodyBytes(`${server.url}/v2/Operators?PageSize=${PAGE_SIZE}`) : 0;
    await server.stop();

    if (listBytes > 0) {
      // A page of 50 operators is ~100 times the reference's body: the same fixed body from bare
      // node:http shows how much of the reference's rate the wire and the load generator allow.
      server = await startReference([], { BODY_BYTES: String(listBytes) });
      const name = `reference: node:http ${(listBytes / 1024).toFixed(1)} KB body`;
      await measure(name, server, same({ method: 'GET', path: `/v2/Operators?PageSize=${PAGE_SIZE}` }), { always: true });
      await server.stop();
      const list = results.get('list operators')!;
      info.sameSizeReference = { bytes: listBytes, rps: results.get(name)!.rps };
      say(
        `      list operators reaches ${(list.ratio / results.get(name)!.ratio).toFixed(2)}× of a bare node:http server sending a body of the same size`,
      );
    }

    // The data plane, on a server of its own (its job worker processes transcripts meanwhile).
    const dataPlaneFile = join(directory, 'dataplane.db');
    await runDataPlane(
      {
        auth,
        say,
        results,
        only: ONLY,
        startServer: async (env) => (await startServer(dataPlaneFile, { MEDIA_DIR: join(directory, 'media'), ...env })).server,
        measure: (name, workloadServer, requests, options) => measure(name, workloadServer, requests, options),
        async sameSizeReference(name, bytes, path, connections) {
          const reference = await startReference([], { BODY_BYTES: String(bytes) });
          try {
            await measure(name, reference, same({ method: 'GET', path }), { always: true, connections });
          } finally {
            await reference.stop();
          }
        },
      },
      dataPlane,
    );
    if (ONLY === null || ONLY.test('speech')) speech = await measureSpeech(say);

    if (SCALE_ROWS > 0) {
      // The small database's transcripts: a first week's, spread over four of its services.
      const transcriptServices = [seed.listService, seed.attachService, ...seed.churnServices].slice(0, 4);
      const seededAtMs = Date.now();
      const weekStartMs = seededAtMs - 7 * DAY_MS;
      seedTranscripts(databaseFile, ACCOUNT_SID, transcriptServices, { rows: SMALL_TRANSCRIPTS, endMs: seededAtMs, days: 7 });
      // The small database as it is now, to measure beside the grown one (its server has stopped).
      const smallDatabaseFile = join(directory, 'small.db');
      copyFileSync(databaseFile, smallDatabaseFile);
      if (existsSync(`${databaseFile}-wal`)) copyFileSync(`${databaseFile}-wal`, `${smallDatabaseFile}-wal`);
      // The same database grown to SCALE_ROWS services and attachments, and SCALE_ROWS transcripts of the
      // year before that week, written directly.
      say(`\nseeding ${SCALE_ROWS.toLocaleString('en')} services and attachments…`);
      const operators = [seed.attachOperator, seed.churnOperator];
      const walks = [
        { from: 0, count: WALK },
        { from: PAGE, count: WALK },
      ];
      const large = seedDirectly(
        databaseFile,
        ACCOUNT_SID,
        operators,
        { rows: SCALE_ROWS, batch: 100_000, pageSize: PAGE_SIZE, walks },
        () => {},
      );
      info.seed = { rows: large.rows, seconds: large.seconds, databaseBytes: large.databaseBytes };
      say(`seeded in ${large.seconds.toFixed(1)} s; database ${(large.databaseBytes / 1048576).toFixed(0)} MB`);
      say(`seeding ${SCALE_ROWS.toLocaleString('en')} transcripts…`);
      const history = seedTranscripts(databaseFile, ACCOUNT_SID, transcriptServices, { rows: SCALE_ROWS, endMs: weekStartMs, days: 365 });
      const databaseBytes = statSync(databaseFile).size;
      info.transcriptSeed = { rows: history.rows, seconds: history.seconds, databaseBytes };
      say(`seeded in ${history.seconds.toFixed(1)} s; database ${(databaseBytes / 1048576).toFixed(0)} MB\n`);

      // Cold start on the existing (large) database: process start to first answered request.
      const starts: number[] = [];
      for (let i = 0; i < 3; i++) {
        await waitForQuiet(QUIET_WAIT_MS);
        const start = await startServer(databaseFile);
        starts.push(start.readyMs);
        server = start.server;
        if (i < 2) await server.stop();
      }
      coldStartMs = medianOf(starts);
      info.coldStartsMs = starts;
      say(
        `cold start on the ${SCALE_ROWS.toLocaleString('en')}-row database: ${starts.map((value) => value.toFixed(0)).join(', ')} ms (median ${coldStartMs.toFixed(0)})`,
      );

      // Each scale workload runs in the same rounds as its baseline: the same workload on the small
      // database, each round on two servers started afresh (in both orders); or page 1.
      const scaled = server;
      const freshPair: FreshPair = async (workloadFirst) => {
        const first = (await startServer(workloadFirst ? databaseFile : smallDatabaseFile)).server;
        const second = (await startServer(workloadFirst ? smallDatabaseFile : databaseFile)).server;
        return workloadFirst ? { server: first, baseline: second } : { server: second, baseline: first };
      };
      for (const [name, requests] of workloads) {
        await measure(`${name} ${AT}`, scaled, requests, { baseline: { name: 'small database', requests }, fresh: freshPair });
      }
      // Walks through many pages, so that the read cache cannot answer them: the database's seek is measured.
      const [fromFirst = [], fromMiddle = []] = large.walks.map((tokens, walk) =>
        staggeredWalk(
          tokens.map((token, index) => ({
            method: 'GET' as const,
            path: `/v2/Services?PageSize=${PAGE_SIZE}` + (token === null ? '' : `&Page=${walks[walk]!.from + index}&PageToken=${token}`),
          })),
        ),
      );
      // The first page of all transcripts, and of one service's completed ones since the week began
      // (the next whole second: no transcript of the year before it matches).
      const since = new Date(Math.ceil(weekStartMs / 1000) * 1000).toISOString().slice(0, 19) + 'Z';
      const transcriptLists: Array<[string, RequestSpec[][]]> = [
        ['list transcripts', same({ method: 'GET', path: '/v2/Transcripts' })],
        [
          'list transcripts, filtered',
          same({ method: 'GET', path: `/v2/Transcripts?ServiceSid=${seed.listService}&Status=completed&AfterDateCreated=${since}` }),
        ],
      ];
      for (const [name, requests] of transcriptLists) {
        await measure(`${name} ${AT}`, scaled, requests, { baseline: { name: 'small database', requests }, fresh: freshPair });
      }
      await measure(`services from page 1 ${AT}`, scaled, fromFirst);
      await measure(`services from page ${PAGE} ${AT}`, scaled, fromMiddle, {
        baseline: { name: 'from page 1', server: scaled, requests: fromFirst },
      });
      await scaled.stop();
      // Each workload's peak was reset before it ran, so the phase's peak is the largest of them.
      const peaks = [...results.values()].filter((result) => result.name.endsWith(AT) && result.peakRss !== null);
      if (peaks.length > 0) scaleRss = Math.max(...peaks.map((result) => result.peakRss!));
    }
  } finally {
    await server?.stop();
    await referenceRun?.server.stop();
    rmSync(directory, { recursive: true, force: true });
  }

  const targets = evaluateTargets(results, { at: AT, page: PAGE, coldStartMs, scaleRss, dataPlane, speech });
  say('\ntargets');
  for (const target of targets) say(targetLine(target));
  const reference = results.values().next().value as WorkloadResult;
  const ours = [...results.values()];
  say(`\n${markdownTable(reference, ours)}`);

  const resultsDirectory = join(root, 'bench/results');
  mkdirSync(resultsDirectory, { recursive: true });
  const file = join(resultsDirectory, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpu.length, model: cpu[0]?.model, node: process.version, pinning },
    settings: {
      rounds: ROUNDS,
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      scaleRows: SCALE_ROWS,
      logLevel: LOG_LEVEL,
      serverFlags: SERVER_FLAGS,
    },
    prism: PRISM,
    workloads: ours,
    coldStartMs,
    scalePeakRss: scaleRss,
    dataPlane,
    speech,
    ...info,
    targets,
    totalSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  say(
    `\nwrote ${file.slice(root.length)} in ${report.totalSeconds.toFixed(0)} s; ${targets.filter((target) => !target.pass).length} of ${targets.length} targets missed`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
