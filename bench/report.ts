// The benchmark's output: one line per workload, the targets with PASS/MISS, and a Markdown
// table for bench/README.md (the README keeps a summary).
import type { DataPlaneFigures } from './dataplane.js';
import type { SpeechFigures } from './speech.js';
import type { LoadResult } from './types.js';

export interface WorkloadResult extends LoadResult {
  name: string;
  /** Requests/s divided by the reference's, measured just before (the median round's). */
  ratio: number;
  /** Every round's ratio. */
  rounds?: number[];
  /**
   * For a scale workload: what it was compared with (the same workload on the small database, or
   * page 1), run in the same rounds right beside it, and every round's change from that (0.05: 5 %
   * faster). The target takes the median change.
   */
  comparedWith?: string;
  changes?: number[];
  /** The server's peak RSS during this workload, bytes (null without /proc). */
  peakRss: number | null;
  /**
   * CPU while the load ran (warm-up included), in cores: the server's, the load generator's, and
   * everything else's on the machine. A server below ~0.95 was not the bottleneck; `otherCpu`
   * above ~0.15 means someone else was using the machine, and the line deserves a repeat.
   */
  serverCpu: number;
  loadCpu: number;
  otherCpu: number;
}

export interface Target {
  label: string;
  measured: string;
  pass: boolean;
}

/** Cores others used during a workload above which its line is marked disturbed. */
export const DISTURBED = 0.15;

/** The figure for the Stoplight Prism mock on the same machine, for comparison. */
export const PRISM = { name: 'prism mock (issue figure)', rps: 900, p99: 72 };

const mb = (bytes: number | null) => (bytes === null ? '-' : `${(bytes / 1048576).toFixed(0)} MB`);
const ms = (value: number) => `${value.toFixed(2)} ms`;
const percent = (change: number) => `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;

/** The middle value (the lower middle of an even count). */
/** The median, NaN for no values. */
export const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;

export function workloadLine(result: WorkloadResult): string {
  return [
    result.name.padEnd(34),
    `${Math.round(result.rps).toString().padStart(6)} req/s`,
    `p50 ${ms(result.p50).padStart(9)}`,
    `p99 ${ms(result.p99).padStart(9)}`,
    `${result.ratio.toFixed(2).padStart(5)}× ref`,
    `non-2xx ${String(result.non2xx + result.errors + result.timeouts).padStart(4)}`,
    `rss ${mb(result.peakRss).padStart(7)}`,
    `cpu server ${result.serverCpu.toFixed(2)} load ${result.loadCpu.toFixed(2)} other ${result.otherCpu.toFixed(2)}`,
    result.otherCpu > DISTURBED ? '  (disturbed?)' : '',
    result.rounds !== undefined && result.rounds.length > 1 ? `rounds ${result.rounds.map((ratio) => ratio.toFixed(2)).join(' ')}` : '',
    result.changes !== undefined ? `vs ${result.comparedWith} ${result.changes.map(percent).join(' ')}` : '',
  ].join('  ');
}

export function targetLine(target: Target): string {
  return `${target.pass ? 'PASS' : 'MISS'}  ${target.label.padEnd(58)} ${target.measured}`;
}

/** Targets from the issue, evaluated over one run's results (looked up by workload name). */
export function evaluateTargets(
  results: Map<string, WorkloadResult>,
  extra: {
    at: string;
    page: number;
    coldStartMs: number | null;
    scaleRss: number | null;
    dataPlane?: DataPlaneFigures;
    speech?: SpeechFigures | null;
  },
): Target[] {
  const targets: Target[] = [];
  const at = extra.at;
  const get = (name: string) => results.get(name);
  const atLeast = (label: string, name: string, ratio: number) => {
    const result = get(name);
    if (result) targets.push({ label, measured: `${result.ratio.toFixed(2)}×`, pass: result.ratio >= ratio });
  };
  const p99AtMost = (label: string, name: string, limit: number) => {
    const result = get(name);
    if (result) targets.push({ label, measured: ms(result.p99), pass: result.p99 <= limit });
  };
  const near = (label: string, name: string) => {
    const result = get(name);
    if (result?.changes !== undefined) {
      // Each round ran the two back to back: the machine's drift between them is seconds, not minutes.
      const change = medianOf(result.changes);
      targets.push({ label, measured: `${percent(change)} (rounds ${result.changes.map(percent).join(', ')})`, pass: change >= -0.2 });
    }
  };

  atLeast('attach: req/s ≥ 0.6× reference', 'attach', 0.6);
  p99AtMost('attach: p99 ≤ 3 ms', 'attach', 3);
  atLeast('attach/detach: req/s ≥ 0.4× reference', 'attach/detach', 0.4);
  p99AtMost('attach/detach: p99 ≤ 5 ms', 'attach/detach', 5);
  atLeast('list service operators: req/s ≥ 0.5× reference', 'list service operators', 0.5);
  atLeast('list operators: req/s ≥ 0.5× reference', 'list operators', 0.5);
  for (const name of ['attach', 'attach/detach', 'list service operators', 'list operators']) {
    near(`${at}: ${name} within 20 % of small database`, `${name} ${at}`);
  }
  near(`${at}: services from page ${extra.page} within 20 % of from page 1`, `services from page ${extra.page} ${at}`);
  dataPlaneTargets(targets, results, extra.dataPlane ?? {}, extra.speech ?? null, { atLeast, p99AtMost, near });
  for (const name of ['list transcripts', 'list transcripts, filtered']) {
    near(`${at}: ${name} within 20 % of small database`, `${name} ${at}`);
  }
  if (extra.scaleRss !== null) {
    targets.push({ label: `${at}: server peak RSS ≤ 250 MB`, measured: mb(extra.scaleRss), pass: extra.scaleRss <= 250 * 1048576 });
  }
  if (extra.coldStartMs !== null) {
    targets.push({
      label: 'cold start on an existing database ≤ 500 ms',
      measured: ms(extra.coldStartMs),
      pass: extra.coldStartMs <= 500,
    });
  }
  return targets;
}

type Check = (label: string, name: string, limit: number) => void;

/** Issues 22–24: transcripts, sentences, operator results and webhooks. */
function dataPlaneTargets(
  targets: Target[],
  results: Map<string, WorkloadResult>,
  figures: DataPlaneFigures,
  speech: SpeechFigures | null,
  { atLeast, p99AtMost, near }: { atLeast: Check; p99AtMost: Check; near: (label: string, name: string) => void },
): void {
  const idle = results.get('data plane: attach, idle');
  const busy = results.get('data plane: attach while 2 transcripts process');
  if (idle && busy) {
    const share = busy.rps / idle.rps;
    targets.push({ label: 'attach while 2 transcripts process: ≥ 0.5× idle', measured: `${share.toFixed(2)}×`, pass: share >= 0.5 });
  }
  p99AtMost('attach while 2 transcripts process: p99 ≤ 5 ms', 'data plane: attach while 2 transcripts process', 5);
  if (figures.documentsPerSecond !== undefined) {
    targets.push({
      label: 'document transcripts (500 sentences): ≥ 50/s',
      measured: `${figures.documentsPerSecond.toFixed(1)}/s`,
      pass: figures.documentsPerSecond >= 50,
    });
  }
  if (figures.documentsWithOperatorsPerSecond !== undefined) {
    const rate = figures.documentsWithOperatorsPerSecond;
    targets.push({ label: 'document transcripts with 6 operators: ≥ 5/s', measured: `${rate.toFixed(1)}/s`, pass: rate >= 5 });
  }
  p99AtMost('sentences: page 1 of 1,000: p99 ≤ 20 ms', 'sentences: page 1 of 1,000, one connection', 20);
  p99AtMost('sentences: page 10 of 1,000: p99 ≤ 20 ms', 'sentences: page 10 of 1,000, one connection', 20);
  near('sentences: page 10 within 20 % of page 1', 'sentences: page 10 of 1,000, one connection');
  atLeast('operator results: req/s ≥ 0.5× reference', 'operator results: list', 0.5);
  if (figures.webhooks !== undefined) {
    const hooks = figures.webhooks;
    targets.push({
      label: '1,000 webhooks: every one delivered',
      measured: `${hooks.uniqueTokens} of ${hooks.transcripts} (${hooks.duplicateDeliveries} repeats)`,
      pass: hooks.uniqueTokens === hooks.transcripts,
    });
  }
  p99AtMost('attach while 1,000 webhooks go out: p99 ≤ 5 ms', 'data plane: attach while 1,000 webhooks go out', 5);
  if (speech !== null) {
    targets.push({
      label: 'pocketsphinx: real-time factor ≤ 0.25',
      measured: `${speech.realTimeFactor.toFixed(3)}× (${speech.audioSeconds.toFixed(1)} s of 8 kHz speech)`,
      pass: speech.realTimeFactor <= 0.25,
    });
  }
}

export function markdownTable(reference: WorkloadResult, results: WorkloadResult[]): string {
  const rows = [
    '| workload | req/s | p50 | p99 | × reference | non-2xx | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| ${PRISM.name} | ${PRISM.rps} | – | ${PRISM.p99} ms | ${(PRISM.rps / reference.rps).toFixed(2)} | – | – |`,
  ];
  for (const result of results) {
    rows.push(
      `| ${result.name} | ${Math.round(result.rps)} | ${ms(result.p50)} | ${ms(result.p99)} | ${result.ratio.toFixed(2)} | ` +
        `${result.non2xx + result.errors + result.timeouts} | ${mb(result.peakRss)} |`,
    );
  }
  return rows.join('\n');
}
