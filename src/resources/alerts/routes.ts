// HTTP surface of the Monitor API's /v1/Alerts: filters, paging (newest first), and the JSON of an Alert.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import { isoSeconds, parseIsoInstant } from '../../clock.js';
import { invalidParameter } from '../../errors.js';
import type { RouteContext } from '../../http/context.js';
import { parsePageRequest, shapePage } from '../../http/paging.js';
import { listSchema, pagingQuery, ref } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import { isSid } from '../../sids.js';
import type { AlertFilter, AlertLogLevel, AlertRecord, AlertSummary } from '../../store/store.js';
import { ALERT_LOG_LEVELS, moreInfoUrl, type AlertRules } from './rules.js';

const listQuery = {
  type: 'object',
  properties: { LogLevel: { type: 'string' }, StartDate: { type: 'string' }, EndDate: { type: 'string' }, ...pagingQuery },
} as const;

const sidParams = { type: 'object', properties: { Sid: { type: 'string' } }, required: ['Sid'] } as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` (midnight GMT, as Twilio reads it) or `YYYY-MM-DDThh:mm:ss[.mmm]Z`, in milliseconds. */
function parseDateParameter(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = parseIsoInstant(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (ms === null) {
    throw invalidParameter(`Invalid parameter ${name}: must be a date in GMT as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, got "${raw}"`);
  }
  return ms;
}

/** A date as the paging URLs echo it: Twilio writes `2016-01-01` back as `2016-01-01T00:00:00Z`. */
const echoDate = (ms: number) => (ms % 1000 === 0 ? isoSeconds(ms) : new Date(ms).toISOString());

interface ParsedFilter {
  filter: AlertFilter;
  /** The filters as the paging URLs repeat them, in Twilio's order. */
  echoed: Array<[string, string]>;
}

function parseFilter(query: { LogLevel?: string; StartDate?: string; EndDate?: string }): ParsedFilter {
  const filter: AlertFilter = {};
  const echoed: Array<[string, string]> = [];
  const rawLevel = query.LogLevel;
  if (rawLevel !== undefined && rawLevel !== '') {
    const level = rawLevel.toLowerCase() as AlertLogLevel;
    if (!ALERT_LOG_LEVELS.includes(level)) {
      throw invalidParameter(`Invalid parameter LogLevel: must be one of ${ALERT_LOG_LEVELS.join(', ')}, got "${rawLevel}"`);
    }
    filter.logLevel = level;
    echoed.push(['LogLevel', level]);
  }
  const start = parseDateParameter('StartDate', query.StartDate);
  const end = parseDateParameter('EndDate', query.EndDate);
  if (start !== undefined && end !== undefined && start > end) {
    throw invalidParameter('Invalid parameter StartDate: must not be after EndDate');
  }
  if (start !== undefined) {
    filter.generatedFromMs = start;
    echoed.push(['StartDate', echoDate(start)]);
  }
  if (end !== undefined) {
    // "On or before" a time given to the second takes in all of that second: the alert whose
    // date_generated reads 10:00:05Z is in EndDate=10:00:05Z, though it happened at 10:00:05.4.
    filter.generatedBeforeMs = end % 1000 === 0 ? end + 1000 : end + 1;
    echoed.push(['EndDate', echoDate(end)]);
  }
  return { filter, echoed };
}

export function alertSummaryBody(alert: AlertSummary, base: string) {
  return {
    account_sid: alert.accountSid,
    alert_text: alert.alertText,
    api_version: alert.apiVersion,
    date_created: isoSeconds(alert.dateCreatedMs),
    date_generated: isoSeconds(alert.dateGeneratedMs),
    date_updated: isoSeconds(alert.dateUpdatedMs),
    error_code: String(alert.errorCode),
    log_level: alert.logLevel,
    more_info: moreInfoUrl(alert.errorCode),
    request_method: alert.requestMethod,
    request_url: alert.requestUrl,
    resource_sid: alert.resourceSid,
    sid: alert.sid,
    url: `${base}/v1/Alerts/${alert.sid}`,
    service_sid: alert.serviceSid,
  };
}

export function alertBody(alert: AlertRecord, base: string) {
  return {
    ...alertSummaryBody(alert, base),
    request_variables: alert.requestVariables,
    response_body: alert.responseBody,
    response_headers: alert.responseHeaders,
    request_headers: alert.requestHeaders,
  };
}

export function alertRoutes(untyped: FastifyInstance, rules: AlertRules, context: RouteContext): void {
  // Queries and path parameters are typed by the routes' own schemas.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const base = (request: Parameters<typeof baseUrlOf>[0]) => baseUrlOf(request, context.publicBaseUrl);

  app.get(
    '/v1/Alerts',
    {
      schema: { operationId: 'ListAlert', querystring: listQuery, response: { 200: listSchema('alerts', 'monitor.v1.alert') } },
    },
    async (request) => {
      const query = request.query;
      const { filter, echoed } = parseFilter(query);
      const pageRequest = parsePageRequest(query);
      const cursor = pageRequest.keyset.after ?? pageRequest.keyset.before;
      // A token from another list (a Service's GA… cursor) would page from a place no alert has.
      if (cursor !== undefined && !isSid('NO', cursor.sid)) throw invalidParameter('Invalid parameter PageToken: not a token of this list');
      const alerts = await rules.list(request.accountSid, filter, pageRequest.keyset);
      const baseUrl = base(request);
      const page = shapePage(alerts, pageRequest, (alert) => ({ createdMs: alert.dateGeneratedMs, sid: alert.sid }), {
        base: baseUrl,
        path: '/v1/Alerts',
        key: 'alerts',
        filters: echoed,
      });
      return { alerts: page.items.map((alert) => alertSummaryBody(alert, baseUrl)), meta: page.meta };
    },
  );

  app.get(
    '/v1/Alerts/:Sid',
    {
      schema: { operationId: 'FetchAlert', params: sidParams, response: { 200: ref('monitor.v1.alert-instance') } },
    },
    async (request) => alertBody(await rules.fetch(request.accountSid, request.params.Sid), base(request)),
  );
}
