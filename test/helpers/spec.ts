// The official spec (from the pinned npm package @twilio/cli-core, never from ../shared) as a
// validator: `assertMatchesSpec(operationId, status, body)` checks a response body against it.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const specPath = require.resolve('@twilio/cli-core/src/services/twilio-api/twilio_intelligence_v2.json');

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  parameters?: Array<{ name: string; in: string; schema?: unknown }>;
  requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> };
}

export const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

/** OpenAPI 3.0 `nullable: true` → JSON Schema's `type: [T, "null"]` (and `null` in an enum). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toJsonSchema(value);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (typeof out.$ref === 'string') return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

/** The Monitor API (Alerts), from the same package. */
export const monitorSpecPath = require.resolve('@twilio/cli-core/src/services/twilio-api/twilio_monitor_v1.json');
export const monitorSpec = JSON.parse(readFileSync(monitorSpecPath, 'utf8')) as typeof spec;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
// The spec's `links` objects say `format: uri-map` (a map of URIs), a format of Twilio's own.
ajv.addFormat('uri-map', true);
ajv.addSchema(toJsonSchema(spec) as object, 'spec');
ajv.addSchema(toJsonSchema(monitorSpec) as object, 'monitor-spec');

type OperationEntry = { path: string; method: string; operation: Operation; specId: string };

function operationsOf(document: typeof spec, specId: string): Map<string, OperationEntry> {
  const found = new Map<string, OperationEntry>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation === 'object' && operation !== null && 'operationId' in operation) {
        found.set((operation as Operation).operationId, { path, method, operation: operation as Operation, specId });
      }
    }
  }
  return found;
}

/** The Intelligence API's operations by operationId. */
export const operations = operationsOf(spec, 'spec');
/** The Monitor API's operations (Alerts and Events) by operationId. */
export const monitorOperations = operationsOf(monitorSpec, 'monitor-spec');

const validators = new Map<string, ValidateFunction>();

export function assertMatchesSpec(operationId: string, status: number, body: unknown): void {
  const entry = operations.get(operationId) ?? monitorOperations.get(operationId);
  assert.ok(entry, `operation ${operationId} is not in the spec`);
  const response = entry.operation.responses[String(status)];
  assert.ok(response, `${operationId} has no ${status} response in the spec`);
  const key = `${operationId} ${status}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    const pointer = ['paths', entry.path, entry.method, 'responses', String(status), 'content', 'application/json', 'schema']
      .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    validate = ajv.getSchema(`${entry.specId}#/${pointer}`);
    assert.ok(validate, `no schema for ${key}`);
    validators.set(key, validate);
  }
  assert.ok(validate(body), `${key} body does not match the spec: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}
