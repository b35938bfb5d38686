// The snapshot file: one account's services, custom operators and attachments, with their SIDs,
// versions and dates, as JSON. Field names are the API's (snake_case); dates are ISO 8601 UTC with
// milliseconds, so a round trip keeps the exact order of lists (creation time, then SID).
// `parseSnapshot` checks everything before the database is touched.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CatalogIndex } from '../catalog/load.js';
import { EARLIEST_STORED_MS, LATEST_STORED_MS, parseIsoInstant } from '../clock.js';
import { invalidParameter } from '../errors.js';
import { TRANSCRIPTION_LANGUAGES } from '../languages.js';
import { attachRefusal } from '../resources/attachments/rules.js';
import { readOperatorConfig } from '../resources/operators/config.js';
import { configurableType } from '../resources/operators/rules.js';
import { serviceSettingsProblems } from '../resources/services/rules.js';
import { issuedSidPattern, type AccountSid, type OperatorSid, type ServiceSid, type SidPrefix } from '../sids.js';
import type { AccountData, CustomOperatorRecord, ServiceRecord, WebhookHttpMethod } from '../store/store.js';

export const SNAPSHOT_FORMAT = 'intelligence-server/snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotService {
  sid: string;
  unique_name: string;
  friendly_name: string | null;
  language_code: string;
  auto_redaction: boolean;
  media_redaction: boolean;
  auto_transcribe: boolean;
  data_logging: boolean;
  webhook_url: string | null;
  webhook_http_method: WebhookHttpMethod | null;
  encryption_credential_sid: string | null;
  version: number;
  date_created: string;
  date_updated: string;
}

export interface SnapshotCustomOperator {
  sid: string;
  friendly_name: string;
  description: string | null;
  operator_type: string;
  config: Record<string, unknown>;
  availability: string;
  version: number;
  date_created: string;
  date_updated: string;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  account_sid: string;
  exported_at?: string;
  services: SnapshotService[];
  custom_operators: SnapshotCustomOperator[];
  /** In attachment order: each service's operators appear in the order they were attached. */
  attachments: Array<{ service_sid: string; operator_sid: string }>;
}

export interface SnapshotProblem {
  /** JSON pointer into the snapshot, e.g. `/services/0/unique_name`. */
  path: string;
  message: string;
}

const MAX_PROBLEMS = 20;
// Only SIDs this server could have issued: an uppercase twin of a SID would be a second key for it.
const sid = (prefix: SidPrefix) => ({ type: 'string', pattern: issuedSidPattern(prefix) });
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$' };
/** PostgreSQL keeps `version` as INTEGER: an imported version leaves room for a billion updates. */
export const MAX_IMPORTED_VERSION = 1_000_000_000;
const version = { type: 'integer', minimum: 1, maximum: MAX_IMPORTED_VERSION };
const record = (properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

/** The snapshot document as JSON Schema (also published in /openapi.json by the admin routes). */
export const snapshotSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'account_sid', 'services', 'custom_operators', 'attachments'],
  properties: {
    format: { const: SNAPSHOT_FORMAT },
    version: { const: SNAPSHOT_VERSION },
    account_sid: sid('AC'),
    exported_at: date,
    services: {
      type: 'array',
      items: record({
        sid: sid('GA'),
        unique_name: { type: 'string', minLength: 1, maxLength: 256 },
        friendly_name: nullable({ type: 'string', maxLength: 64 }),
        language_code: { enum: [...TRANSCRIPTION_LANGUAGES] },
        auto_redaction: { type: 'boolean' },
        media_redaction: { type: 'boolean' },
        auto_transcribe: { type: 'boolean' },
        data_logging: { type: 'boolean' },
        webhook_url: nullable({ type: 'string', maxLength: 2048 }),
        webhook_http_method: nullable({ enum: ['GET', 'POST', 'NULL'] }),
        // Not a SID of this server: the API stores it as given, in either case (the spec's pattern).
        encryption_credential_sid: nullable({ type: 'string', pattern: '^CR[0-9a-fA-F]{32}$' }),
        version,
        date_created: date,
        date_updated: date,
      }),
    },
    custom_operators: {
      type: 'array',
      items: record({
        sid: sid('LY'),
        friendly_name: { type: 'string', minLength: 1, maxLength: 64 },
        description: nullable({ type: 'string', maxLength: 1000 }),
        operator_type: { type: 'string', minLength: 1, maxLength: 64 },
        config: { type: 'object', additionalProperties: true },
        availability: { enum: ['internal', 'beta', 'public', 'deprecated', 'general-availability', 'retired'] },
        version,
        date_created: date,
        date_updated: date,
      }),
    },
    attachments: { type: 'array', items: record({ service_sid: sid('GA'), operator_sid: sid('LY') }) },
  },
} as const;

// Compiled on the first import or export, not at start-up.
let validateShapeOnce: ValidateFunction<Snapshot> | undefined;
const validateShape = (): ValidateFunction<Snapshot> =>
  (validateShapeOnce ??= new Ajv({ allErrors: true, strict: true }).compile<Snapshot>(snapshotSchema));

function shapeProblems(errors: ErrorObject[]): SnapshotProblem[] {
  return errors.map((error) => {
    const path =
      error.keyword === 'additionalProperties'
        ? `${error.instancePath}/${String(error.params.additionalProperty)}`
        : error.keyword === 'required'
          ? `${error.instancePath}/${String(error.params.missingProperty)}`
          : error.instancePath;
    const message =
      error.keyword === 'additionalProperties'
        ? 'is not a snapshot field'
        : error.keyword === 'required'
          ? 'is missing'
          : error.keyword === 'const'
            ? `must be ${JSON.stringify(error.params.allowedValue)}`
            : error.keyword === 'enum'
              ? `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`
              : (error.message ?? 'is not valid');
    return { path, message };
  });
}

const SETTINGS_FIELDS = {
  UniqueName: 'unique_name',
  LanguageCode: 'language_code',
  MediaRedaction: 'media_redaction',
  WebhookUrl: 'webhook_url',
} as const;

const DATE_SPAN = `${new Date(EARLIEST_STORED_MS).toISOString()} to ${new Date(LATEST_STORED_MS).toISOString()}`;

/** A row's two dates, each a real instant in the span the API issues, the update not before the creation. */
function dateProblems(at: string, row: { date_created: string; date_updated: string }): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  const created = parseIsoInstant(row.date_created);
  const updated = parseIsoInstant(row.date_updated);
  if (created === null) problems.push({ path: `${at}/date_created`, message: `is not a real date from ${DATE_SPAN}` });
  if (updated === null) problems.push({ path: `${at}/date_updated`, message: `is not a real date from ${DATE_SPAN}` });
  if (created !== null && updated !== null && updated < created) {
    problems.push({ path: `${at}/date_updated`, message: 'is before date_created' });
  }
  return problems;
}

const milliseconds = (iso: string) => parseIsoInstant(iso) as number;

const serviceSettings = (service: SnapshotService) => ({
  uniqueName: service.unique_name,
  friendlyName: service.friendly_name,
  languageCode: service.language_code,
  autoRedaction: service.auto_redaction,
  mediaRedaction: service.media_redaction,
  autoTranscribe: service.auto_transcribe,
  dataLogging: service.data_logging,
  webhookUrl: service.webhook_url,
  webhookHttpMethod: service.webhook_http_method,
  encryptionCredentialSid: service.encryption_credential_sid,
});

/**
 * The rules a stored row obeys that JSON Schema cannot say: the API's own rules for services,
 * custom operators and attachments (the same functions the API applies), references, uniqueness.
 */
function ruleProblems(snapshot: Snapshot, catalog: CatalogIndex, maxOperatorsPerService: number): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  const languageOfService = new Map<string, string>();
  const seenNames = new Set<string>();
  snapshot.services.forEach((service, i) => {
    const at = `/services/${i}`;
    if (languageOfService.has(service.sid)) problems.push({ path: `${at}/sid`, message: `${service.sid} appears twice` });
    if (seenNames.has(service.unique_name)) {
      problems.push({ path: `${at}/unique_name`, message: `"${service.unique_name}" is used by two services` });
    }
    languageOfService.set(service.sid, service.language_code);
    seenNames.add(service.unique_name);
    for (const problem of serviceSettingsProblems(serviceSettings(service))) {
      problems.push({ path: `${at}/${SETTINGS_FIELDS[problem.parameter]}`, message: problem.message });
    }
    problems.push(...dateProblems(at, service));
  });

  const customOperators = new Map<string, SnapshotCustomOperator>();
  snapshot.custom_operators.forEach((operator, i) => {
    const at = `/custom_operators/${i}`;
    if (customOperators.has(operator.sid)) problems.push({ path: `${at}/sid`, message: `${operator.sid} appears twice` });
    if (catalog.prebuiltBySid.has(operator.sid)) problems.push({ path: `${at}/sid`, message: `${operator.sid} is a pre-built operator` });
    customOperators.set(operator.sid, operator);
    const found = configurableType(catalog, operator.operator_type);
    if ('problem' in found || found.type.name !== operator.operator_type) {
      problems.push({
        path: `${at}/operator_type`,
        message: `"${operator.operator_type}" is not a configurable operator type of this catalog`,
      });
    } else {
      const read = readOperatorConfig(found.type, JSON.stringify(operator.config));
      for (const problem of 'problems' in read ? read.problems : []) {
        problems.push({ path: `${at}/config${problem.path}`, message: problem.message });
      }
    }
    problems.push(...dateProblems(at, operator));
  });

  const attachedPairs = new Set<string>();
  const perService = new Map<string, number>();
  snapshot.attachments.forEach((attachment, i) => {
    const at = `/attachments/${i}`;
    const languageCode = languageOfService.get(attachment.service_sid);
    if (languageCode === undefined) {
      problems.push({ path: `${at}/service_sid`, message: `${attachment.service_sid} is not a service of this snapshot` });
    }
    const prebuilt = catalog.prebuiltBySid.get(attachment.operator_sid);
    const custom = customOperators.get(attachment.operator_sid);
    const operator = prebuilt ?? (custom && { availability: custom.availability, operatorType: custom.operator_type });
    if (operator === undefined) {
      problems.push({
        path: `${at}/operator_sid`,
        message: `${attachment.operator_sid} is neither a pre-built operator nor a custom operator of this snapshot`,
      });
    } else if (languageCode !== undefined) {
      const type = catalog.typeByName.get(operator.operatorType);
      const refusal = attachRefusal(attachment.operator_sid, operator.availability, type, languageCode);
      if (refusal !== null) problems.push({ path: at, message: refusal });
    }
    const pair = `${attachment.service_sid} ${attachment.operator_sid}`;
    if (attachedPairs.has(pair)) problems.push({ path: at, message: 'attaches the same operator to the same service twice' });
    attachedPairs.add(pair);
    const count = (perService.get(attachment.service_sid) ?? 0) + 1;
    perService.set(attachment.service_sid, count);
    if (count === maxOperatorsPerService + 1) {
      problems.push({ path: at, message: `${attachment.service_sid} has more than ${maxOperatorsPerService} attached operators` });
    }
  });
  return problems;
}

/** The snapshot as rows for the store, or a 400 naming every problem found (up to 20). */
export function parseSnapshot(
  value: unknown,
  catalog: CatalogIndex,
  maxOperatorsPerService: number,
): { accountSid: string; data: AccountData } {
  const validate = validateShape();
  if (!validate(value)) throw invalidSnapshot(shapeProblems(validate.errors ?? []));
  const problems = ruleProblems(value, catalog, maxOperatorsPerService);
  if (problems.length > 0) throw invalidSnapshot(problems);
  // The SIDs matched issuedSidPattern of their kinds in the checks above.
  const accountSid = value.account_sid as AccountSid;
  const services = value.services.map((service): ServiceRecord => ({
    ...serviceSettings(service),
    sid: service.sid as ServiceSid,
    accountSid,
    version: service.version,
    dateCreatedMs: milliseconds(service.date_created),
    dateUpdatedMs: milliseconds(service.date_updated),
  }));
  const customOperators = value.custom_operators.map((operator): CustomOperatorRecord => ({
    sid: operator.sid as OperatorSid,
    accountSid,
    friendlyName: operator.friendly_name,
    description: operator.description,
    operatorType: operator.operator_type,
    configJson: JSON.stringify(operator.config),
    availability: operator.availability,
    version: operator.version,
    dateCreatedMs: milliseconds(operator.date_created),
    dateUpdatedMs: milliseconds(operator.date_updated),
  }));
  const attachments = value.attachments.map((attachment) => ({
    serviceSid: attachment.service_sid as ServiceSid,
    operatorSid: attachment.operator_sid as OperatorSid,
  }));
  return { accountSid, data: { services, customOperators, attachments } };
}

function invalidSnapshot(problems: SnapshotProblem[]) {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const first = shown[0];
  if (first === undefined) return invalidParameter('Invalid snapshot', { errors: shown });
  return invalidParameter(`Invalid snapshot: ${first.path || '(the document)'} ${first.message}`, { errors: shown });
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toSnapshot(accountSid: string, data: AccountData, nowMs: number): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    account_sid: accountSid,
    exported_at: iso(nowMs),
    services: data.services.map((service) => ({
      sid: service.sid,
      unique_name: service.uniqueName,
      friendly_name: service.friendlyName,
      language_code: service.languageCode,
      auto_redaction: service.autoRedaction,
      media_redaction: service.mediaRedaction,
      auto_transcribe: service.autoTranscribe,
      data_logging: service.dataLogging,
      webhook_url: service.webhookUrl,
      webhook_http_method: service.webhookHttpMethod,
      encryption_credential_sid: service.encryptionCredentialSid,
      version: service.version,
      date_created: iso(service.dateCreatedMs),
      date_updated: iso(service.dateUpdatedMs),
    })),
    custom_operators: data.customOperators.map((operator) => ({
      sid: operator.sid,
      friendly_name: operator.friendlyName,
      description: operator.description,
      operator_type: operator.operatorType,
      config: JSON.parse(operator.configJson) as Record<string, unknown>,
      availability: operator.availability,
      version: operator.version,
      date_created: iso(operator.dateCreatedMs),
      date_updated: iso(operator.dateUpdatedMs),
    })),
    attachments: data.attachments.map((attachment) => ({
      service_sid: attachment.serviceSid,
      operator_sid: attachment.operatorSid,
    })),
  };
}
