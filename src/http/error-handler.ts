// One place where every failure becomes a Twilio error body. Nothing else writes error responses.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  internalError,
  invalidParameter,
  methodNotAllowed,
  payloadTooLarge,
  ResourceNotFound,
  serviceUnavailable,
  TwilioError,
} from '../errors.js';
import { isDatabaseUnavailable } from '../store/errors.js';
import { corsHeaders } from './cors.js';
import { newRequestId } from './request-id.js';
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
  if (error === undefined) return invalidParameter(`Invalid request ${whereOf[dataVar] ?? ''}`.trim());
  const missing = error.params.missingProperty;
  const name = error.instancePath.replace(/^\//, '').split('/')[0] || (typeof missing === 'string' ? missing : '');
  switch (error.keyword) {
    case 'required':
      return invalidParameter(`Missing required parameter ${String(error.params.missingProperty)} ${whereOf[dataVar] ?? ''}`.trim());
    case 'type':
      return invalidParameter(`Parameter ${name} was given more than once`);
    case 'pattern':
      if (error.params.pattern === formBoolean.pattern) return invalidParameter(`Invalid parameter ${name}: must be true or false`);
      return invalidParameter(`Invalid parameter ${name}: must match ${String(error.params.pattern)}`);
    case 'enum':
      return invalidParameter(`Invalid parameter ${name}: must be one of ${(error.params.allowedValues as string[]).join(', ')}`);
    case 'maxLength':
      return invalidParameter(`Invalid parameter ${name}: must be at most ${String(error.params.limit)} characters`);
    case 'minLength':
      return invalidParameter(`Invalid parameter ${name}: must be at least ${String(error.params.limit)} characters`);
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
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ResourceNotFound(requestPath(request));
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return invalidParameter(`Invalid request: ${error.message}`);
  }
  return internalError(request.id);
}

// During an outage every request fails the same way: log the first, then at most one line
// per interval with the number of failures in between.
const OUTAGE_LOG_INTERVAL_MS = 5000;
const outageLogs = new WeakMap<object, { loggedAt: number; failuresSinceLog: number }>();

function logDatabaseUnavailable(request: FastifyRequest, error: unknown): void {
  let outage = outageLogs.get(request.server);
  if (outage === undefined) {
    outage = { loggedAt: 0, failuresSinceLog: 0 };
    outageLogs.set(request.server, outage);
  }
  outage.failuresSinceLog++;
  const now = Date.now();
  if (now - outage.loggedAt < OUTAGE_LOG_INTERVAL_MS) return;
  request.log.error({ err: error, failed_requests: outage.failuresSinceLog }, 'database unavailable: answering 503 until it returns');
  outage.loggedAt = now;
  outage.failuresSinceLog = 0;
}

export function sendTwilioError(error: FastifyError | TwilioError, request: FastifyRequest, reply: FastifyReply): void {
  const twilioError = toTwilioError(error, request);
  if (twilioError.status === 503 && isDatabaseUnavailable(error)) {
    logDatabaseUnavailable(request, error);
  } else if (twilioError.status >= 500 && twilioError.status !== 503) {
    request.log.error({ err: error }, 'request failed');
  }
  // /v2 asks for Basic; the operations endpoints (src/ops) set their own Bearer challenge first.
  // Every 503 is a moment's overload or outage: a client is told when to try again.
  if (twilioError.status === 503 && !reply.hasHeader('retry-after')) void reply.header('Retry-After', '1');
  if (twilioError.status === 401 && !reply.hasHeader('www-authenticate')) void reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
  void reply.code(twilioError.status).type('application/json; charset=utf-8').send(twilioError.toBody());
}

/** Router failures (a path that is not valid percent-encoding, an over-long segment) skip the hooks. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(corsHeaders).header('Twilio-Request-Id', request.id);
  sendTwilioError(error, request, reply);
}

/** Writes a Twilio error straight onto a socket that never became a request, and closes it. */
function writeRawError(socket: Duplex, twilioError: TwilioError): void {
  const body = JSON.stringify(twilioError.toBody());
  const headers = {
    ...corsHeaders,
    'twilio-request-id': newRequestId(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${twilioError.status} ${STATUS_CODES[twilioError.status]}\r\n${head}\r\n${body}`);
}

/**
 * Requests Node's HTTP parser refuses (an unknown method, CR/LF or NUL in a header, oversized
 * headers, conflicting lengths) never become a request: answer them on the socket and close it.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  writeRawError(
    socket,
    error.code === 'HPE_INVALID_METHOD'
      ? new TwilioError(405, 20004, 'Method not allowed')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new TwilioError(431, 20422, 'The request headers are too large')
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new TwilioError(408, 20422, 'The request was not received in time')
          : invalidParameter('The request is not valid HTTP'),
  );
}

/** CONNECT (a proxy tunnel) never reaches the router: Node hands over the socket instead. */
export function answerConnect(request: { url?: string }, socket: Duplex): void {
  writeRawError(socket, methodNotAllowed('CONNECT', request.url ?? ''));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((errors, dataVar) => schemaErrorToTwilio(errors, dataVar));
  app.setErrorHandler((error: FastifyError, request, reply) => sendTwilioError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendTwilioError(notFound(request), request, reply));
}

/** A path no route has: 404, or 405 for a method this server does not know at all (PROPFIND, LOCK…). */
export function notFound(request: FastifyRequest): TwilioError {
  const known = request.server.supportedMethods.includes(request.method);
  return known ? new ResourceNotFound(requestPath(request)) : methodNotAllowed(request.method, requestPath(request));
}
