// Builds the Fastify application from its parts (no listen): used by the CLI and by the tests.
import type { AccountSid } from './sids.js';
import Fastify, { LogController, type FastifyInstance, type preValidationHookHandler } from 'fastify';
import type { CatalogIndex } from './catalog/load.js';
import type { Config } from './config.js';
import { consoleRoutes } from './console/routes.js';
import { installPreflight } from './http/cors.js';
import { BodyBudget, budgetedBodyReader } from './http/body.js';
import { limitConnections, requestTimeouts } from './http/connection-limits.js';
import { answerClientError, answerConnect, answerFrameworkError, installErrorHandling, notFound } from './http/error-handler.js';
import { emptyFields, invalidQueryMarker, parseFormBody, parseQueryString } from './http/form.js';
import { internals as nodeAndFastifyInternals, warnOfMissingInternals, type Internals } from './http/internals.js';
import { lazySchemaCompilers } from './http/lazy-compilers.js';
import { methodNotAllowedRoutes } from './http/method-not-allowed.js';
import { RequestActivity } from './http/activity.js';
import { OverloadMonitor } from './http/overload.js';
import { AuthFailureLimiter, tooManyFailedAuthentications } from './http/auth-failures.js';
import { RateLimiter, specListsRateLimitHeaders } from './http/rate-limit.js';
import { newRequestId } from './http/request-id.js';
import { everyResponseHeaders } from './http/response-headers.js';
import { isValidHostHeader } from './http/urls.js';
import { sharedSchemas } from './http/schemas.js';
import { invalidParameter, serviceUnavailable, TwilioError } from './errors.js';
import { Authenticator } from './resources/accounts/rules.js';
import { AlertRules } from './resources/alerts/rules.js';
import { alertRoutes } from './resources/alerts/routes.js';
import type { SecretKey } from './resources/accounts/secret-key.js';
import { AttachmentRules } from './resources/attachments/rules.js';
import { attachmentRoutes } from './resources/attachments/routes.js';
import { OperatorResultRules } from './resources/operator-results/rules.js';
import { operatorResultRoutes } from './resources/operator-results/routes.js';
import { OperatorRules } from './resources/operators/rules.js';
import { operatorRoutes } from './resources/operators/routes.js';
import { operatorTypeRoutes } from './resources/operators/type-routes.js';
import { ServiceRules } from './resources/services/rules.js';
import { serviceRoutes } from './resources/services/routes.js';
import { TranscriptRules } from './resources/transcripts/rules.js';
import { transcriptRoutes } from './resources/transcripts/routes.js';
import { sentenceRoutes } from './resources/transcripts/sentences-routes.js';
import { mediaFileRoutes, mediaRoutes } from './resources/transcripts/media-routes.js';
import { MediaStore } from './media/media-store.js';
import { MediaUrlSigner } from './media/signed-urls.js';
import { readGeneration, transcriptsReadGeneration, withReadCache } from './store/read-cache.js';
import type { Store } from './store/store.js';
import { markingStoreErrors } from './store/errors.js';
import { adminRoutes } from './ops/admin-routes.js';
import { healthRoutes } from './ops/health.js';
import { jsonLines, loggerOptions } from './ops/logging.js';
import { lazyRequestLogger, requestLogger } from './ops/request-log.js';
import { RefusalSampler } from './ops/refusal-sampling.js';
import { installMetrics, instrumentStore } from './ops/metrics.js';
import { registerOpenApi } from './ops/openapi.js';
import { SnapshotRules } from './ops/snapshot.js';
import { accountQuotas } from './resources/accounts/quotas.js';
import { packageFacts } from './ops/version.js';

export interface AppParts {
  config: Config;
  store: Store;
  catalog: CatalogIndex;
  /** Where log lines go; defaults to stdout. */
  logStream?: NodeJS.WritableStream;
  /** Node's and Fastify's internals as checked at start-up (tests simulate missing ones). */
  internals?: Internals;
  /** The server key (resolveSecretKey): accounts authenticating with their token get its encrypted copy if they lack one. */
  secretKey?: SecretKey | null;
}

const emptyFormWhenNoBody: preValidationHookHandler = (request, _reply, done) => {
  if (request.body === undefined && request.method === 'POST') request.body = emptyFields();
  done();
};

/** Each app's store as its routes read it: with the read cache (see servingStore). */
const servingStores = new WeakMap<FastifyInstance, Store>();
/** Each app's record of its API requests (see requestActivity). */
const activities = new WeakMap<FastifyInstance, RequestActivity>();

/** When `app` was last asked something: background work gives way to its requests (http/activity.ts). */
export function requestActivity(app: FastifyInstance): RequestActivity {
  const activity = activities.get(app);
  if (activity === undefined) throw new Error('not an app made by buildApp');
  return activity;
}

/**
 * The store `app`'s routes read, behind its read cache: whatever writes what they read in this
 * process (the transcript job, a test) writes through it, so the cache sees the write at once.
 */
export function servingStore(app: FastifyInstance): Store {
  const store = servingStores.get(app);
  if (store === undefined) throw new Error('not an app made by buildApp');
  return store;
}

export async function buildApp({
  config,
  store: plainStore,
  catalog,
  logStream,
  internals = nodeAndFastifyInternals,
  secretKey = null,
}: AppParts): Promise<FastifyInstance> {
  const logger = loggerOptions(config, logStream);
  const app = Fastify({
    logger,
    // A client that sends its request slowly cannot hold a connection forever (408, Twilio body).
    requestTimeout: config.requestTimeoutMs,
    // One line per request, written by our onResponse hook (with account and route template).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: newRequestId,
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: config.bodyLimitBytes,
    // A UniqueName (≤ 256 characters) may arrive percent-encoded at up to 9 characters each.
    routerOptions: { querystringParser: parseQueryString, maxParamLength: 4096 },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // A request without Host gets our Twilio 400 (below) instead of Node's bare one; a request whose
    // whole message arrived with nothing unread is not drained after its answer (internals.ts).
    http: {
      requireHostHeader: false,
      ...(internals.requestClass === undefined ? {} : { IncomingMessage: internals.requestClass }),
      ...requestTimeouts(config.requestTimeoutMs),
    },
    // How long an idle keep-alive connection is kept (Fastify's 72 s outlasts load balancers' 60 s).
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // validateSchema: our schemas are fixed, and checking them against JSON Schema's meta-schema at
    // every start cost ~50 ms; test/http/lazy-compilers.test.ts checks them with it instead.
    ajv: { customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false, useDefaults: false, validateSchema: false } },
    // Each route's validators and serialisers are compiled by its first request, not at start-up.
    ...(internals.lowerCaseHeaderNames === null
      ? {}
      : { schemaController: { compilersFactory: lazySchemaCompilers(internals.lowerCaseHeaderNames) } }),
    // Requests that arrive while draining get our own Twilio-style 503 (see the /v2 hook).
    return503OnClosing: false,
    forceCloseConnections: false,
  });

  warnOfMissingInternals(app.log, internals);
  const { routeTemplateOf } = internals;
  const setEveryResponseHeaders = everyResponseHeaders(internals.replyHeaders);
  // Every /v2 request gets its account from the auth hook before a handler reads it.
  app.decorateRequest('accountSid', '' as AccountSid);
  for (const schema of sharedSchemas) app.addSchema(schema);
  installErrorHandling(app);
  registerOpenApi(app, packageFacts().version); // before any route, so that it sees them all
  const metrics = config.metricsEnabled ? installMetrics(app, config.metricsToken, packageFacts().version) : null;
  // The read cache outside the metrics: the database timings count real database calls only.
  const ownStore = markingStoreErrors(plainStore);
  const store = withReadCache(metrics === null ? ownStore : instrumentStore(ownStore, metrics));
  servingStores.set(app, store);
  const activity = new RequestActivity();
  activities.set(app, activity);
  const notAllowed = methodNotAllowedRoutes(app);
  app.addHook('onRoute', (route) => {
    const schema = route.schema;
    if (specListsRateLimitHeaders(schema?.operationId)) route.config = { ...route.config, rateLimitHeaders: true };
    // A POST with no body is an empty form: its parameters are missing, not the body "of the wrong
    // type". Only routes that validate a body need this; the others skip the hook.
    if (schema?.body !== undefined) {
      const existing =
        route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
      route.preValidation = [emptyFormWhenNoBody, ...existing];
    }
  });

  // Hooks on every request are callback hooks: no promise and no microtask per request.
  app.addHook('onRequest', (request, reply, done) => {
    setEveryResponseHeaders(reply, request.id);
    const invalidQuery = (request.query as Record<symbol, Error | undefined>)[invalidQueryMarker];
    if (invalidQuery !== undefined) return done(invalidQuery);
    // Every URL we answer is built from Host (unless PUBLIC_BASE_URL is set); HTTP/1.1 requires it.
    const host = request.headers.host;
    if (host === undefined) return done(invalidParameter('Missing Host header'));
    if (!isValidHostHeader(host))
      return done(invalidParameter('Invalid Host header: it must be a host name or IP address, with an optional port'));
    // Answered before the body stage, so a body sent to a path we do not have is never read.
    if (request.is404) return done(notFound(request));
    done();
  });
  app.server.on('connect', answerConnect);
  limitConnections(app.server, { maxConnections: config.maxConnections, perClient: config.maxConnectionsPerClient }, app.log);
  const refusals = new RefusalSampler(requestLogger(app.log, jsonLines(logger)), app.log);
  const logRequest = refusals.log;
  app.addHook('onClose', async () => refusals.flush());
  // One hook for the log line and the metrics: the route and the duration are read once.
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeTemplateOf(request);
    const durationMs = Math.round(reply.elapsedTime * 1000) / 1000;
    logRequest(request, reply.statusCode, route, durationMs);
    metrics?.observeRequest(route, request.method, reply.statusCode, durationMs / 1000);
    done();
  });

  installPreflight(app);
  app.removeAllContentTypeParsers();
  // Our own parser rather than @fastify/formbody: it must see bytes, so invalid UTF-8 is refused
  // rather than replaced, and broken escapes are refused rather than passed through.
  const bodyBudget = new BodyBudget(config.maxBufferedBodyBytes);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    budgetedBodyReader(bodyBudget, config.bodyLimitBytes, (body, done) => {
      try {
        done(null, parseFormBody(body));
      } catch (error) {
        done(error as Error, undefined);
      }
    }),
  );

  // On SQLite every request checks the stored credential (answered by the read cache until anything
  // changed it, even in another process), so a revoked key fails at once; a PostgreSQL round trip
  // is trusted for a second.
  const authenticator = new Authenticator(store, store.kind === 'postgres' ? 1000 : 0, secretKey);
  const services = new ServiceRules(store, config.maxServicesPerAccount);
  const operators = new OperatorRules(store, catalog, config.maxCustomOperatorsPerAccount);
  const attachments = new AttachmentRules(store, operators, config.maxOperatorsPerService);
  const alerts = new AlertRules(store);
  const transcripts = new TranscriptRules(store, new MediaStore(config.mediaDir));
  const mediaSigner =
    secretKey === null
      ? MediaUrlSigner.ephemeral(config.mediaUrlTtlSeconds)
      : MediaUrlSigner.fromSecretKey(secretKey.bytes(), config.mediaUrlTtlSeconds);
  if (secretKey === null) {
    app.log.warn('no secret key: media URLs are signed with a key of this process only, so they fail after a restart and on other nodes');
  }
  const context = {
    publicBaseUrl: config.publicBaseUrl,
    readGeneration: () => readGeneration(store),
    transcriptsGeneration: () => transcriptsReadGeneration(store),
  };
  const authFailures = new AuthFailureLimiter({ failures: config.authFailureLimit, windowSeconds: config.authFailureWindowSeconds });
  const rateLimiter = new RateLimiter(
    { requests: config.rateLimitRequests, windowSeconds: config.rateLimitWindowSeconds },
    internals.replyHeaders,
  );
  const overload = new OverloadMonitor({
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
  });
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  // Responses sent while draining close their connection: a keep-alive client must neither hold
  // the shutdown open until SHUTDOWN_TIMEOUT_MS nor reuse a connection that is about to go away.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) void reply.header('Connection', 'close');
    done(null, payload);
  });
  app.addHook('onClose', async () => overload.stop());

  await app.register(async (api) => {
    // A callback hook: a known, unchanged credential is answered at once, without a promise.
    api.addHook('onRequest', (request, reply, done) => {
      activity.seen();
      if (draining) {
        void reply.header('Connection', 'close');
        return done(serviceUnavailable('The server is shutting down; try again shortly'));
      }
      if (overload.isOverloaded) {
        void reply.header('Retry-After', '1');
        return done(serviceUnavailable('The server is overloaded; try again shortly'));
      }
      const admit = (accountSid: AccountSid) => {
        request.accountSid = accountSid;
        if (rateLimiter.enabled) {
          try {
            rateLimiter.take(accountSid, reply, request.routeOptions.config.rateLimitHeaders === true);
          } catch (error) {
            return done(error as Error);
          }
        }
        done();
      };
      const { authorization } = request.headers;
      // An address past its failures is refused before any lookup, unless it presents credentials already verified.
      if (authFailures.enabled && authFailures.tracksAny()) {
        const retryAfter = authFailures.retryAfterSeconds(request.ip);
        if (retryAfter > 0 && !authenticator.hasVerified(authorization)) {
          void reply.header('Retry-After', String(retryAfter));
          return done(tooManyFailedAuthentications());
        }
      }
      const account = authenticator.accountFor(authorization);
      if (typeof account === 'string') admit(account);
      else
        account.then(admit, (error: Error) => {
          if (error instanceof TwilioError && error.status === 401) authFailures.recordFailure(request.ip);
          done(error);
        });
    });
    serviceRoutes(api, services, context);
    operatorTypeRoutes(api, operators, context);
    operatorRoutes(api, operators, context);
    attachmentRoutes(api, attachments, context);
    alertRoutes(api, alerts, context);
    transcriptRoutes(api, transcripts, context);
    sentenceRoutes(api, transcripts, context);
    mediaRoutes(api, transcripts, mediaSigner, context);
    operatorResultRoutes(api, new OperatorResultRules(store), context);
  });
  mediaFileRoutes(app, transcripts, mediaSigner);
  healthRoutes(app, store);
  consoleRoutes(app);
  if (config.adminToken !== null) {
    const snapshots = new SnapshotRules(store, catalog, config.maxOperatorsPerService, accountQuotas(config));
    await app.register(adminRoutes, { token: config.adminToken, snapshots });
  }
  notAllowed.install();

  return app;
}
