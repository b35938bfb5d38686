// HTTP surface of /v2/Transcripts/{TranscriptSid}/OperatorResults: parameters, paging and the JSON
// shape of intelligence.v2.transcript.operator_result.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queryOf, type RouteContext } from '../../http/context.js';
import { JSON_CONTENT_TYPE, RememberedJson, textPageBody } from '../../http/page-json.js';
import { RecentAnswers } from '../../http/recent-answers.js';
import type { StoredOperatorResult } from '../../store/store.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { formBoolean, listSchema, pagingQuery, parseFormBoolean, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import { resultJson } from '../../operators/results.js';
import type { OperatorResultBody } from '../../operators/types.js';
import type { OperatorResultRules, OperatorResultView } from './rules.js';

const RESULT_SCHEMA = 'intelligence.v2.transcript.operator_result';

const transcriptParams = { type: 'object', properties: { TranscriptSid: { type: 'string' } } } as const;
const resultParams = { type: 'object', properties: { TranscriptSid: { type: 'string' }, OperatorSid: { type: 'string' } } } as const;

/** How every stored body begins (operators/results.ts `resultJson`). */
const STORED_HEAD = '{"operator_type":"';

/**
 * intelligence.v2.transcript.operator_result as JSON, in the spec's field order: the stored body's
 * fields are spliced in as stored (a result can quote hundreds of sentences), never parsed again.
 */
export function operatorResultJson(view: Omit<OperatorResultView, 'record'>, base: string): string {
  const url = `${base}/v2/Transcripts/${view.transcriptSid}/OperatorResults/${view.operatorSid}`;
  const stored = storedBody(view.bodyJson);
  const afterType = stored.indexOf('",', STORED_HEAD.length) + 1;
  return (
    stored.slice(0, afterType) +
    `,"name":${JSON.stringify(view.name)},"operator_sid":${JSON.stringify(view.operatorSid)}` +
    stored.slice(afterType, -1) +
    `,"transcript_sid":${JSON.stringify(view.transcriptSid)},"url":${JSON.stringify(url)}}`
  );
}

/** A stored body in the canonical form; one of another form (none is written today) is rewritten into it. */
function storedBody(json: string): string {
  if (json.startsWith(STORED_HEAD) && json.indexOf('",', STORED_HEAD.length) > 0) return json;
  return resultJson(JSON.parse(json) as OperatorResultBody);
}

export function operatorResultRoutes(app: FastifyInstance, rules: OperatorResultRules, context: RouteContext): void {
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);
  // Whole list answers, while no transcript (nor anything else cached) was written since.
  const answers = new RecentAnswers(context.transcriptsGeneration, base);
  // A result's JSON, kept while its stored record lives (the read cache's answer), by the body it shows.
  const single = RememberedJson.text<StoredOperatorResult>();

  app.get(
    '/v2/Transcripts/:TranscriptSid/OperatorResults',
    {
      schema: {
        operationId: 'ListOperatorResult',
        params: transcriptParams,
        querystring: { type: 'object', properties: { Redacted: formBoolean, ...pagingQuery } },
        response: { 200: listSchema('operator_results', RESULT_SCHEMA) },
      },
    },
    answers.handler(async (request) => {
      const query = queryOf(request);
      const { TranscriptSid } = request.params as { TranscriptSid: string };
      const pageRequest = parsePageRequest(query);
      const views = await rules.list(request.accountSid, TranscriptSid, parseFormBoolean(query.Redacted), pageRequest.keyset);
      const baseUrl = base(request);
      const page = shapePage(views, pageRequest, (view) => view.cursor, {
        base: baseUrl,
        path: `/v2/Transcripts/${TranscriptSid}/OperatorResults`,
        key: 'operator_results',
        filters: query.Redacted === undefined ? [] : [['Redacted', query.Redacted]],
      });
      return textPageBody(page.items, (view) => operatorResultJson(view, baseUrl), page.meta);
    }),
  );

  app.get(
    '/v2/Transcripts/:TranscriptSid/OperatorResults/:OperatorSid',
    {
      schema: {
        operationId: 'FetchOperatorResult',
        params: resultParams,
        querystring: { type: 'object', properties: { Redacted: formBoolean } },
        response: { 200: ref(RESULT_SCHEMA) },
      },
    },
    async (request, reply) => {
      const { TranscriptSid, OperatorSid } = request.params as { TranscriptSid: string; OperatorSid: string };
      const view = await rules.fetch(request.accountSid, TranscriptSid, OperatorSid, parseFormBoolean(queryOf(request).Redacted));
      const baseUrl = base(request);
      return reply
        .type(JSON_CONTENT_TYPE)
        .send(single.of(view.record, single.prefix(baseUrl), view.bodyJson, () => operatorResultJson(view, baseUrl)));
    },
  );
}
