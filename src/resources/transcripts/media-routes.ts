// GET /v2/Transcripts/{Sid}/Media answers a temporary signed URL on this server; GET /media/{Sid}
// (outside /v2: no Basic credentials, the signature is the credential) streams the stored file.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { resourceNotFound, TwilioError } from '../../errors.js';
import type { RouteContext } from '../../http/context.js';
import { parseFormBoolean, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import type { MediaUrlSigner } from '../../media/signed-urls.js';
import type { TranscriptRules } from './rules.js';
import { redactedQuery, sidParams, transcriptSidParams } from './routes.js';

export const MEDIA_FILE_PATH = '/media';

const forbidden = (message: string) => new TwilioError(403, 20403, message);

/** The Media resource's routes: register inside /v2 (credentials checked). */
export function mediaRoutes(untyped: FastifyInstance, rules: TranscriptRules, signer: MediaUrlSigner, context: RouteContext): void {
  // Queries and path parameters are typed by the routes' own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  app.get(
    '/v2/Transcripts/:Sid/Media',
    {
      schema: {
        operationId: 'FetchMedia',
        params: sidParams,
        querystring: redactedQuery,
        response: { 200: ref('intelligence.v2.transcript.media') },
      },
    },
    async (request) => {
      const { transcript, variant } = await rules.media(request.accountSid, request.params.Sid, parseFormBoolean(request.query.Redacted));
      const base = baseUrlOf(request, context.publicBaseUrl);
      const signed = signer.sign(transcript.sid, variant, Date.now());
      const mediaUrl = `${base}${MEDIA_FILE_PATH}/${transcript.sid}?variant=${signed.variant}&expires=${signed.expires}&signature=${signed.signature}`;
      return {
        account_sid: transcript.accountSid,
        media_url: mediaUrl,
        service_sid: transcript.serviceSid,
        sid: transcript.sid,
        url: `${base}/v2/Transcripts/${transcript.sid}/Media`,
      };
    },
  );
}

/** The signed file route: register outside /v2. */
export function mediaFileRoutes(untyped: FastifyInstance, rules: TranscriptRules, signer: MediaUrlSigner): void {
  // The query and the path parameter are typed by the route's own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  app.get(
    `${MEDIA_FILE_PATH}/:TranscriptSid`,
    {
      schema: {
        operationId: 'FetchMediaFile',
        summary: "A transcript's stored media, by the signed URL that GET /v2/Transcripts/{Sid}/Media answers",
        params: transcriptSidParams,
        querystring: {
          type: 'object',
          properties: { variant: { type: 'string' }, expires: { type: 'string' }, signature: { type: 'string' } },
        },
        response: {
          200: { description: 'The media file, in its own content type', type: 'string', format: 'binary' },
          206: { description: 'One byte range of it (Range: bytes=…)', type: 'string', format: 'binary' },
          416: { description: 'A range outside the file (Content-Range names its size)', type: 'null' },
        },
      },
    },
    async (request, typedReply) => {
      // The answers are the file's bytes or nothing, written here: not bodies for the schemas to type.
      const reply: FastifyReply = typedReply;
      const sid = request.params.TranscriptSid;
      const { verdict, variant } = signer.verify(sid, request.query, Date.now());
      if (verdict === 'forged') throw forbidden('The media URL is not valid: ask GET /v2/Transcripts/{Sid}/Media for a new one');
      if (verdict === 'expired') throw forbidden('The media URL has expired: ask GET /v2/Transcripts/{Sid}/Media for a new one');
      const file = await rules.mediaFile(sid, variant);
      if (file === null) throw resourceNotFound();
      const path = rules.absoluteMediaPath(file.path);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch {
        // Deleted between the read and now (the transcript was deleted).
        throw resourceNotFound();
      }
      // The type came from elsewhere (the media's server): never sniffed, never run as a page of this origin.
      reply
        .type(file.contentType)
        .header('Accept-Ranges', 'bytes')
        .header('Cache-Control', 'private, no-store')
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Content-Disposition', `inline; filename="${file.transcript.sid}${extensionOf(file.path)}"`);
      // One byte range (what a browser's audio player asks for to play from a sentence's time).
      const range = byteRange(request.headers.range, size);
      if (range === 'unsatisfiable') return reply.code(416).header('Content-Range', `bytes */${size}`).send();
      if (range === null) return reply.header('Content-Length', String(size)).send(createReadStream(path));
      return reply
        .code(206)
        .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
        .header('Content-Length', String(range.end - range.start + 1))
        .send(createReadStream(path, { start: range.start, end: range.end }));
    },
  );
}

/** A `Range: bytes=…` header's one range within `size` bytes; null for none (or one we answer whole: several ranges). */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

const extensionOf = (path: string) => /\.[A-Za-z0-9]{1,8}$/.exec(path)?.[0] ?? '';
