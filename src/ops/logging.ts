// Logger options: one JSON line per event (pino), or human-readable lines when stdout is a
// terminal and the optional pino-pretty is installed. Pretty printing runs in pino's transport
// worker thread, so the request path never formats text. JSON lines are written once per turn of
// the event loop (log-destination.ts).
import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { batchedStdout } from './log-destination.js';
import type { JsonLines, LineDestination } from './request-log.js';

const require = createRequire(import.meta.url);
/** The levels at which the destination's warning about dropped lines is written. */
const WARN_ENABLED = new Set(['trace', 'debug', 'info', 'warn']);

function prettyPrinter(): string | null {
  try {
    return require.resolve('pino-pretty');
  } catch {
    return null;
  }
}

export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
  logStream?: NodeJS.WritableStream,
  terminal: boolean = process.stdout.isTTY === true,
): FastifyServerOptions['logger'] {
  // `base` is pino's default, spelled out: the request line (request-log.ts) writes the same bindings.
  const base = { level: config.logLevel, redact: ['req.headers.authorization'], base: { pid: process.pid, hostname: hostname() } };
  if (logStream !== undefined) return { ...base, stream: logStream };
  const pretty = terminal ? prettyPrinter() : null;
  if (pretty === null) {
    const stream = batchedStdout();
    stream.warnings = WARN_ENABLED.has(config.logLevel);
    return { ...base, stream };
  }
  return {
    ...base,
    transport: {
      target: pretty,
      options: {
        colorize: true,
        translateTime: 'SYS:HH:MM:ss.l',
        singleLine: true,
        // Request lines read `request GET /v2/Services/:Sid 200 1.2 ms {"reqId": …, "account_sid": …}`.
        messageFormat: '{msg}{if method} {method} {route} {status} {duration_ms} ms{end}',
        ignore: 'pid,hostname,method,route,status,duration_ms',
      },
    },
  };
}

/** Where JSON lines go under these options and the bindings on each, or null when pino pretty-prints. */
export function jsonLines(options: FastifyServerOptions['logger']): JsonLines | null {
  const { stream, base } = (options ?? {}) as { stream?: LineDestination; base?: Record<string, unknown> };
  return stream === undefined ? null : { destination: stream, base: base ?? {} };
}
