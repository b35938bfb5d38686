// Reading form bodies under one budget for the whole process. Fastify's own reader buffers each body
// up to BODY_LIMIT_BYTES, so 300 clients holding 1 MiB uploads open kept 300 MB off the heap, unseen
// by the heap guard. Here every buffered byte is counted: past MAX_BUFFERED_BODY_BYTES in total,
// the body that would go beyond it is refused with 503 20503 (the server is overloaded) at once.
import { errorCodes, type FastifyRequest } from 'fastify';
import { serviceUnavailable } from '../errors.js';

export class BodyBudget {
  /** Bytes of request bodies buffered right now, across all requests. */
  used = 0;

  /** @param maxBytes 0 = no budget. */
  constructor(readonly maxBytes: number) {}
}

type Done = (error: Error | null, body?: unknown) => void;

/** A content-type parser (Fastify's raw form: it gets the stream) that buffers the body under `budget`. */
export function budgetedBodyReader(budget: BodyBudget, defaultLimit: number, parse: (body: Buffer, done: Done) => void) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void => {
    const limit = request.routeOptions.bodyLimit ?? defaultLimit;
    const contentLength = Number(request.headers['content-length']);
    if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (error: Error | null) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      budget.used -= received;
      if (error !== null) return done(error);
      if (!Number.isNaN(contentLength) && received !== contentLength) return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      parse(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received), done);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      budget.used += chunk.length;
      if (received > limit) return stop(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      if (budget.maxBytes > 0 && budget.used > budget.maxBytes) {
        return stop(serviceUnavailable('The server is receiving too many request bodies at once; try again shortly'));
      }
      chunks.push(chunk);
    };
    const onEnd = () => stop(null);
    const onError = (error: Error & { statusCode?: number }) => {
      // A client that went away mid-body: a client error, as Fastify's own reader reports it.
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      stop(error);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  };
}
