// HTTP surface of /v2/Services/{ServiceSid}/Operators[/{OperatorSid}].
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { paramsOf, type RouteContext } from '../../http/context.js';
import { JSON_CONTENT_TYPE, RememberedJson } from '../../http/page-json.js';
import { RecentAnswers } from '../../http/recent-answers.js';
import { noContent, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import type { AttachmentProbe } from '../../store/store.js';
import type { AttachmentRules } from './rules.js';

const attachmentParams = {
  type: 'object',
  properties: { ServiceSid: { type: 'string' }, OperatorSid: { type: 'string' } },
} as const;
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
      const { ServiceSid, OperatorSid } = paramsOf<'ServiceSid' | 'OperatorSid'>(request);
      const attachment = () => ({
        service_sid: ServiceSid,
        operator_sid: OperatorSid,
        url: `${base(request)}/v2/Services/${ServiceSid}/Operators/${OperatorSid}`,
      });
      const attached = rules.attach(request.accountSid, ServiceSid, OperatorSid);
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
      const { ServiceSid, OperatorSid } = paramsOf<'ServiceSid' | 'OperatorSid'>(request);
      await rules.detach(request.accountSid, ServiceSid, OperatorSid);
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
      const { ServiceSid } = paramsOf<'ServiceSid'>(request);
      const operatorSids = await rules.attachedOperatorSids(request.accountSid, ServiceSid);
      const url = `${base(request)}/v2/Services/${ServiceSid}/Operators`;
      return reply.compileSerializationSchema(attachmentsSchema)({ service_sid: ServiceSid, operator_sids: operatorSids, url });
    }),
  );
}
