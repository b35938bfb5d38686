// HTTP surface of /v2/Services: parameter schemas, parsing, and the JSON shape of a Service.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import { isoSeconds } from '../../clock.js';
import type { RouteContext } from '../../http/context.js';
import { etagOf, parseIfMatch } from '../../http/etag.js';
import { RememberedJson, sendPage } from '../../http/page-json.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { formBoolean, ifMatchHeaders, listSchema, noContent, pagingQuery, parseFormBoolean, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import type { ServiceRecord, WebhookHttpMethod } from '../../store/store.js';
import type { ServiceInput, ServiceRules, ServiceView } from './rules.js';

const serviceRef = { $ref: 'intelligence.v2.service#' };
/** Services' JSON in lists, by the cached record it was made from. */
const serviceJson = RememberedJson.bytes<ServiceRecord>();

const settingsProperties = {
  UniqueName: { type: 'string', minLength: 1, maxLength: 256 },
  FriendlyName: { type: 'string', maxLength: 64 },
  AutoTranscribe: formBoolean,
  DataLogging: formBoolean,
  AutoRedaction: formBoolean,
  MediaRedaction: formBoolean,
  WebhookUrl: { type: 'string', maxLength: 2048 },
  WebhookHttpMethod: { type: 'string', enum: ['GET', 'POST', 'NULL'] },
  EncryptionCredentialSid: { type: 'string', pattern: '^CR[0-9a-fA-F]{32}$' },
} as const;

const createBody = {
  type: 'object',
  required: ['UniqueName'],
  properties: { ...settingsProperties, LanguageCode: { type: 'string', maxLength: 16 } },
} as const;

// LanguageCode is listed so that sending it is refused with a clear message rather than ignored.
const updateBody = { type: 'object', properties: { ...settingsProperties, LanguageCode: { type: 'string' } } } as const;

const sidParams = { type: 'object', properties: { Sid: { type: 'string' } }, required: ['Sid'] } as const;

/** A create or update body, as its schema types it (the type provider checks the two agree). */
interface ServiceForm {
  UniqueName?: string;
  FriendlyName?: string;
  LanguageCode?: string;
  AutoTranscribe?: string;
  DataLogging?: string;
  AutoRedaction?: string;
  MediaRedaction?: string;
  WebhookUrl?: string;
  WebhookHttpMethod?: WebhookHttpMethod;
  EncryptionCredentialSid?: string;
}

function serviceInput(body: ServiceForm): ServiceInput {
  return {
    uniqueName: body.UniqueName,
    friendlyName: body.FriendlyName,
    languageCode: body.LanguageCode,
    autoTranscribe: parseFormBoolean(body.AutoTranscribe),
    dataLogging: parseFormBoolean(body.DataLogging),
    autoRedaction: parseFormBoolean(body.AutoRedaction),
    mediaRedaction: parseFormBoolean(body.MediaRedaction),
    webhookUrl: body.WebhookUrl,
    webhookHttpMethod: body.WebhookHttpMethod,
    encryptionCredentialSid: body.EncryptionCredentialSid,
  };
}

export function serviceBody({ record, attachedOperatorSids }: ServiceView, base: string) {
  return {
    account_sid: record.accountSid,
    auto_redaction: record.autoRedaction,
    media_redaction: record.mediaRedaction,
    auto_transcribe: record.autoTranscribe,
    data_logging: record.dataLogging,
    date_created: isoSeconds(record.dateCreatedMs),
    date_updated: isoSeconds(record.dateUpdatedMs),
    friendly_name: record.friendlyName,
    language_code: record.languageCode,
    sid: record.sid,
    unique_name: record.uniqueName,
    url: `${base}/v2/Services/${record.sid}`,
    webhook_url: record.webhookUrl,
    webhook_http_method: record.webhookHttpMethod,
    read_only_attached_operator_sids: attachedOperatorSids,
    version: record.version,
    encryption_credential_sid: record.encryptionCredentialSid,
  };
}

export function serviceRoutes(untyped: FastifyInstance, rules: ServiceRules, context: RouteContext): void {
  // Bodies, queries and path parameters are typed by the routes' own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const base = (request: Parameters<typeof baseUrlOf>[0]) => baseUrlOf(request, context.publicBaseUrl);

  app.post(
    '/v2/Services',
    {
      schema: { operationId: 'CreateService', body: createBody, response: { 201: ref('intelligence.v2.service') } },
    },
    async (request, reply) => {
      const view = await rules.create(request.accountSid, serviceInput(request.body));
      return reply
        .code(201)
        .header('ETag', etagOf(view.record.version))
        .send(serviceBody(view, base(request)));
    },
  );

  app.get(
    '/v2/Services',
    {
      schema: {
        operationId: 'ListService',
        querystring: { type: 'object', properties: pagingQuery },
        response: { 200: listSchema('services', 'intelligence.v2.service') },
      },
    },
    async (request, reply) => {
      const pageRequest = parsePageRequest(request.query);
      const views = await rules.list(request.accountSid, pageRequest.keyset);
      const baseUrl = base(request);
      const page = shapePage(views, pageRequest, (view) => ({ createdMs: view.record.dateCreatedMs, sid: view.record.sid }), {
        base: baseUrl,
        path: '/v2/Services',
        key: 'services',
      });
      const serialize = reply.compileSerializationSchema(serviceRef);
      // A service's JSON shows its record and its attached operators: both are the read cache's
      // answers, new objects whenever either changes.
      const urlPrefix = serviceJson.prefix(baseUrl);
      const items = page.items.map((view) =>
        serviceJson.of(view.record, urlPrefix, view.attachedOperatorSids, () => serialize(serviceBody(view, baseUrl))),
      );
      return sendPage(reply, items, page.meta);
    },
  );

  app.get(
    '/v2/Services/:Sid',
    {
      schema: { operationId: 'FetchService', params: sidParams, response: { 200: ref('intelligence.v2.service') } },
    },
    async (request, reply) => {
      const view = await rules.fetch(request.accountSid, request.params.Sid);
      return reply.header('ETag', etagOf(view.record.version)).send(serviceBody(view, base(request)));
    },
  );

  app.post(
    '/v2/Services/:Sid',
    {
      schema: {
        operationId: 'UpdateService',
        params: sidParams,
        headers: ifMatchHeaders,
        body: updateBody,
        response: { 200: ref('intelligence.v2.service') },
      },
    },
    async (request, reply) => {
      const view = await rules.update(
        request.accountSid,
        request.params.Sid,
        serviceInput(request.body),
        parseIfMatch(request.headers['if-match']),
      );
      return reply.header('ETag', etagOf(view.record.version)).send(serviceBody(view, base(request)));
    },
  );

  app.delete(
    '/v2/Services/:Sid',
    { schema: { operationId: 'DeleteService', params: sidParams, response: { 204: noContent } } },
    async (request, reply) => {
      await rules.delete(request.accountSid, request.params.Sid);
      // The 204 schema's null: Fastify writes no body for a 204.
      return reply.code(204).send(null);
    },
  );
}
