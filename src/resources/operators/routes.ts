// HTTP surface of /v2/Operators, /v2/Operators/PreBuilt and /v2/Operators/Custom.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoSeconds } from '../../clock.js';
import { queryOf, type RouteContext } from '../../http/context.js';
import { etagOf, parseIfMatch } from '../../http/etag.js';
import { pageBody, RememberedJson } from '../../http/page-json.js';
import { RecentAnswers } from '../../http/recent-answers.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { ifMatchHeaders, listSchema, noContent, pagingQuery, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import { cursorOfOperator, type OperatorFacts, type OperatorFilter, type OperatorRules } from './rules.js';

const operatorAvailability = ['internal', 'beta', 'public', 'deprecated', 'general-availability', 'retired'];
const prebuiltAvailability = ['internal', 'beta', 'public', 'retired', 'general-availability'];

const filterQuery = (availability: string[]) => ({
  type: 'object',
  properties: {
    Availability: { type: 'string', enum: availability },
    LanguageCode: { type: 'string', maxLength: 16 },
    ...pagingQuery,
  },
});

/** One operator, serialised as the list schema's items are. */
const operatorRef = { $ref: 'intelligence.v2.operator#' };
/** Operators' JSON in lists: pre-built operators' facts live as long as the catalog, custom ones' as long as their cached record. */
const operatorJson = RememberedJson.bytes<OperatorFacts>();

const sidParams = { type: 'object', properties: { Sid: { type: 'string' } }, required: ['Sid'] } as const;

const createBody = {
  type: 'object',
  required: ['FriendlyName', 'OperatorType', 'Config'],
  properties: {
    FriendlyName: { type: 'string', minLength: 1, maxLength: 64 },
    OperatorType: { type: 'string', minLength: 1, maxLength: 64 },
    Config: { type: 'string' },
  },
} as const;

const updateBody = {
  type: 'object',
  required: ['FriendlyName', 'Config'],
  properties: { FriendlyName: createBody.properties.FriendlyName, Config: { type: 'string' } },
} as const;

export function operatorBody(facts: OperatorFacts, url: string) {
  return {
    account_sid: facts.accountSid,
    sid: facts.sid,
    friendly_name: facts.friendlyName,
    description: facts.description,
    author: facts.author,
    operator_type: facts.operatorType,
    version: facts.version,
    availability: facts.availability,
    config: facts.config,
    date_created: isoSeconds(facts.dateCreatedMs),
    date_updated: isoSeconds(facts.dateUpdatedMs),
    url,
  };
}

function filterOf(request: FastifyRequest): { filter: OperatorFilter; echoed: Array<[string, string]> } {
  const query = queryOf(request);
  const filter: OperatorFilter = { languageCode: query.LanguageCode, availability: query.Availability };
  const echoed: Array<[string, string]> = [];
  if (filter.languageCode !== undefined) echoed.push(['LanguageCode', filter.languageCode]);
  if (filter.availability !== undefined) echoed.push(['Availability', filter.availability]);
  return { filter, echoed };
}

export function operatorRoutes(untyped: FastifyInstance, rules: OperatorRules, context: RouteContext): void {
  // Bodies and path parameters are typed by the routes' own schemas (the lists' queries go through queryOf).
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);
  const answers = new RecentAnswers(context.readGeneration, base);

  /** Registers a paged, filtered operator list at `path`, each operator's url under the same path. */
  function listRoute(
    path: string,
    operationId: string,
    availability: string[],
    load: (
      request: FastifyRequest,
      filter: OperatorFilter,
      keyset: ReturnType<typeof parsePageRequest>['keyset'],
    ) => Promise<OperatorFacts[]> | OperatorFacts[],
  ) {
    app.get(
      path,
      {
        schema: {
          operationId,
          querystring: filterQuery(availability),
          response: { 200: listSchema('operators', 'intelligence.v2.operator') },
        },
      },
      answers.handler(async (request, reply) => {
        const pageRequest = parsePageRequest(queryOf(request));
        const { filter, echoed } = filterOf(request);
        const rows = await load(request, filter, pageRequest.keyset);
        const baseUrl = base(request);
        const page = shapePage(rows, pageRequest, cursorOfOperator, { base: baseUrl, path, key: 'operators', filters: echoed });
        const serialize = reply.compileSerializationSchema(operatorRef);
        const urlPrefix = operatorJson.prefix(baseUrl + path);
        const serializeOperator = (facts: OperatorFacts) => serialize(operatorBody(facts, `${urlPrefix}/${facts.sid}`));
        const items = page.items.map((facts) => operatorJson.of(facts, urlPrefix, undefined, serializeOperator));
        return pageBody(items, page.meta);
      }),
    );
  }

  listRoute('/v2/Operators', 'ListOperator', operatorAvailability, (request, filter, keyset) =>
    rules.listOperators(request.accountSid, filter, keyset),
  );
  listRoute('/v2/Operators/PreBuilt', 'ListPrebuiltOperator', prebuiltAvailability, (_request, filter, keyset) =>
    rules.listPrebuiltOperators(filter, keyset),
  );
  listRoute('/v2/Operators/Custom', 'ListCustomOperator', operatorAvailability, (request, filter, keyset) =>
    rules.listCustomOperators(request.accountSid, filter, keyset),
  );

  app.get(
    '/v2/Operators/:Sid',
    {
      schema: { operationId: 'FetchOperator', params: sidParams, response: { 200: ref('intelligence.v2.operator') } },
    },
    async (request, reply) => {
      const facts = await rules.operator(request.accountSid, request.params.Sid);
      if (facts.kind === 'custom') void reply.header('ETag', etagOf(facts.version));
      return operatorBody(facts, `${base(request)}/v2/Operators/${facts.sid}`);
    },
  );

  app.get(
    '/v2/Operators/PreBuilt/:Sid',
    {
      schema: { operationId: 'FetchPrebuiltOperator', params: sidParams, response: { 200: ref('intelligence.v2.operator') } },
    },
    async (request) => {
      const facts = rules.prebuiltOperator(request.params.Sid);
      return operatorBody(facts, `${base(request)}/v2/Operators/PreBuilt/${facts.sid}`);
    },
  );

  const customUrl = (request: FastifyRequest, facts: OperatorFacts) => `${base(request)}/v2/Operators/Custom/${facts.sid}`;

  app.post(
    '/v2/Operators/Custom',
    {
      schema: { operationId: 'CreateCustomOperator', body: createBody, response: { 202: ref('intelligence.v2.operator') } },
    },
    async (request, reply) => {
      const body = request.body;
      const facts = await rules.createCustomOperator(request.accountSid, {
        friendlyName: body.FriendlyName,
        operatorType: body.OperatorType,
        config: body.Config,
      });
      return reply
        .code(202)
        .header('ETag', etagOf(facts.version))
        .send(operatorBody(facts, customUrl(request, facts)));
    },
  );

  app.get(
    '/v2/Operators/Custom/:Sid',
    {
      schema: { operationId: 'FetchCustomOperator', params: sidParams, response: { 200: ref('intelligence.v2.operator') } },
    },
    async (request, reply) => {
      const facts = await rules.customOperator(request.accountSid, request.params.Sid);
      return reply.header('ETag', etagOf(facts.version)).send(operatorBody(facts, customUrl(request, facts)));
    },
  );

  app.post(
    '/v2/Operators/Custom/:Sid',
    {
      schema: {
        operationId: 'UpdateCustomOperator',
        params: sidParams,
        headers: ifMatchHeaders,
        body: updateBody,
        response: { 202: ref('intelligence.v2.operator') },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const facts = await rules.updateCustomOperator(
        request.accountSid,
        request.params.Sid,
        { friendlyName: body.FriendlyName, config: body.Config },
        parseIfMatch(request.headers['if-match']),
      );
      return reply
        .code(202)
        .header('ETag', etagOf(facts.version))
        .send(operatorBody(facts, customUrl(request, facts)));
    },
  );

  app.delete(
    '/v2/Operators/Custom/:Sid',
    { schema: { operationId: 'DeleteCustomOperator', params: sidParams, response: { 204: noContent } } },
    async (request, reply) => {
      await rules.deleteCustomOperator(request.accountSid, request.params.Sid);
      // The 204 schema's null: Fastify writes no body for a 204.
      return reply.code(204).send(null);
    },
  );
}
