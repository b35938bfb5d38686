// An alerts row as both backends return it (PostgreSQL's BIGINTs are parsed to numbers by the pool).
import type { AlertFilter, AlertLogLevel, AlertRecord, AlertSummary, KeysetQuery } from '../store.js';

/** What a list reads: the request and response details are left to a fetch of one alert. */
export const SUMMARY_COLUMNS =
  'sid, account_sid, service_sid, resource_sid, error_code, log_level, alert_text, api_version, request_method, request_url, date_generated, date_created, date_updated';
export const RECORD_COLUMNS = `${SUMMARY_COLUMNS}, request_variables, request_headers, response_body, response_headers`;

export interface AlertSummaryRow {
  sid: string;
  account_sid: string;
  service_sid: string | null;
  resource_sid: string | null;
  error_code: number;
  log_level: AlertLogLevel;
  alert_text: string;
  api_version: string | null;
  request_method: 'GET' | 'POST' | null;
  request_url: string | null;
  date_generated: number;
  date_created: number;
  date_updated: number;
}

export interface AlertRow extends AlertSummaryRow {
  request_variables: string | null;
  request_headers: string | null;
  response_body: string | null;
  response_headers: string | null;
}

export const alertSummaryFromRow = (row: AlertSummaryRow): AlertSummary => ({
  sid: row.sid,
  accountSid: row.account_sid,
  serviceSid: row.service_sid,
  resourceSid: row.resource_sid,
  errorCode: row.error_code,
  logLevel: row.log_level,
  alertText: row.alert_text,
  apiVersion: row.api_version,
  requestMethod: row.request_method,
  requestUrl: row.request_url,
  dateGeneratedMs: row.date_generated,
  dateCreatedMs: row.date_created,
  dateUpdatedMs: row.date_updated,
});

export const alertFromRow = (row: AlertRow): AlertRecord => ({
  ...alertSummaryFromRow(row),
  requestVariables: row.request_variables,
  requestHeaders: row.request_headers,
  responseBody: row.response_body,
  responseHeaders: row.response_headers,
});

/** The values of RECORD_COLUMNS, in its order. */
export const alertValues = (alert: AlertRecord): unknown[] => [
  alert.sid,
  alert.accountSid,
  alert.serviceSid,
  alert.resourceSid,
  alert.errorCode,
  alert.logLevel,
  alert.alertText,
  alert.apiVersion,
  alert.requestMethod,
  alert.requestUrl,
  alert.dateGeneratedMs,
  alert.dateCreatedMs,
  alert.dateUpdatedMs,
  alert.requestVariables,
  alert.requestHeaders,
  alert.responseBody,
  alert.responseHeaders,
];

/**
 * The date range a page reads, as [from inclusive, before exclusive]: the filter's, narrowed to the
 * cursor's side of it, so that an index range starts at the cursor (a deep page costs what the
 * first does) instead of scanning down from the newest alert to it.
 */
export function pageRange(filter: AlertFilter, query: KeysetQuery): [number, number] {
  let from = filter.generatedFromMs ?? Number.MIN_SAFE_INTEGER;
  let before = filter.generatedBeforeMs ?? Number.MAX_SAFE_INTEGER;
  if (query.after !== undefined) before = Math.min(before, query.after.createdMs + 1);
  if (query.before !== undefined) from = Math.max(from, query.before.createdMs);
  return [from, before];
}
