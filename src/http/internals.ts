// Every use of Node's and Fastify's internals, behind one door: each is checked once, when this
// module loads, against what the code below expects (package.json pins Fastify exactly); one that
// is missing or different is replaced by the public way of doing the same, and the app logs one
// warning naming it (warnOfMissingInternals).
import { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import fastifySymbols from 'fastify/lib/symbols.js';
import fastifyValidation from 'fastify/lib/validation.js';

/** A reply's headers as Fastify keeps them, by lower-case name. */
export type Headers = Record<string, string | number | string[] | undefined>;

/** What a validator compiler is given for one part of a route (the fields used here). */
export interface SchemaRoute {
  schema: unknown;
  method?: string;
  url?: string;
  httpPart?: string;
}

/** Direct access to a reply's headers object (Fastify's kReplyHeaders). */
export interface ReplyHeaders {
  of(reply: FastifyReply): Headers;
  replace(reply: FastifyReply, headers: Headers): void;
}

export interface Internals {
  /** The request class for Node's http server (undefined: Node's own). */
  readonly requestClass: typeof IncomingMessage | undefined;
  /** Direct access to reply headers (null: through reply.header()). */
  readonly replyHeaders: ReplyHeaders | null;
  /** The template of the route a request matched (undefined: no route matched). */
  readonly routeTemplateOf: (request: FastifyRequest) => string | undefined;
  /** Fastify's lowercasing of a header schema's property names (null: Fastify's own compilers, at start-up). */
  readonly lowerCaseHeaderNames: (<Route extends SchemaRoute>(route: Route) => Route) | null;
  /** The internals that were not as expected, named. */
  readonly missing: readonly string[];
}

/** The raw material, as found: tests pass other values to simulate another Node or Fastify. */
export interface Found {
  /** Node's IncomingMessage.prototype._dump. */
  dump: unknown;
  /** The default export of fastify/lib/symbols.js. */
  symbols: unknown;
  /** The default export of fastify/lib/validation.js. */
  validation: unknown;
}

/** The internals of the Node and Fastify this process runs. */
export function foundInternals(): Found {
  return {
    dump: (IncomingMessage.prototype as unknown as { _dump?: unknown })._dump,
    symbols: fastifySymbols,
    validation: fastifyValidation,
  };
}

/** Checks what was found and answers what the server may use. */
export function checkInternals(found: Found): Internals {
  const missing: string[] = [];
  const symbols = (found.symbols ?? {}) as Record<string, unknown>;
  const kReplyHeaders = symbolNamed(symbols.kReplyHeaders, 'fastify.reply.headers');
  const kRouteContext = symbolNamed(symbols.kRouteContext, 'fastify.context');
  const lowerCaseHeaderNames = headerNamesLowerCaser(found.validation);
  if (typeof found.dump !== 'function') missing.push("Node's IncomingMessage.prototype._dump");
  if (kReplyHeaders === null) missing.push("Fastify's kReplyHeaders symbol");
  if (kRouteContext === null) missing.push("Fastify's kRouteContext symbol");
  if (lowerCaseHeaderNames === null) missing.push("Fastify's compileSchemasForValidation (fastify/lib/validation.js)");
  return {
    requestClass: typeof found.dump === 'function' ? requestClassWith(found.dump as () => void) : undefined,
    replyHeaders: kReplyHeaders === null ? null : replyHeadersUnder(kReplyHeaders),
    routeTemplateOf:
      kRouteContext === null
        ? (request) => request.routeOptions.url
        : (request) => (request as unknown as Record<symbol, { config?: { url?: string } } | undefined>)[kRouteContext]?.config?.url,
    lowerCaseHeaderNames,
    missing,
  };
}

/** The internals of this process, checked once. */
export const internals: Internals = checkInternals(foundInternals());

const warned = new WeakSet<Internals>();

/** Logs, once for these internals, which of them are missing and so not used. */
export function warnOfMissingInternals(log: FastifyBaseLogger, checked: Internals): void {
  if (checked.missing.length === 0 || warned.has(checked)) return;
  warned.add(checked);
  log.warn(
    { missing: checked.missing },
    'Node or Fastify is not the version this server was built for; their public API is used instead (slower)',
  );
}

function symbolNamed(value: unknown, description: string): symbol | null {
  return typeof value === 'symbol' && value.description === description ? value : null;
}

/**
 * The server's request class. When a response finishes, Node drains a request nobody read; for one
 * whose whole message arrived with nothing unread (every GET) that is four next-tick callbacks for
 * nothing, so it is left as it is: its 'end' and 'close' never fire, which the server never awaits.
 */
function requestClassWith(nodeDump: () => void): typeof IncomingMessage {
  return class IncomingRequest extends IncomingMessage {
    _dump(): void {
      if (this.complete && this.readableLength === 0) return;
      nodeDump.call(this);
    }
  };
}

function replyHeadersUnder(kReplyHeaders: symbol): ReplyHeaders {
  return {
    // Fastify sets kReplyHeaders in the Reply constructor, so every reply has it.
    of: (reply) => (reply as unknown as Record<symbol, Headers>)[kReplyHeaders]!,
    replace: (reply, headers) => {
      (reply as unknown as Record<symbol, Headers>)[kReplyHeaders] = headers;
    },
  };
}

/**
 * Fastify lowercases the property names of header schemas (Node lowercases received names) only for
 * its own compiler; a compilersFactory must do it itself, with Fastify's code. Checked on a probe.
 */
function headerNamesLowerCaser(validation: unknown): Internals['lowerCaseHeaderNames'] {
  const compileSchemas = (validation as { compileSchemasForValidation?: unknown } | null)?.compileSchemasForValidation;
  if (typeof compileSchemas !== 'function') return null;
  const lowerCase = <Route extends SchemaRoute>(route: Route): Route => {
    let normalised = route;
    const context = { schema: { headers: route.schema }, config: { method: route.method, url: route.url } };
    (compileSchemas as (context: unknown, compile: (passed: Route) => void, isCustom: boolean) => void)(
      context,
      (passed) => {
        normalised = passed;
      },
      false,
    );
    return normalised;
  };
  try {
    const probe = lowerCase({
      schema: { type: 'object', properties: { 'If-Match': { type: 'string' } } },
      method: 'GET',
      url: '/',
      httpPart: 'headers',
    });
    const properties = (probe.schema as { properties?: Record<string, unknown> }).properties;
    return probe.httpPart === 'headers' && properties?.['if-match'] !== undefined && properties['If-Match'] === undefined
      ? lowerCase
      : null;
  } catch {
    return null;
  }
}
