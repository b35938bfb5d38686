// HTTP surface of /v2/Transcripts/{TranscriptSid}/OperatorResults: parameters, paging and the JSON
// shape of intelligence.v2.transcript.operator_result.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queryOf, type RouteContext } from '../../http/context.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { formBoolean, listSchema, pagingQuery, parseFormBoolean, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import type { OperatorResultRules, OperatorResultView } from './rules.js';

const RESULT_SCHEMA = 'intelligence.v2.transcript.operator_result';

const transcriptParams = { type: 'object', properties: { TranscriptSid: { type: 'string' } } } as const;
const resultParams = { type: 'object', properties: { TranscriptSid: { type: 'string' }, OperatorSid: { type: 'string' } } } as const;

export function operatorResultBody(view: OperatorResultView, base: string) {
  return {
    operator_type: view.body.operator_type,
    name: view.name,
    operator_sid: view.operatorSid,
    extract_match: view.body.extract_match,
    match_probability: view.body.match_probability,
    normalized_result: view.body.normalized_result,
    utterance_results: view.body.utterance_results,
    utterance_match: view.body.utterance_match,
    predicted_label: view.body.predicted_label,
    predicted_probability: view.body.predicted_probability,
    label_probabilities: view.body.label_probabilities,
    extract_results: view.body.extract_results,
    text_generation_results: view.body.text_generation_results,
    json_results: view.body.json_results,
    transcript_sid: view.transcriptSid,
    url: `${base}/v2/Transcripts/${view.transcriptSid}/OperatorResults/${view.operatorSid}`,
  };
}

export function operatorResultRoutes(app: FastifyInstance, rules: OperatorResultRules, context: RouteContext): void {
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);

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
    async (request, reply) => {
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
      return reply.send({ operator_results: page.items.map((view) => operatorResultBody(view, baseUrl)), meta: page.meta });
    },
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
      return reply.send(operatorResultBody(view, base(request)));
    },
  );
}
