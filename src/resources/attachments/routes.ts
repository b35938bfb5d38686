// HTTP surface of /v2/Services/{ServiceSid}/Operators[/{OperatorSid}].
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
} as const;
/** The path's service SID; a 404 when it is not one (no service can have that name). */
function serviceSidOf(request: FastifyRequest): ServiceSid {
  const sid = parseSid('GA', paramsOf<'ServiceSid'>(request).ServiceSid);
  if (sid === null) throw resourceNotFound();
  return sid;
}

/** The path's service and operator SIDs; a 404 when either is not a SID of its kind. */
function attachmentSidsOf(request: FastifyRequest): { serviceSid: ServiceSid; operatorSid: OperatorSid } {
  const serviceSid = serviceSidOf(request);
  const operatorSid = parseSid('LY', paramsOf<'OperatorSid'>(request).OperatorSid);
  if (operatorSid === null) throw resourceNotFound();
  return { serviceSid, operatorSid };
}

const attachmentSchema = ref('intelligence.v2.operator_attachment');
const attachmentsSchema = ref('intelligence.v2.operator_attachments');

export function attachmentRoutes(app: FastifyInstance, rules: AttachmentRules, context: RouteContext): void {
  const base = (request: FastifyRequest) => baseUrlOf(request, context.publicBaseUrl);
  const attachmentJson = RememberedJson.text<AttachmentProbe>();
  const answers = new RecentAnswers(context.readGeneration, base);

  app.post(
    '/v2/Services/:ServiceSid/Operators/:OperatorSid',
    {
      schema: { operationId: 'CreateOperatorAttachment', params: attachmentParams, response: { 202: attachmentSchema } },
    },
    (request, reply) => {
      const { serviceSid, operatorSid } = attachmentSidsOf(request);
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
      const { serviceSid, operatorSid } = attachmentSidsOf(request);
      await rules.detach(request.accountSid, serviceSid, operatorSid);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v2/Services/:ServiceSid/Operators',
    {
      schema: {
        operationId: 'FetchOperatorAttachments',
        params: { type: 'object', properties: { ServiceSid: { type: 'string' } } },
        response: { 200: attachmentsSchema },
      },
    },
    answers.handler(async (request, reply) => {
      const serviceSid = serviceSidOf(request);
      const operatorSids = await rules.attachedOperatorSids(request.accountSid, serviceSid);
      const url = `${base(request)}/v2/Services/${serviceSid}/Operators`;
      return reply.compileSerializationSchema(attachmentsSchema)({ service_sid: serviceSid, operator_sids: operatorSids, url });
    }),
  );
}
