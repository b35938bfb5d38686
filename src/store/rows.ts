// Table rows as both databases return them, and their records. Only the boolean columns differ:
// SQLite answers 0/1, PostgreSQL true/false.
import type { AccountSid, OperatorSid, ServiceSid } from '../sids.js';
import type { CustomOperatorRecord, ServiceRecord, WebhookHttpMethod } from './store.js';

export interface ServiceRow<Flag = number | boolean> {
  sid: string;
  account_sid: string;
  unique_name: string;
  friendly_name: string | null;
  language_code: string;
  auto_redaction: Flag;
  media_redaction: Flag;
  auto_transcribe: Flag;
  data_logging: Flag;
  webhook_url: string | null;
  webhook_http_method: string | null;
  encryption_credential_sid: string | null;
  version: number;
  date_created: number;
  date_updated: number;
}

export interface CustomOperatorRow {
  sid: string;
  account_sid: string;
  friendly_name: string;
  description: string | null;
  operator_type: string;
  config: string;
  availability: string;
  version: number;
  date_created: number;
  date_updated: number;
}

// Stored SIDs were checked (or made) before they were written, so rows carry their kinds.
export const serviceFromRow = (row: ServiceRow): ServiceRecord => ({
  sid: row.sid as ServiceSid,
  accountSid: row.account_sid as AccountSid,
  uniqueName: row.unique_name,
  friendlyName: row.friendly_name,
  languageCode: row.language_code,
  autoRedaction: row.auto_redaction === true || row.auto_redaction === 1,
  mediaRedaction: row.media_redaction === true || row.media_redaction === 1,
  autoTranscribe: row.auto_transcribe === true || row.auto_transcribe === 1,
  dataLogging: row.data_logging === true || row.data_logging === 1,
  webhookUrl: row.webhook_url,
  webhookHttpMethod: row.webhook_http_method as WebhookHttpMethod | null,
  encryptionCredentialSid: row.encryption_credential_sid,
  version: row.version,
  dateCreatedMs: row.date_created,
  dateUpdatedMs: row.date_updated,
});

export const customOperatorFromRow = (row: CustomOperatorRow): CustomOperatorRecord => ({
  sid: row.sid as OperatorSid,
  accountSid: row.account_sid as AccountSid,
  friendlyName: row.friendly_name,
  description: row.description,
  operatorType: row.operator_type,
  configJson: row.config,
  availability: row.availability,
  version: row.version,
  dateCreatedMs: row.date_created,
  dateUpdatedMs: row.date_updated,
});

/** A service's column values in the order of SERVICE_COLUMNS, booleans as `flag` writes them. */
export function serviceValues<Flag>(service: ServiceRecord, flag: (value: boolean) => Flag): unknown[] {
  return [
    service.sid,
    service.accountSid,
    service.uniqueName,
    service.friendlyName,
    service.languageCode,
    flag(service.autoRedaction),
    flag(service.mediaRedaction),
    flag(service.autoTranscribe),
    flag(service.dataLogging),
    service.webhookUrl,
    service.webhookHttpMethod,
    service.encryptionCredentialSid,
    service.version,
    service.dateCreatedMs,
    service.dateUpdatedMs,
  ];
}

/** A custom operator's column values in the order of CUSTOM_OPERATOR_COLUMNS. */
export function customOperatorValues(operator: CustomOperatorRecord): unknown[] {
  return [
    operator.sid,
    operator.accountSid,
    operator.friendlyName,
    operator.description,
    operator.operatorType,
    operator.configJson,
    operator.availability,
    operator.version,
    operator.dateCreatedMs,
    operator.dateUpdatedMs,
  ];
}

export const SERVICE_COLUMNS = `sid, account_sid, unique_name, friendly_name, language_code, auto_redaction, media_redaction,
  auto_transcribe, data_logging, webhook_url, webhook_http_method, encryption_credential_sid, version, date_created,
  date_updated`;
/** How many columns SERVICE_COLUMNS names: a column selected after them is at this index. */
export const SERVICE_COLUMN_COUNT = SERVICE_COLUMNS.split(',').length;
export const CUSTOM_OPERATOR_COLUMNS = `sid, account_sid, friendly_name, description, operator_type, config, availability,
  version, date_created, date_updated`;

/** A service from its column values in SERVICE_COLUMNS order (rows read as arrays are cheaper). */
export const serviceFromValues = (v: unknown[]): ServiceRecord => ({
  sid: v[0] as ServiceSid,
  accountSid: v[1] as AccountSid,
  uniqueName: v[2] as string,
  friendlyName: v[3] as string | null,
  languageCode: v[4] as string,
  autoRedaction: v[5] === 1 || v[5] === true,
  mediaRedaction: v[6] === 1 || v[6] === true,
  autoTranscribe: v[7] === 1 || v[7] === true,
  dataLogging: v[8] === 1 || v[8] === true,
  webhookUrl: v[9] as string | null,
  webhookHttpMethod: v[10] as WebhookHttpMethod | null,
  encryptionCredentialSid: v[11] as string | null,
  version: v[12] as number,
  dateCreatedMs: v[13] as number,
  dateUpdatedMs: v[14] as number,
});

/** A custom operator from its column values in CUSTOM_OPERATOR_COLUMNS order. */
export const customOperatorFromValues = (v: unknown[]): CustomOperatorRecord => ({
  sid: v[0] as OperatorSid,
  accountSid: v[1] as AccountSid,
  friendlyName: v[2] as string,
  description: v[3] as string | null,
  operatorType: v[4] as string,
  configJson: v[5] as string,
  availability: v[6] as string,
  version: v[7] as number,
  dateCreatedMs: v[8] as number,
  dateUpdatedMs: v[9] as number,
});
