// Whole answers of the list routes, remembered by what they depend on — the account, the base URL
// and the URL as the client sent it — with the read generation they were made at (see
// readGeneration in store/read-cache.ts). While the generation is the same, nothing they were made
// from has changed, so an answer asked for again is sent at once: no read, no paging, no putting
// the page together, no promise. Where the store has no read cache (PostgreSQL) the generation is
// null and nothing is remembered.
// Not used for GET /v2/Services: a walk through many pages never asks for one again, and keeping
// them raised peak memory.
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { JSON_CONTENT_TYPE } from './page-json.js';

/** The store's read generation: a number that changes whenever a cached read may answer differently; null if unknown. */
export type ReadGeneration = () => number | null;

/** A JSON body as it is sent. */
export type Json = Buffer | string;

/** Past this many characters of bodies (or MAX_ANSWERS answers), all are forgotten: each is only a page away. */
const MAX_BYTES = 1024 * 1024;
const MAX_ANSWERS = 1000;

export class RecentAnswers {
  private readonly answers = new Map<string, { generation: number; body: Json }>();
  private bytes = 0;

  constructor(
    private readonly generation: ReadGeneration,
    private readonly baseUrl: (request: FastifyRequest) => string,
  ) {}

  /**
   * A handler that answers 200 with the JSON body `make` makes, remembered. The body must be all
   * the route sends besides the headers every response carries, and depend on nothing but the
   * account, the base URL, the URL and what the store's cached reads answer.
   */
  handler(make: (request: FastifyRequest, reply: FastifyReply) => Promise<Json>): RouteHandlerMethod {
    return (request, reply) => {
      const send = (body: Json) => reply.type(JSON_CONTENT_TYPE).send(body);
      // Taken before anything is read: a write that lands while `make` waits changes it, and what
      // `make` answers then is never sent again.
      const generation = this.generation();
      if (generation === null) return make(request, reply).then(send);
      const key = `${request.accountSid} ${this.baseUrl(request)} ${request.url}`;
      const known = this.answers.get(key);
      if (known !== undefined && known.generation === generation) {
        send(known.body);
        return;
      }
      return make(request, reply).then((body) => {
        this.remember(key, generation, body);
        return send(body);
      });
    };
  }

  private remember(key: string, generation: number, body: Json): void {
    const size = body.length;
    const known = this.answers.get(key);
    if (known !== undefined) this.bytes -= known.body.length;
    if (this.bytes + size > MAX_BYTES || (known === undefined && this.answers.size >= MAX_ANSWERS)) {
      this.answers.clear();
      this.bytes = 0;
    }
    this.answers.set(key, { generation, body });
    this.bytes += size;
  }
}
