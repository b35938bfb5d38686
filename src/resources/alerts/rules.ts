// Alerts: what the server's background work records when something went wrong (a transcript that
// failed, a webhook not delivered, an operator that could not run), and the Monitor API's reads.
import { resourceNotFound } from '../../errors.js';
import { isSid, newSid, type AccountSid, type AlertSid } from '../../sids.js';
import type { AlertFilter, AlertLogLevel, AlertOperations, AlertRecord, AlertSummary, KeysetQuery } from '../../store/store.js';

export const ALERT_LOG_LEVELS: readonly AlertLogLevel[] = ['error', 'warning', 'notice', 'debug'];

/** What a caller knows of an alert; the rest (SID, dates, more_info) is made here. */
export interface NewAlert {
  accountSid: AccountSid | string;
  /** Twilio's error code, e.g. 95105 (more_info links to its page). */
  errorCode: number;
  logLevel: AlertLogLevel;
  /** What went wrong and what to do about it, for a person: e.g. "… add it to OUTBOUND_ALLOWLIST". */
  alertText: string;
  /** The resource it concerns, e.g. the transcript (GT…). */
  resourceSid?: string | null;
  /** The Intelligence Service (GA…). */
  serviceSid?: string | null;
  /** The URL called (a media URL, a webhook). */
  requestUrl?: string | null;
  requestMethod?: 'GET' | 'POST' | null;
  apiVersion?: string | null;
  /** Only a fetch of one alert shows these four (Twilio's rule): e.g. a webhook receiver's answer. */
  requestVariables?: string | null;
  requestHeaders?: string | null;
  responseBody?: string | null;
  responseHeaders?: string | null;
  /** When the condition happened, if not `nowMs`. */
  generatedMs?: number;
}

/** Longest alert text kept, characters; longer ones are cut (the cut marked). */
export const MAX_ALERT_TEXT_LENGTH = 4_096;
/** Longest request or response detail kept: a receiver's body can be anything, of any size. */
export const MAX_ALERT_DETAIL_LENGTH = 16_384;

const ANY_SID = /^[a-zA-Z]{2}[0-9a-fA-F]{32}$/;

/** PostgreSQL text cannot hold NUL, and a receiver's body may contain one: both stores keep the same text. */
function storedText(text: string, max: number): string {
  const clean = text.replaceAll('\0', '\uFFFD');
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

const optionalText = (text: string | null | undefined, max: number) => (text == null ? null : storedText(text, max));

function optionalSid(name: string, value: string | null | undefined): string | null {
  if (value == null) return null;
  if (!ANY_SID.test(value)) throw new RangeError(`recordAlert: ${name} must be a SID (two letters and 32 hex digits), got "${value}"`);
  return value;
}

/**
 * Writes an alert: the one way the rest of the server records one. Pass a unit of work's
 * operations to make it part of that unit (it waits on nothing else). A malformed alert is the
 * caller's bug and throws a RangeError, writing nothing.
 */
export async function recordAlert(
  ops: Pick<AlertOperations, 'insertAlert'>,
  alert: NewAlert,
  nowMs: number = Date.now(),
): Promise<AlertRecord> {
  if (!isSid('AC', alert.accountSid)) throw new RangeError(`recordAlert: accountSid must be an Account SID, got "${alert.accountSid}"`);
  if (!Number.isSafeInteger(alert.errorCode) || alert.errorCode <= 0) {
    throw new RangeError(`recordAlert: errorCode must be a positive whole number, got ${alert.errorCode}`);
  }
  if (!ALERT_LOG_LEVELS.includes(alert.logLevel))
    throw new RangeError(`recordAlert: logLevel must be one of ${ALERT_LOG_LEVELS.join(', ')}`);
  if (alert.alertText.trim() === '') throw new RangeError('recordAlert: alertText must say what went wrong');
  if (alert.requestMethod != null && alert.requestMethod !== 'GET' && alert.requestMethod !== 'POST') {
    throw new RangeError(`recordAlert: requestMethod must be GET or POST, got "${String(alert.requestMethod)}"`);
  }
  const generatedMs = alert.generatedMs ?? nowMs;
  if (!Number.isSafeInteger(generatedMs) || !Number.isSafeInteger(nowMs))
    throw new RangeError('recordAlert: times must be whole milliseconds');
  const record: AlertRecord = {
    sid: newSid('NO') satisfies AlertSid,
    accountSid: alert.accountSid,
    serviceSid: optionalSid('serviceSid', alert.serviceSid),
    resourceSid: optionalSid('resourceSid', alert.resourceSid),
    errorCode: alert.errorCode,
    logLevel: alert.logLevel,
    alertText: storedText(alert.alertText, MAX_ALERT_TEXT_LENGTH),
    apiVersion: optionalText(alert.apiVersion, 64),
    requestMethod: alert.requestMethod ?? null,
    requestUrl: optionalText(alert.requestUrl, MAX_ALERT_DETAIL_LENGTH),
    requestVariables: optionalText(alert.requestVariables, MAX_ALERT_DETAIL_LENGTH),
    requestHeaders: optionalText(alert.requestHeaders, MAX_ALERT_DETAIL_LENGTH),
    responseBody: optionalText(alert.responseBody, MAX_ALERT_DETAIL_LENGTH),
    responseHeaders: optionalText(alert.responseHeaders, MAX_ALERT_DETAIL_LENGTH),
    dateGeneratedMs: generatedMs,
    dateCreatedMs: nowMs,
    dateUpdatedMs: nowMs,
  };
  await ops.insertAlert(record);
  return record;
}

/** Twilio's page for an error code, as `more_info` shows it. */
export const moreInfoUrl = (errorCode: number) => `https://www.twilio.com/docs/errors/${errorCode}`;

/** The Monitor API's reads: an account sees its own alerts only, another's is answered as missing. */
export class AlertRules {
  constructor(private readonly store: AlertOperations) {}

  async fetch(accountSid: string, sid: string): Promise<AlertRecord> {
    const record = isSid('NO', sid) ? await this.store.findAlert(accountSid, sid) : null;
    if (record === null) throw resourceNotFound();
    return record;
  }

  /** Newest first. */
  list(accountSid: string, filter: AlertFilter, query: KeysetQuery): Promise<AlertSummary[]> {
    return this.store.listAlerts(accountSid, filter, query);
  }
}
