// One place where every failure becomes a Twilio error body. Nothing else writes error responses.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  internalError,
  invalidParameter,
  payloadTooLarge,
  ResourceNotFound,
  serviceUnavailable,
  TwilioError,
} from '../errors.js';
import { isDatabaseUnavailable } from '../store/errors.js';
import { formBoolean } from './schemas.js';
import { requestPath } from './urls.js';

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

const whereOf: Record<string, string> = {
  body: 'in the post body',
  querystring: 'in the query string',
  params: 'in the path',
  headers: 'in the headers',
};

/** Turns the first JSON-schema error of a request part into a plain-words Twilio 400. */
export function schemaErrorToTwilio(errors: SchemaError[], dataVar: string): TwilioError {
  const error = errors[0];
  const name = error.instancePath.replace(/^\//, '').split('/')[0] || String(error.params.missingProperty ?? '');
  switch (error.keyword) {
    case 'required':
      return invalidParameter(`Missing required parameter ${error.params.missingProperty} ${whereOf[dataVar] ?? ''}`.trim());
    case 'type':
      return invalidParameter(`Parameter ${name} was given more than once`);
    case 'pattern':
      if (error.params.pattern === formBoolean.pattern) return invalidParameter(`Invalid parameter ${name}: must be true or false`);
      return invalidParameter(`Invalid parameter ${name}: must match ${error.params.pattern}`);
    case 'enum':
      return invalidParameter(
        `Invalid parameter ${name}: must be one of ${(error.params.allowedValues as string[]).join(', ')}`,
      );
    case 'maxLength':
      return invalidParameter(`Invalid parameter ${name}: must be at most ${error.params.limit} characters`);
    case 'minLength':
      return invalidParameter(`Invalid parameter ${name}: must be at least ${error.params.limit} characters`);
    default:
      return invalidParameter(`Invalid parameter ${name}: ${error.message ?? 'invalid value'}`);
  }
}

function toTwilioError(error: FastifyError | TwilioError, request: FastifyRequest): TwilioError {
  if (error instanceof ResourceNotFound) return new ResourceNotFound(requestPath(request));
  if (error instanceof TwilioError) return error;
  if (isDatabaseUnavailable(error)) return serviceUnavailable('The database is unavailable; try again shortly');
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(request.routeOptions.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidParameter('Content-Type must be application/x-www-form-urlencoded');
    case 'FST_ERR_BAD_URL':
      return new ResourceNotFound(requestPath(request));
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return invalidParameter(`Invalid request: ${error.message}`);
  }
  return internalError(request.id);
}

export function sendTwilioError(error: FastifyError | TwilioError, request: FastifyRequest, reply: FastifyReply): void {
  const twilioError = toTwilioError(error, request);
  if (twilioError.status === 503 && isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'database unavailable: answering 503 until it returns');
  } else if (twilioError.status >= 500 && twilioError.status !== 503) {
    request.log.error({ err: error }, 'request failed');
  }
  if (twilioError.status === 401) void reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
  void reply.code(twilioError.status).type('application/json; charset=utf-8').send(twilioError.toBody());
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((errors, dataVar) => schemaErrorToTwilio(errors as SchemaError[], dataVar));
  app.setErrorHandler((error: FastifyError, request, reply) => sendTwilioError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendTwilioError(new ResourceNotFound(), request, reply));
}
