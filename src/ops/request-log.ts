// The one line each request leaves in the log, put together as one string (pino's generic
// serialiser was costly per request) with pino's fields in pino's order — level, time, pid,
// hostname, reqId, ours, msg.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** A stream pino writes JSON lines to (a stream or our batched stdout). */
export interface LineDestination {
  write(line: string): unknown;
}

/** Logs one answered request; `route` is its route template (undefined: no route matched). */
export type RequestLogger = (request: FastifyRequest, status: number, route: string | undefined, durationMs: number) => void;

/** pino's number for info, and the levels at which info lines are written (LOG_LEVEL can only name pino's standard levels). */
const INFO = 30;
const INFO_ENABLED = new Set(['trace', 'debug', 'info']);

/** Where pino writes JSON lines, and the bindings it puts on every line (its `base`). */
export interface JsonLines {
  destination: LineDestination;
  base: Record<string, unknown>;
}

/** The line writer for `lines` (null: pino pretty-prints, so the fields go through it). */
export function requestLogger(logger: FastifyBaseLogger, lines: JsonLines | null): RequestLogger {
  if (lines === null) {
    // Pretty printing runs in pino's transport thread; it gets the fields as an object.
    return (request, status, route, durationMs) =>
      request.log.info(
        { account_sid: request.accountSid || undefined, method: request.method, route, status, duration_ms: durationMs },
        'request',
      );
  }
  const { destination } = lines;
  const bindings = JSON.stringify(lines.base).slice(1, -1);
  const afterTime = bindings === '' ? ',"reqId":"' : `,${bindings},"reqId":"`;
  // The line's start changes once a millisecond, not once a request: its text is kept for the millisecond.
  let startMs = -1;
  let start = '';
  /** `,"route":"…"`, `,"account_sid":"…"`, `,"method":"…"` by value: few values, each sent again and again. */
  const routeFields = new JsonFields('route');
  const accountFields = new JsonFields('account_sid');
  const methodFields = new JsonFields('method');
  return (request, status, route, durationMs) => {
    if (!INFO_ENABLED.has(logger.level)) return;
    const now = Date.now();
    if (now !== startMs) {
      startMs = now;
      start = `{"level":${INFO},"time":${now}${afterTime}`;
    }
    // The request id needs no escaping: it is ours (newRequestId: RQ and hex digits), never a client's.
    destination.write(
      `${start}${request.id}"${request.accountSid ? accountFields.of(request.accountSid) : ''}${methodFields.of(request.method)}` +
        `${route === undefined ? '' : routeFields.of(route)},"status":${status},"duration_ms":${durationMs},"msg":"request"}\n`,
    );
  };
}

/** `,"<name>":<the value's JSON>`, kept per value (at most MAX_KEPT: values a client chooses are not kept for ever). */
class JsonFields {
  private static readonly MAX_KEPT = 1000;
  private readonly kept = new Map<string, string>();

  constructor(private readonly name: string) {}

  of(value: string): string {
    let field = this.kept.get(value);
    if (field === undefined) {
      if (this.kept.size >= JsonFields.MAX_KEPT) this.kept.clear();
      this.kept.set(value, (field = `,"${this.name}":${JSON.stringify(value)}`));
    }
    return field;
  }
}

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
const LOG_METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * A request's logger (Fastify's `request.log`) that becomes pino's child logger when the request
 * first logs something besides its request line, which most never do: making the child at every
 * request cost nearly as much as writing a line. Its log methods (below the class) pass to the child.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class LazyRequestLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  /** pino's child logger, made now if it was not yet. */
  get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

// The log methods are set on the prototype just below; the merged interface declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
interface LazyRequestLogger extends Pick<FastifyBaseLogger, (typeof LOG_METHODS)[number]> {}

for (const method of LOG_METHODS) {
  LazyRequestLogger.prototype[method] = function (this: LazyRequestLogger, ...args: unknown[]) {
    // The cast is needed for the spread (the rule misses that).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    (this.real[method] as (...args: unknown[]) => void)(...args);
  };
}

/** Fastify's `childLoggerFactory`: request loggers made when first used. */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
