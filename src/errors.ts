// Twilio-style errors: a value with an HTTP status and a Twilio code, turned into a body in one place.

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  details?: Record<string, unknown>;
}

export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TwilioError';
  }

  toBody(): TwilioErrorBody {
    const body: TwilioErrorBody = {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export const authenticationFailed = () => new TwilioError(401, 20003, 'Authenticate');

/** The message names the request's path; the HTTP layer fills it in (rules do not know paths). */
export class ResourceNotFound extends TwilioError {
  constructor(path = '') {
    super(404, 20404, `The requested resource ${path} was not found`);
    this.name = 'ResourceNotFound';
  }
}

export const resourceNotFound = (path?: string) => new ResourceNotFound(path);

export const invalidParameter = (message: string, details?: Record<string, unknown>) => new TwilioError(400, 20422, message, details);

export const missingParameter = (name: string) => invalidParameter(`Missing required parameter ${name} in the post body`);

export const methodNotAllowed = (method: string, path: string) => new TwilioError(405, 20004, `Method ${method} is not allowed on ${path}`);

export const conflict = (message: string, details?: Record<string, unknown>) => new TwilioError(409, 20409, message, details);

export const preconditionFailed = (current: number) =>
  new TwilioError(412, 20412, `If-Match does not match the current version (${current})`);

export const payloadTooLarge = (limit: number) => new TwilioError(413, 20413, `Request body is larger than ${limit} bytes`);

export const tooManyRequests = (message = 'Too many requests: the rate limit for this account is exceeded') =>
  new TwilioError(429, 20429, message);

export const serviceUnavailable = (message = 'Service temporarily unavailable') => new TwilioError(503, 20503, message);

export const internalError = (requestId: string) => new TwilioError(500, 20500, `Internal server error (request ${requestId})`);
