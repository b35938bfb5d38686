// HTTP surface of /v2/Services/{ServiceSid}/Operators[/{OperatorSid}].
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors.js';
import { paramsOf, type RouteContext } from '../../http/context.js';
import { JSON_CONTENT_TYPE, RememberedJson } from '../../http/page-json.js';
import { RecentAnswers } from '../../http/recent-answers.js';
import { noContent, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import { parseSid, type ServiceSid, type OperatorSid } from '../../sids.js';
import type { AttachmentProbe } from '../../store/store.js';
import type { AttachmentRules } from './rules.js';

const attachmentParams = {
  type: 'object',
  properties: { ServiceSid: { type: 'string' }, OperatorSid: { type: 'string' } },
  required: ['ServiceSid', 'OperatorSid'],
} as const;
const serviceParams = { type: 'object', properties: { ServiceSid: { type: 'string' } }, required: ['ServiceSid'] } as const;

/** The path's service SID; a 404 when it is not one (no service can have that name). */
function serviceSidOf(value: string): ServiceSid {
  const sid = parseSid('GA', value);
  if (sid === null) throw resourceNotFound();
  return sid;
}

/** The path's service and operator SIDs; a 404 when either is not a SID of its kind. */
function attachmentSidsOf(params: { ServiceSid: string; OperatorSid: string }): { serviceSid: ServiceSid; operatorSid: OperatorSid } {
  const serviceSid = serviceSidOf(params.ServiceSid);
  const operatorSid = parseSid('LY', params.OperatorSid);
  if (operatorSid === null) throw resourceNotFound();
  return { serviceSid, operatorSid };
}

const attachmentSchema = ref('intelligence.v2.operator_attachment');
const attachmentsSchema = ref('intelligence.v2.operator_attachments');

export function attachmentRoutes(untyped: FastifyInstance, rules: AttachmentRules, context: RouteContext): void {
  // Path parameters are typed by the routes' own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);
  const attachmentJson = RememberedJson.text<AttachmentProbe>();
  const answers = new RecentAnswers(context.readGeneration, base);

  app.post(
    '/v2/Services/:ServiceSid/Operators/:OperatorSid',
    {
      schema: { operationId: 'CreateOperatorAttachment', params: attachmentParams, response: { 202: attachmentSchema } },
    },
    (request, reply) => {
      const { serviceSid, operatorSid } = attachmentSidsOf(request.params);
      const attachment = () => ({
        service_sid: serviceSid,
        operator_sid: operatorSid,
        url: `${base(request)}/v2/Services/${serviceSid}/Operators/${operatorSid}`,
      });
      const attached = rules.attach(request.accountSid, serviceSid, operatorSid);
      if (attached instanceof Promise) return attached.then(() => reply.code(202).send(attachment()));
      // Known at once, so answered at once. The body depends only on the SIDs and the base URL: it is
      // serialised once and remembered with the read that showed the operator attached.
      const json = attachmentJson.of(attached, attachmentJson.prefix(base(request)), undefined, () =>
        reply.compileSerializationSchema(attachmentSchema)(attachment()),
      );
      reply.code(202).type(JSON_CONTENT_TYPE).send(json);
    },
  );

  app.delete(
    '/v2/Services/:ServiceSid/Operators/:OperatorSid',
    {
      schema: { operationId: 'DeleteOperatorAttachment', params: attachmentParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const { serviceSid, operatorSid } = attachmentSidsOf(request.params);
      await rules.detach(request.accountSid, serviceSid, operatorSid);
      // The 204 schema's null: Fastify writes no body for a 204.
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v2/Services/:ServiceSid/Operators',
    {
      schema: {
        operationId: 'FetchOperatorAttachments',
        params: serviceParams,
        response: { 200: attachmentsSchema },
      },
    },
    // RecentAnswers' handler takes a plain request: its path parameters come through paramsOf.
    answers.handler(async (request, reply) => {
      const serviceSid = serviceSidOf(paramsOf<'ServiceSid'>(request).ServiceSid);
      const operatorSids = await rules.attachedOperatorSids(request.accountSid, serviceSid);
      const url = `${base(request)}/v2/Services/${serviceSid}/Operators`;
      return reply.compileSerializationSchema(attachmentsSchema)({ service_sid: serviceSid, operator_sids: operatorSids, url });
    }),
  );
}
