// The data plane's workloads (issues 22–24), on a server from dist/ with its job worker: document
// transcripts end to end (without operators, and with six deterministic ones), the API while
// transcripts process, a 10,000-sentence transcript's pages, operator results, and 1,000 webhooks
// to a local receiver. Media and the webhook receiver are served by this (orchestrating) process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Child } from './processes.js';
import type { WorkloadResult } from './report.js';
import type { RequestSpec } from './types.js';

export interface DataPlaneContext {
  auth: string;
  say(line: string): void;
  results: Map<string, WorkloadResult>;
  /** A server from dist/ on a fresh database in `directory`, with these extra variables. */
  startServer(env: Record<string, string>): Promise<Child>;
  measure(
    name: string,
    server: Child,
    requests: RequestSpec[][],
    options?: { baseline?: { name: string; server?: Child; requests: RequestSpec[][] }; connections?: number },
  ): Promise<void>;
  /** Measures a bare node:http server answering `path` with a fixed body of `bytes` (what the wire allows). */
  sameSizeReference(name: string, bytes: number, path: string, connections?: number): Promise<void>;
  /** BENCH_ONLY: only the workloads it matches run. */
  only: RegExp | null;
}

/** Figures that are not load runs: transcripts per second, webhook counts. */
export interface DataPlaneFigures {
  documentsPerSecond?: number;
  documentsWithOperatorsPerSecond?: number;
  webhooks?: { transcripts: number; delivered: number; uniqueTokens: number; duplicateDeliveries: number; seconds: number };
}

const SENTENCES = 500;
const LONG_SENTENCES = 10_000;
const WORDS = [
  'account',
  'billing',
  'refund',
  'please',
  'thank',
  'you',
  'order',
  'number',
  'the',
  'a',
  'today',
  'help',
  'card',
  'call',
  'manager',
  'great',
  'problem',
  'service',
];

/** A WebVTT call of `count` alternating sentences of ~13 words, the first an agent's introduction. */
export function callVtt(count: number): string {
  const lines = ['WEBVTT', ''];
  for (let i = 0; i < count; i++) {
    const start = i * 4;
    const words = Array.from({ length: 13 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]);
    const text = i === 0 ? 'Thank you for calling, my name is Anna, how can I help you today?' : words.join(' ') + '.';
    lines.push(`${stamp(start)} --> ${stamp(start + 3.5)}`, `<v ${i % 2 === 0 ? 'Agent' : 'Customer'}>${text}`, '');
  }
  return lines.join('\n');
}

const stamp = (seconds: number) => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
};

/** The Sentences API's own shape, `count` sentences: a replayed document. */
export function sentencesJson(count: number): string {
  const sentences = Array.from({ length: count }, (_, i) => ({
    media_channel: (i % 2) + 1,
    start_time: (i * 3).toFixed(2),
    end_time: (i * 3 + 2.5).toFixed(2),
    transcript: `sentence ${i} ${WORDS[i % WORDS.length]} ${WORDS[(i * 5) % WORDS.length]} and some more words to read`,
    confidence: '0.9',
  }));
  return JSON.stringify({ sentences });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serves fixed documents by path. */
async function mediaServer(files: Record<string, { type: string; body: string }>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'content-length': Buffer.byteLength(file.body) }).end(file.body);
  });
  const url = await listen(server);
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Counts webhook deliveries and their idempotency tokens. */
async function webhookReceiver(): Promise<{ url: string; deliveries: number; tokens: Map<string, number>; close(): Promise<void> }> {
  const state = { deliveries: 0, tokens: new Map<string, number>() };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      state.deliveries++;
      const token = String(request.headers['i-twilio-idempotency-token'] ?? '');
      state.tokens.set(token, (state.tokens.get(token) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  const url = await listen(server);
  return {
    url,
    get deliveries() {
      return state.deliveries;
    },
    tokens: state.tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The size of one authenticated GET's body, bytes. */
async function bodyBytes(base: string, auth: string, path: string): Promise<number> {
  const response = await fetch(base + path, { headers: { authorization: auth } });
  return (await response.arrayBuffer()).byteLength;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function call<T = unknown>(base: string, auth: string, method: string, path: string, form?: Record<string, string>): Promise<T> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: auth, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const channel = (mediaUrl: string) =>
  JSON.stringify({
    media_properties: { media_url: mediaUrl },
    participants: [
      { channel_participant: 1, role: 'Agent' },
      { channel_participant: 2, role: 'Customer' },
    ],
  });

/** Creates a transcript of `mediaUrl` for the service; answers its SID. */
const createTranscript = async (base: string, auth: string, serviceSid: string, mediaUrl: string) =>
  (await call<{ sid: string }>(base, auth, 'POST', '/v2/Transcripts', { ServiceSid: serviceSid, Channel: channel(mediaUrl) })).sid;

/** Waits until every one of `sids` has settled; throws on a failed one. */
async function settled(base: string, auth: string, sids: string[], timeoutMs = 600_000): Promise<void> {
  const pending = new Set(sids);
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0) {
    for (const sid of [...pending]) {
      const transcript = await call<{ status: string }>(base, auth, 'GET', `/v2/Transcripts/${sid}`);
      if (transcript.status === 'failed') throw new Error(`transcript ${sid} failed during the benchmark`);
      if (transcript.status === 'completed') pending.delete(sid);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.size} transcripts still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Creates `count` transcripts at most `inFlight` at a time and answers transcripts per second, creation to completion. */
async function throughput(
  base: string,
  auth: string,
  serviceSid: string,
  mediaUrl: string,
  count: number,
  inFlight: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const sid = await createTranscript(base, auth, serviceSid, mediaUrl);
      await settled(base, auth, [sid]);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count / ((performance.now() - started) / 1000);
}

/** Keeps `inFlight` transcripts processing until stopped (the API measured meanwhile). */
function keepProcessing(base: string, auth: string, serviceSid: string, mediaUrl: string, inFlight: number): { stop(): Promise<number> } {
  let stopping = false;
  let done = 0;
  const worker = async () => {
    while (!stopping) {
      const sid = await createTranscript(base, auth, serviceSid, mediaUrl);
      await settled(base, auth, [sid]);
      done++;
    }
  };
  const workers = Promise.all(Array.from({ length: inFlight }, worker));
  return {
    async stop() {
      stopping = true;
      await workers;
      return done;
    },
  };
}

export async function runDataPlane(ctx: DataPlaneContext, figures: DataPlaneFigures): Promise<void> {
  const { auth } = ctx;
  const say = (line: string) => ctx.say(line);
  const only = ctx.only;
  const wanted = (name: string) => only === null || only.test(name);
  const media = await mediaServer({
    '/call.vtt': { type: 'text/vtt', body: callVtt(SENTENCES) },
    '/short.vtt': { type: 'text/vtt', body: callVtt(6) },
    '/long.json': { type: 'application/json', body: sentencesJson(LONG_SENTENCES) },
  });
  const receiver = await webhookReceiver();
  const server = await ctx.startServer({ OUTBOUND_ALLOWLIST: '127.0.0.1', TRANSCRIBER: 'none' });
  const base = server.url;
  try {
    const service = async (uniqueName: string, form: Record<string, string> = {}) =>
      (await call<{ sid: string }>(base, auth, 'POST', '/v2/Services', { UniqueName: uniqueName, ...form })).sid;
    const plain = await service('bench-documents');
    const analysed = await service('bench-six-operators');
    const hooked = await service('bench-webhooks', { WebhookUrl: `${receiver.url}/hook`, WebhookHttpMethod: 'POST' });

    const prebuilt = await call<{ operators: Array<{ sid: string; friendly_name: string; availability: string }> }>(
      base,
      auth,
      'GET',
      '/v2/Operators/PreBuilt?PageSize=100',
    );
    const named = (pattern: RegExp) => {
      const found = prebuilt.operators.find((operator) => pattern.test(operator.friendly_name) && operator.availability !== 'retired');
      if (found === undefined) throw new Error(`no pre-built operator matches ${pattern}`);
      return found.sid;
    };
    const spot = await call<{ sid: string }>(base, auth, 'POST', '/v2/Operators/Custom', {
      FriendlyName: 'bench refund spot',
      OperatorType: 'LiteralSpot',
      Config: JSON.stringify({ phrase_sets: [{ name: 'refund', phrases: ['refund', 'money back'], match: 'fuzzy' }] }),
    });
    const classify = await call<{ sid: string }>(base, auth, 'POST', '/v2/Operators/Custom', {
      FriendlyName: 'bench topic',
      OperatorType: 'LiteralClassification',
      Config: JSON.stringify({
        scope: 'conversation',
        classes: [
          { name: 'billing', phrases: ['billing', 'card'] },
          { name: 'orders', phrases: ['order number'] },
        ],
      }),
    });
    const six = [spot.sid, classify.sid, named(/sentiment/i), named(/entity/i), named(/agent intro/i), named(/voicemail/i)];
    for (const operator of six) await call(base, auth, 'POST', `/v2/Services/${analysed}/Operators/${operator}`);
    const attachOperator = named(/escalation/i);
    const attach = [[{ method: 'POST' as const, path: `/v2/Services/${plain}/Operators/${attachOperator}` }]];

    if (wanted('data plane: documents')) {
      await throughput(base, auth, plain, `${media.url}/call.vtt`, 10, 2);
      figures.documentsPerSecond = await throughput(base, auth, plain, `${media.url}/call.vtt`, 200, 4);
      say(`documents (${SENTENCES} sentences, no operators): ${figures.documentsPerSecond.toFixed(1)} transcripts/s end to end`);
      figures.documentsWithOperatorsPerSecond = await throughput(base, auth, analysed, `${media.url}/call.vtt`, 40, 2);
      say(
        `documents (${SENTENCES} sentences, six deterministic operators): ${figures.documentsWithOperatorsPerSecond.toFixed(1)} transcripts/s end to end`,
      );
    }

    if (wanted('data plane: attach')) {
      await ctx.measure('data plane: attach, idle', server, attach);
      const background = keepProcessing(base, auth, plain, `${media.url}/call.vtt`, 2);
      try {
        await ctx.measure('data plane: attach while 2 transcripts process', server, attach);
      } finally {
        say(`      ${await background.stop()} transcripts of ${SENTENCES} sentences completed during that workload`);
      }
    }

    if (wanted('sentences')) {
      const long = await createTranscript(base, auth, plain, `${media.url}/long.json`);
      await settled(base, auth, [long]);
      let path = `/v2/Transcripts/${long}/Sentences?PageSize=1000`;
      const pages: string[] = [];
      for (let page = 0; page < 10; page++) {
        pages.push(path);
        const body = await call<{ meta: { next_page_url: string | null } }>(base, auth, 'GET', path);
        if (body.meta.next_page_url === null) break;
        const next = new URL(body.meta.next_page_url);
        path = next.pathname + next.search;
      }
      const first = [[{ method: 'GET' as const, path: pages[0]! }]];
      const last = [[{ method: 'GET' as const, path: pages[pages.length - 1]! }]];
      // A page's latency as one client paging through sees it (one connection); then the pages' throughput.
      await ctx.measure('sentences: page 1 of 1,000, one connection', server, first, { connections: 1 });
      await ctx.measure('sentences: page 10 of 1,000, one connection', server, last, {
        baseline: { name: 'page 1', server, requests: first },
        connections: 1,
      });
      await ctx.measure('sentences: page 1 of 1,000, 32 connections', server, first);
      const bytes = await bodyBytes(base, auth, pages[0]!);
      await ctx.sameSizeReference(`reference: node:http ${kb(bytes)} body, one connection`, bytes, pages[0]!, 1);
    }

    if (wanted('operator results')) {
      const one = await createTranscript(base, auth, analysed, `${media.url}/call.vtt`);
      await settled(base, auth, [one]);
      const path = `/v2/Transcripts/${one}/OperatorResults`;
      await ctx.measure('operator results: list', server, [[{ method: 'GET', path }]]);
      const bytes = await bodyBytes(base, auth, path);
      await ctx.sameSizeReference(`reference: node:http ${kb(bytes)} body (operator results' size)`, bytes, path);
    }

    if (wanted('webhooks')) {
      const count = 1_000;
      const started = performance.now();
      const sids: string[] = [];
      const creating = (async () => {
        for (let i = 0; i < count; i++) sids.push(await createTranscript(base, auth, hooked, `${media.url}/short.vtt`));
      })();
      await ctx.measure('data plane: attach while 1,000 webhooks go out', server, attach);
      await creating;
      await settled(base, auth, sids);
      const deadline = Date.now() + 120_000;
      while (receiver.tokens.size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const duplicates = [...receiver.tokens.values()].reduce((sum, n) => sum + n - 1, 0);
      figures.webhooks = {
        transcripts: count,
        delivered: receiver.deliveries,
        uniqueTokens: receiver.tokens.size,
        duplicateDeliveries: duplicates,
        seconds: (performance.now() - started) / 1000,
      };
      say(
        `webhooks: ${count} transcripts, ${receiver.tokens.size} distinct idempotency tokens received, ${duplicates} repeated deliveries, in ${figures.webhooks.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await server.stop();
    await media.close();
    await receiver.close();
  }
}
