// HTTP surface of /v2/Transcripts and /v2/Transcripts/{Sid}: parameter schemas, parsing, and the
// JSON shape of a Transcript. Sentences and media have their own files beside this one.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoSeconds } from '../../clock.js';
import type { RouteContext } from '../../http/context.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { formBoolean, listSchema, noContent, pagingQuery, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import type { TranscriptRecord } from '../../store/store.js';
import { FILTER_PARAMETERS, transcriptFilter, type TranscriptFilterInput, type TranscriptRules } from './rules.js';

const transcriptRef = ref('intelligence.v2.transcript');

const createBody = {
  type: 'object',
  required: ['ServiceSid', 'Channel'],
  properties: {
    ServiceSid: { type: 'string', pattern: '^GA[0-9a-fA-F]{32}$' },
    Channel: { type: 'string', minLength: 1, maxLength: 65_536 },
    CustomerKey: { type: 'string', maxLength: 64 },
    MediaStartTime: { type: 'string', maxLength: 64 },
  },
} as const;

// Each filter is checked by the rules, so its message can say what a valid value looks like.
const filterParameter = { type: 'string', maxLength: 64 } as const;
const filterProperties = Object.fromEntries(FILTER_PARAMETERS.map((name) => [name, filterParameter])) as Record<
  (typeof FILTER_PARAMETERS)[number],
  typeof filterParameter
>;
const listQuery = { type: 'object', properties: { ...filterProperties, ...pagingQuery } } as const;

export const redactedQuery = { type: 'object', properties: { Redacted: formBoolean } } as const;
export const sidParams = { type: 'object', properties: { Sid: { type: 'string' } }, required: ['Sid'] } as const;
export const transcriptSidParams = {
  type: 'object',
  properties: { TranscriptSid: { type: 'string' } },
  required: ['TranscriptSid'],
} as const;

export function transcriptBody(record: TranscriptRecord, base: string) {
  const url = `${base}/v2/Transcripts/${record.sid}`;
  return {
    account_sid: record.accountSid,
    service_sid: record.serviceSid,
    sid: record.sid,
    date_created: isoSeconds(record.dateCreatedMs),
    date_updated: isoSeconds(record.dateUpdatedMs),
    status: record.status,
    channel: JSON.parse(record.channelJson) as unknown,
    data_logging: record.dataLogging,
    language_code: record.languageCode,
    customer_key: record.customerKey,
    media_start_time: record.mediaStartTimeMs === null ? null : isoSeconds(record.mediaStartTimeMs),
    duration: record.durationSeconds,
    url,
    redaction: record.redaction,
    // Transcripts are never encrypted here (the encrypted variants answer 404).
    encryption_credential_sid: null,
    links: {
      sentences: `${url}/Sentences`,
      encrypted_sentences: `${url}/Sentences/Encrypted`,
      media: `${url}/Media`,
      operator_results: `${url}/OperatorResults`,
      encrypted_operator_results: `${url}/OperatorResults/Encrypted`,
    },
  };
}

/** The filters as given, in the spec's order, for the paging URLs. */
function echoedFilters(query: TranscriptFilterInput): Array<[string, string]> {
  const echoed: Array<[string, string]> = [];
  for (const name of FILTER_PARAMETERS) {
    const value = query[name];
    if (value !== undefined) echoed.push([name, value]);
  }
  return echoed;
}

export function transcriptRoutes(untyped: FastifyInstance, rules: TranscriptRules, context: RouteContext): void {
  // Bodies, queries and path parameters are typed by the routes' own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);

  app.post(
    '/v2/Transcripts',
    {
      schema: { operationId: 'CreateTranscript', body: createBody, response: { 202: transcriptRef } },
    },
    async (request, reply) => {
      const body = request.body;
      const record = await rules.create(request.accountSid, {
        serviceSid: body.ServiceSid,
        channel: body.Channel,
        customerKey: body.CustomerKey,
        mediaStartTime: body.MediaStartTime,
      });
      return reply.code(202).send(transcriptBody(record, base(request)));
    },
  );

  app.get(
    '/v2/Transcripts',
    {
      schema: {
        operationId: 'ListTranscript',
        querystring: listQuery,
        response: { 200: listSchema('transcripts', 'intelligence.v2.transcript') },
      },
    },
    async (request) => {
      const query = request.query;
      const pageRequest = parsePageRequest(query);
      const filter = transcriptFilter(query);
      const records = filter === null ? [] : await rules.list(request.accountSid, filter, pageRequest.keyset);
      const baseUrl = base(request);
      const page = shapePage(records, pageRequest, (record) => ({ createdMs: record.dateCreatedMs, sid: record.sid }), {
        base: baseUrl,
        path: '/v2/Transcripts',
        key: 'transcripts',
        filters: echoedFilters(query),
      });
      return { transcripts: page.items.map((record) => transcriptBody(record, baseUrl)), meta: page.meta };
    },
  );

  app.get(
    '/v2/Transcripts/:Sid',
    {
      schema: { operationId: 'FetchTranscript', params: sidParams, response: { 200: transcriptRef } },
    },
    async (request) => transcriptBody(await rules.fetch(request.accountSid, request.params.Sid), base(request)),
  );

  app.delete(
    '/v2/Transcripts/:Sid',
    {
      schema: { operationId: 'DeleteTranscript', params: sidParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const sid = request.params.Sid;
      const { mediaError } = await rules.delete(request.accountSid, sid);
      // The transcript is gone; files left behind are logged for the operator, not the client's failure.
      if (mediaError !== null)
        request.log.warn({ err: mediaError, transcriptSid: sid }, 'transcript deleted, but its media files could not be removed');
      // The 204 schema's null: Fastify writes no body for a 204.
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v2/Transcripts/:TranscriptSid/Sentences/Encrypted',
    {
      schema: {
        operationId: 'FetchEncryptedSentences',
        params: transcriptSidParams,
        querystring: redactedQuery,
        response: { 200: ref('intelligence.v2.transcript.encrypted_sentences') },
      },
    },
    async (request) => rules.encrypted(request.accountSid, request.params.TranscriptSid, 'sentences'),
  );

  app.get(
    '/v2/Transcripts/:TranscriptSid/OperatorResults/Encrypted',
    {
      schema: {
        operationId: 'FetchEncryptedOperatorResults',
        params: transcriptSidParams,
        querystring: redactedQuery,
        response: { 200: ref('intelligence.v2.transcript.encrypted_operator_results') },
      },
    },
    async (request) => rules.encrypted(request.accountSid, request.params.TranscriptSid, 'operator results'),
  );
}
