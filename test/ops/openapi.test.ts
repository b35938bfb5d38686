// GET /openapi.json is generated from the route schemas; this test holds every /v2 operation in it
// against Twilio's official spec (paths, methods, operationIds, parameters, success status codes,
// request and response fields), so the server and the spec cannot drift apart unnoticed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { monitorOperations, monitorSpec, operations, spec } from '../helpers/spec.js';
import { ADMIN_TOKEN } from './support.js';

type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
};
interface Parameter {
  name: string;
  in: string;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * Body parameters we accept beyond the spec, each with its reason. LanguageCode cannot change
 * after creation: the update route names it so that sending it is a clear 400, not silently ignored.
 */
const extraBodyParameters: Record<string, string[]> = { UpdateService: ['LanguageCode'] };

const METHODS = ['get', 'post', 'delete', 'put', 'patch'];

let server: TestServer;
let document: Document;
let documentText: string;
before(async () => {
  server = await startTestServer({ env: { ADMIN_TOKEN } });
  const response = await server.request('GET', '/openapi.json', { auth: null });
  assert.equal(response.status, 200, response.text);
  document = response.body;
  documentText = response.text;
});
after(() => server.close());

const officialDocument = spec as unknown as Document;

function resolve(schema: Schema | undefined, within: Document): Schema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref !== undefined && hops < 10; hops++) {
    const name = decodeURIComponent(current.$ref.replace('#/components/schemas/', ''));
    current = within.components.schemas[name];
    assert.ok(current, `unresolvable $ref ${schema?.$ref}`);
  }
  return current;
}

const sorted = (values: Iterable<string>) => [...values].sort();

/** Compares property names (recursively through objects and array items) and declared types. */
function assertSameShape(ours: Schema | undefined, theirs: Schema | undefined, where: string): void {
  const a = resolve(ours, document);
  const b = resolve(theirs, officialDocument);
  if (a === undefined || b === undefined) return;
  if (a.type !== undefined && b.type !== undefined) assert.equal(a.type, b.type, `${where}: type`);
  if (b.properties !== undefined) {
    assert.ok(a.properties, `${where}: has no properties, the spec lists ${Object.keys(b.properties).join(', ')}`);
    assert.deepEqual(sorted(Object.keys(a.properties)), sorted(Object.keys(b.properties)), `${where}: property names`);
    for (const [name, property] of Object.entries(b.properties)) {
      assertSameShape(a.properties[name], property, `${where}.${name}`);
    }
  }
  if (b.items !== undefined && a.items !== undefined) assertSameShape(a.items, b.items, `${where}[]`);
}

function* ourOperations(prefix: string) {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(prefix)) continue;
    for (const [method, operation] of Object.entries(item)) if (METHODS.includes(method)) yield { path, method, operation };
  }
}

const parameterNames = (operation: Operation, where: string) =>
  sorted((operation.parameters ?? []).filter((parameter) => parameter.in === where).map((parameter) => parameter.name.toLowerCase()));

const successCodes = (operation: Operation) => sorted(Object.keys(operation.responses).filter((code) => /^2\d\d$/.test(code)));

test('openapi.json is an OpenAPI 3.0 document served without credentials, every $ref resolving', () => {
  assert.match(document.openapi, /^3\.0\.\d+$/);
  assert.ok(Object.keys(document.paths).length > 10);
  const refs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else walk(value);
      }
    }
  };
  walk(document);
  assert.ok(refs.length > 10);
  for (const ref of refs) {
    assert.match(ref, /^#\/components\/schemas\//);
    assert.ok(document.components.schemas[ref.slice('#/components/schemas/'.length)], `${ref} does not resolve`);
  }
  assert.ok(!JSON.stringify(document).includes('"type":["'), 'OpenAPI 3.0 has no type arrays (nullable instead)');
});

test('every /v2 operation of openapi.json is in the official spec, with the same path, method and operationId', () => {
  let count = 0;
  for (const { path, method, operation } of ourOperations('/v2/')) {
    count++;
    assert.ok(operation.operationId, `${method.toUpperCase()} ${path} has no operationId`);
    const official = operations.get(operation.operationId);
    assert.ok(official, `${operation.operationId} is not an operation of the official spec`);
    assert.equal(path, official.path, `${operation.operationId}: path`);
    assert.equal(method, official.method, `${operation.operationId}: method`);
  }
  assert.ok(count >= 27, `only ${count} /v2 operations`);
});

test('every /v2 operation has the official success status, path, query and header parameters', () => {
  for (const { operation } of ourOperations('/v2/')) {
    const id = operation.operationId!;
    const official = operations.get(id)!.operation as unknown as Operation;
    assert.deepEqual(successCodes(operation), successCodes(official), `${id}: success status codes`);
    for (const where of ['path', 'query', 'header']) {
      assert.deepEqual(parameterNames(operation, where), parameterNames(official, where), `${id}: ${where} parameters`);
    }
  }
});

test('every /v2 request body is form-encoded with the official parameter names and required ones', () => {
  for (const { operation } of ourOperations('/v2/')) {
    const id = operation.operationId!;
    const official = operations.get(id)!.operation as unknown as Operation;
    if (official.requestBody === undefined) {
      assert.equal(operation.requestBody, undefined, `${id}: the spec has no request body`);
      continue;
    }
    assert.deepEqual(Object.keys(operation.requestBody?.content ?? {}), ['application/x-www-form-urlencoded'], `${id}: content type`);
    const ours = resolve(operation.requestBody!.content['application/x-www-form-urlencoded']!.schema, document)!;
    const theirs = resolve(official.requestBody.content['application/x-www-form-urlencoded']!.schema, officialDocument)!;
    const extras = extraBodyParameters[id] ?? [];
    const names = Object.keys(ours.properties ?? {}).filter((name) => !extras.includes(name));
    assert.deepEqual(sorted(names), sorted(Object.keys(theirs.properties ?? {})), `${id}: body parameters`);
    assert.deepEqual(sorted(ours.required ?? []), sorted(theirs.required ?? []), `${id}: required body parameters`);
  }
});

test('every /v2 response body has the official fields (list endpoints: the list key and meta)', () => {
  for (const { operation } of ourOperations('/v2/')) {
    const id = operation.operationId!;
    const official = operations.get(id)!.operation as unknown as Operation;
    for (const code of successCodes(official)) {
      const theirs = official.responses[code]!.content?.['application/json']?.schema;
      const ours = operation.responses[code]!.content?.['application/json']?.schema;
      if (theirs === undefined) {
        assert.equal(ours, undefined, `${id} ${code}: the spec has no body`);
        continue;
      }
      assert.ok(ours, `${id} ${code}: no response schema`);
      assertSameShape(ours, theirs, `${id} ${code}`);
    }
  }
});

test('every official /v2 operation is implemented', () => {
  const ours = new Set([...ourOperations('/v2/')].map(({ operation }) => operation.operationId));
  const missing = [...operations.entries()]
    .filter(([, { path }]) => path.startsWith('/v2/'))
    .map(([operationId]) => operationId)
    .filter((operationId) => !ours.has(operationId));
  assert.deepEqual(missing, []);
});

test("the /v1 operations are the Monitor API's Alerts, with its paths, parameters and response fields", () => {
  const monitorDocument = monitorSpec as unknown as Document;
  const ours = [...ourOperations('/v1/')];
  // The Monitor API's Events are Twilio's account events: this server has none.
  const alertOperations = [...monitorOperations].filter(([, { path }]) => path.startsWith('/v1/Alerts')).map(([id]) => id);
  assert.deepEqual(sorted(ours.map(({ operation }) => operation.operationId!)), sorted(alertOperations));
  assert.equal(ours.length, 2);
  for (const { path, method, operation } of ours) {
    const id = operation.operationId!;
    const official = monitorOperations.get(id)!;
    assert.equal(path, official.path, `${id}: path`);
    assert.equal(method, official.method, `${id}: method`);
    const theirs = official.operation as unknown as Operation;
    assert.deepEqual(successCodes(operation), successCodes(theirs), `${id}: success status codes`);
    for (const where of ['path', 'query', 'header']) {
      assert.deepEqual(parameterNames(operation, where), parameterNames(theirs, where), `${id}: ${where} parameters`);
    }
    const theirBody = resolve(theirs.responses['200']!.content!['application/json']!.schema, monitorDocument)!;
    const ourBody = resolve(operation.responses['200']!.content!['application/json']!.schema, document)!;
    const fields = (schema: Schema, within: Document) =>
      sorted(Object.keys(resolve(schema.properties?.alerts?.items ?? schema, within)!.properties ?? {}));
    assert.deepEqual(fields(ourBody, document), fields(theirBody, monitorDocument), `${id}: response fields`);
    assert.ok(fields(ourBody, document).includes('alert_text'));
  }
});

test('openapi.json also describes the operations endpoints, and no preflight or 405 routes', () => {
  const ids = new Set([...ourOperations('/')].map(({ operation }) => operation.operationId));
  for (const id of [
    'FetchHealth',
    'FetchReadiness',
    'FetchMetrics',
    'FetchOpenApi',
    'ExportAccountSnapshot',
    'ImportAccountSnapshot',
    'ResetAccount',
  ]) {
    assert.ok(ids.has(id), `${id} is missing`);
  }
  for (const item of Object.values(document.paths)) assert.ok(!('options' in item), 'preflight routes are not operations');
  assert.ok(!('put' in (document.paths['/v2/Services'] ?? {})), '405 answers are not operations');
  for (const { operation } of ourOperations('/')) assert.ok(operation.operationId, 'every operation has an operationId');
});

test('openapi.json is the same, byte for byte, when API requests came first and two asked for it at once', async () => {
  const other = await startTestServer({ env: { ADMIN_TOKEN } });
  try {
    const created = await other.request('POST', '/v2/Services', { form: { UniqueName: 'openapi-first' } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await other.request('GET', `/v2/Services/${created.body.sid}`)).status, 200);
    const [first, second] = await Promise.all([
      other.request('GET', '/openapi.json', { auth: null }),
      other.request('GET', '/openapi.json', { auth: null }),
    ]);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.text, documentText);
    assert.equal(second.text, documentText);
  } finally {
    await other.close();
  }
});
