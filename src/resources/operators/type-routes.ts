// HTTP surface of /v2/OperatorTypes.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OperatorType } from '../../catalog/types.js';
import { isoSeconds } from '../../clock.js';
import type { RouteContext } from '../../http/context.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { listSchema, pagingQuery, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import { cursorOfType, type OperatorRules } from './rules.js';

export function operatorTypeBody(type: OperatorType, base: string) {
  return {
    name: type.name,
    sid: type.sid,
    friendly_name: type.friendlyName,
    description: type.description,
    docs_link: type.docsLink,
    output_type: type.outputType,
    supported_languages: type.supportedLanguages,
    provider: type.provider,
    availability: type.availability,
    configurable: type.configurable,
    config_schema: type.configSchema,
    date_created: isoSeconds(type.dateCreated.getTime()),
    date_updated: isoSeconds(type.dateUpdated.getTime()),
    url: `${base}/v2/OperatorTypes/${type.sid}`,
  };
}

export function operatorTypeRoutes(untyped: FastifyInstance, rules: OperatorRules, context: RouteContext): void {
  // Queries and path parameters are typed by the routes' own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);

  app.get(
    '/v2/OperatorTypes',
    {
      schema: {
        operationId: 'ListOperatorType',
        querystring: { type: 'object', properties: { LanguageCode: { type: 'string', maxLength: 16 }, ...pagingQuery } },
        response: { 200: listSchema('operator_types', 'intelligence.v2.operator_type') },
      },
    },
    async (request) => {
      const pageRequest = parsePageRequest(request.query);
      const languageCode = request.query.LanguageCode;
      const rows = rules.listOperatorTypes(languageCode, pageRequest.keyset);
      const baseUrl = base(request);
      const page = shapePage(rows, pageRequest, cursorOfType, {
        base: baseUrl,
        path: '/v2/OperatorTypes',
        key: 'operator_types',
        filters: languageCode === undefined ? [] : [['LanguageCode', languageCode]],
      });
      return { operator_types: page.items.map((type) => operatorTypeBody(type, baseUrl)), meta: page.meta };
    },
  );

  app.get(
    '/v2/OperatorTypes/:Sid',
    {
      schema: {
        operationId: 'FetchOperatorType',
        params: { type: 'object', properties: { Sid: { type: 'string' } }, required: ['Sid'] },
        response: { 200: ref('intelligence.v2.operator_type') },
      },
    },
    async (request) => operatorTypeBody(rules.operatorType(request.params.Sid), base(request)),
  );
}
