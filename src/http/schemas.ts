// Response schemas for Fastify's serialiser. They mirror the official spec's component schemas
// field for field (test/contract checks every body we send against the spec itself).

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const stringArray = { type: ['array', 'null'], items: { type: 'string' } };
/** `config` and `config_schema` are free-form JSON: serialised as given. */
const anyJson = {};

export const serviceSchema = {
  $id: 'intelligence.v2.service',
  type: 'object',
  properties: {
    account_sid: nullable('string'),
    auto_redaction: nullable('boolean'),
    media_redaction: nullable('boolean'),
    auto_transcribe: nullable('boolean'),
    data_logging: nullable('boolean'),
    date_created: nullable('string'),
    date_updated: nullable('string'),
    friendly_name: nullable('string'),
    language_code: nullable('string'),
    sid: nullable('string'),
    unique_name: nullable('string'),
    url: nullable('string'),
    webhook_url: nullable('string'),
    webhook_http_method: nullable('string'),
    read_only_attached_operator_sids: stringArray,
    version: { type: 'integer' },
    encryption_credential_sid: nullable('string'),
  },
} as const;

const operatorProperties = {
  account_sid: nullable('string'),
  sid: nullable('string'),
  friendly_name: nullable('string'),
  description: nullable('string'),
  author: nullable('string'),
  operator_type: nullable('string'),
  version: { type: 'integer' },
  availability: nullable('string'),
  config: anyJson,
  date_created: nullable('string'),
  date_updated: nullable('string'),
  url: nullable('string'),
};

export const operatorSchema = { $id: 'intelligence.v2.operator', type: 'object', properties: operatorProperties } as const;

export const operatorTypeSchema = {
  $id: 'intelligence.v2.operator_type',
  type: 'object',
  properties: {
    name: nullable('string'),
    sid: nullable('string'),
    friendly_name: nullable('string'),
    description: nullable('string'),
    docs_link: nullable('string'),
    output_type: nullable('string'),
    supported_languages: stringArray,
    provider: nullable('string'),
    availability: nullable('string'),
    configurable: nullable('boolean'),
    config_schema: anyJson,
    date_created: nullable('string'),
    date_updated: nullable('string'),
    url: nullable('string'),
  },
} as const;

export const operatorAttachmentSchema = {
  $id: 'intelligence.v2.operator_attachment',
  type: 'object',
  properties: { service_sid: nullable('string'), operator_sid: nullable('string'), url: nullable('string') },
} as const;

export const operatorAttachmentsSchema = {
  $id: 'intelligence.v2.operator_attachments',
  type: 'object',
  properties: { service_sid: nullable('string'), operator_sids: stringArray, url: nullable('string') },
} as const;

const alertProperties = {
  account_sid: nullable('string'),
  alert_text: nullable('string'),
  api_version: nullable('string'),
  date_created: nullable('string'),
  date_generated: nullable('string'),
  date_updated: nullable('string'),
  error_code: nullable('string'),
  log_level: nullable('string'),
  more_info: nullable('string'),
  request_method: nullable('string'),
  request_url: nullable('string'),
  resource_sid: nullable('string'),
  sid: nullable('string'),
  url: nullable('string'),
  service_sid: nullable('string'),
};

/** The Monitor API's Alert in lists, and fetched alone (with the request and response details). */
export const alertSchema = { $id: 'monitor.v1.alert', type: 'object', properties: alertProperties } as const;

export const alertInstanceSchema = {
  $id: 'monitor.v1.alert-instance',
  type: 'object',
  properties: {
    ...alertProperties,
    request_variables: nullable('string'),
    response_body: nullable('string'),
    response_headers: nullable('string'),
    request_headers: nullable('string'),
  },
} as const;

export const transcriptSchema = {
  $id: 'intelligence.v2.transcript',
  type: 'object',
  properties: {
    account_sid: nullable('string'),
    service_sid: nullable('string'),
    sid: nullable('string'),
    date_created: nullable('string'),
    date_updated: nullable('string'),
    status: { type: 'string' },
    channel: anyJson,
    data_logging: nullable('boolean'),
    language_code: nullable('string'),
    customer_key: nullable('string'),
    media_start_time: nullable('string'),
    duration: { type: 'integer' },
    url: nullable('string'),
    redaction: nullable('boolean'),
    encryption_credential_sid: nullable('string'),
    links: {
      type: ['object', 'null'],
      properties: {
        sentences: { type: 'string' },
        encrypted_sentences: { type: 'string' },
        media: { type: 'string' },
        operator_results: { type: 'string' },
        encrypted_operator_results: { type: 'string' },
      },
    },
  },
} as const;

const wordSchema = {
  type: 'object',
  properties: { word: { type: 'string' }, start_time: nullable('number'), end_time: nullable('number') },
} as const;

export const sentenceSchema = {
  $id: 'intelligence.v2.transcript.sentence',
  type: 'object',
  properties: {
    media_channel: { type: 'integer' },
    sentence_index: { type: 'integer' },
    start_time: nullable('string'),
    end_time: nullable('string'),
    transcript: nullable('string'),
    sid: nullable('string'),
    confidence: nullable('string'),
    words: { type: ['array', 'null'], items: wordSchema },
  },
} as const;

export const transcriptMediaSchema = {
  $id: 'intelligence.v2.transcript.media',
  type: 'object',
  properties: {
    account_sid: nullable('string'),
    media_url: nullable('string'),
    service_sid: nullable('string'),
    sid: nullable('string'),
    url: nullable('string'),
  },
} as const;

export const encryptedSentencesSchema = {
  $id: 'intelligence.v2.transcript.encrypted_sentences',
  type: 'object',
  properties: { location: nullable('string'), transcript_sid: nullable('string'), url: nullable('string') },
} as const;

export const encryptedOperatorResultsSchema = {
  $id: 'intelligence.v2.transcript.encrypted_operator_results',
  type: 'object',
  properties: { locations: stringArray, transcript_sid: nullable('string'), url: nullable('string') },
} as const;

/** Free-form JSON parts (label_probabilities, extract_results, …) are serialised as computed. */
export const operatorResultSchema = {
  $id: 'intelligence.v2.transcript.operator_result',
  type: 'object',
  properties: {
    operator_type: nullable('string'),
    name: nullable('string'),
    operator_sid: nullable('string'),
    extract_match: nullable('boolean'),
    match_probability: nullable('number'),
    normalized_result: nullable('string'),
    utterance_results: { type: ['array', 'null'], items: anyJson },
    utterance_match: nullable('boolean'),
    predicted_label: nullable('string'),
    predicted_probability: nullable('number'),
    label_probabilities: anyJson,
    extract_results: anyJson,
    text_generation_results: anyJson,
    json_results: anyJson,
    transcript_sid: nullable('string'),
    url: nullable('string'),
  },
} as const;

export const errorSchema = {
  $id: 'twilio.error',
  type: 'object',
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    more_info: { type: 'string' },
    status: { type: 'integer' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

const metaSchema = {
  type: 'object',
  properties: {
    page: { type: 'integer' },
    page_size: { type: 'integer' },
    first_page_url: { type: 'string' },
    previous_page_url: nullable('string'),
    url: { type: 'string' },
    next_page_url: nullable('string'),
    key: { type: 'string' },
  },
} as const;

export function listSchema(key: string, itemSchemaId: string) {
  return {
    type: 'object',
    properties: { [key]: { type: 'array', items: { $ref: `${itemSchemaId}#` } }, meta: metaSchema },
  };
}

export const sharedSchemas = [
  serviceSchema,
  operatorSchema,
  operatorTypeSchema,
  operatorAttachmentSchema,
  operatorAttachmentsSchema,
  alertSchema,
  alertInstanceSchema,
  transcriptSchema,
  sentenceSchema,
  transcriptMediaSchema,
  encryptedSentencesSchema,
  encryptedOperatorResultsSchema,
  operatorResultSchema,
  errorSchema,
];

export const ref = (id: string) => ({ $ref: `${id}#` });

/** Form parameters are strings on the wire; booleans are checked here and converted by the route. */
export const formBoolean = { type: 'string', pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$' } as const;

export const parseFormBoolean = (value: string | undefined) => (value === undefined ? undefined : value.toLowerCase() === 'true');

/** A 204 answer: no body. Declared so that the generated OpenAPI document says 204. */
export const noContent = { type: 'null', description: 'No content' } as const;

/** `If-Match` (a version, quoted or bare) on updates, as the spec lists it. */
export const ifMatchHeaders = { type: 'object', properties: { 'If-Match': { type: 'string' } } } as const;

export const pagingQuery = {
  PageSize: { type: 'string' },
  Page: { type: 'string' },
  PageToken: { type: 'string' },
} as const;
