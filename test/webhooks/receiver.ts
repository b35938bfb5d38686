// A real HTTP receiver for webhook tests: records every request (method, path, headers, body) and
// answers as the test's script says; tests wait on the count of requests, never on time.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export interface Received {
  method: string;
  /** The URL as the receiver sees it (its own origin and the request's path). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Answer = (request: Received, index: number, response: ServerResponse) => void;

export interface Receiver {
  origin: string;
  received: Received[];
  /** Resolves once `count` requests have arrived; rejects after `withinMs`. */
  waitFor(count: number, withinMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer): Promise<Receiver> {
  const received: Received[] = [];
  const arrived = new EventEmitter();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { port } = server.address() as AddressInfo;
      const entry = {
        method: request.method ?? '',
        url: `http://127.0.0.1:${port}${request.url}`,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      answer(entry, received.length - 1, response);
      arrived.emit('request');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    waitFor(count, withinMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          arrived.off('request', check);
          resolve(received.slice());
        };
        const timer = setTimeout(() => {
          arrived.off('request', check);
          reject(new Error(`${received.length} of ${count} requests arrived within ${withinMs} ms`));
        }, withinMs);
        arrived.on('request', check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Checked with twilio-node's own validators only: validateRequestWithBody for POST, validateRequest for GET. */
export function signatureValid(authToken: string, request: Received): boolean {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string') return false;
  return request.method === 'POST'
    ? twilio.validateRequestWithBody(authToken, signature, request.url, request.body)
    : twilio.validateRequest(authToken, signature, request.url, {});
}
