// Connections are file descriptors: past the process's open-file limit, accept() fails, and so does
// everything else that needs a descriptor (the audit's 10,000 idle connections per client ended the
// process). So the server holds at most `maxConnections` (by default the open-file limit less a
// reserve for the database, logs and the runtime), at most `perClient` from one address, and
// refused connections are closed at once and counted in one warning a second.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

export interface ConnectionLimits {
  /** Connections held at most; null: the open-file limit less FD_RESERVE. */
  maxConnections: number | null;
  /** Connections from one client address at most; 0 = no limit. */
  perClient: number;
}

/** Descriptors kept for everything but client connections: database files and pool, logs, the runtime's own. */
const FD_RESERVE = 128;
const FALLBACK_MAX_CONNECTIONS = 10_000;

/** The soft open-file limit (Linux /proc), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    return soft === undefined || soft === 'unlimited' ? null : Number(soft);
  } catch {
    return null;
  }
}

export function defaultMaxConnections(): number {
  const limit = openFileLimit();
  return limit === null ? FALLBACK_MAX_CONNECTIONS : Math.max(16, limit - FD_RESERVE);
}

const ACCEPT_FAILURES = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'ECONNABORTED']);

export function limitConnections(server: Server, limits: ConnectionLimits, logger: FastifyBaseLogger): void {
  server.maxConnections = limits.maxConnections ?? defaultMaxConnections();
  const refused = { overMax: 0, overPerClient: 0, acceptFailed: 0 };
  let report: NodeJS.Timeout | null = null;
  const count = (kind: keyof typeof refused) => {
    refused[kind]++;
    report ??= setTimeout(() => {
      report = null;
      logger.warn(
        { ...refused, max_connections: server.maxConnections, max_per_client: limits.perClient },
        'connections refused in the last second',
      );
      refused.overMax = refused.overPerClient = refused.acceptFailed = 0;
    }, 1000);
    report.unref();
  };
  // Node closes a connection past maxConnections itself, and says so here.
  server.on('drop', () => count('overMax'));
  // A failed accept (out of descriptors, say) is reported on the server: without a listener it
  // would be an uncaught exception. Listen errors (EADDRINUSE) are the caller's, before 'listening'.
  server.once('listening', () =>
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== undefined && ACCEPT_FAILURES.has(error.code)) count('acceptFailed');
      else logger.error({ err: error }, 'server error');
    }),
  );
  if (limits.perClient > 0) {
    const perAddress = new Map<string, number>();
    server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? '';
      const held = perAddress.get(address) ?? 0;
      if (held >= limits.perClient) {
        count('overPerClient');
        socket.destroy();
        return;
      }
      perAddress.set(address, held + 1);
      socket.once('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left === 0) perAddress.delete(address);
        else perAddress.set(address, left);
      });
    });
  }
}

/**
 * Node's timeouts for a request (REQUEST_TIMEOUT_MS): the headers and the whole request must arrive
 * within it. Node checks them every connectionsCheckingInterval (30 s by default, which let an idle
 * connection stay 60 to 90 s): a tenth of the timeout, within 50 ms to 1 s, holds it closely.
 */
export function requestTimeouts(timeoutMs: number): {
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval?: number;
} {
  if (timeoutMs === 0) return { requestTimeout: 0, headersTimeout: 0 };
  return {
    requestTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.round(timeoutMs / 10))),
  };
}
