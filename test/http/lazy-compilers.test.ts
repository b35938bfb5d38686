// Route schemas are compiled by their route's first request (src/http/lazy-compilers.ts), so a
// broken schema no longer stops start-up: the first test here compiles every route's schemas at
// once, as Fastify did before, and checks them against JSON Schema's meta-schema (which the server
// skips), so that `npm test` still catches it.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { test } from 'node:test';
import ajvCompiler from '@fastify/ajv-compiler';
import serializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance } from 'fastify';
import { internals } from '../../src/http/internals.js';
import { lazySchemaCompilers } from '../../src/http/lazy-compilers.js';
import { startTestServer } from '../helpers/server.js';

const ajvOptions = { customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false, useDefaults: false }, plugins: [] };
const route = { method: 'POST', url: '/v2/Services/:Sid' };
const lowerCaseHeaderNames = internals.lowerCaseHeaderNames!;

test("every route's validators and serialisers compile (all at start-up, with Fastify's own compilers)", async () => {
  const compiled: string[] = [];
  // Fastify announces each new instance before any route is added; this one gets eager compilers.
  const compileEagerly = (message: unknown) => {
    const buildValidator = ajvCompiler();
    const buildSerializer = serializerCompiler();
    (message as { fastify: FastifyInstance }).fastify.setSchemaController({
      compilersFactory: {
        buildValidator: (externalSchemas, options) => {
          // The server skips the check against JSON Schema's meta-schema; here every schema gets it.
          const checked = { ...options, customOptions: { ...options?.customOptions, validateSchema: true } } as typeof options;
          const compile = buildValidator(externalSchemas, checked);
          return (part) => {
            compiled.push(`${part.method} ${part.url} ${part.httpPart}`);
            return compile(part);
          };
        },
        buildSerializer: (externalSchemas, options) => {
          const compile = buildSerializer(externalSchemas, options);
          return (part) => {
            compiled.push(`${part.method} ${part.url} ${part.httpStatus}`);
            return compile(part);
          };
        },
      },
    });
  };
  subscribe('fastify.initialization', compileEagerly);
  try {
    // Every optional route on: /metrics and the admin API. A schema that does not compile fails here.
    const server = await startTestServer({ env: { ADMIN_TOKEN: 'admin-token-0123456789abcdef', METRICS_ENABLED: 'true' } });
    await server.close();
  } finally {
    unsubscribe('fastify.initialization', compileEagerly);
  }
  for (const part of [
    'POST /v2/Services body',
    'POST /v2/Services/:Sid headers',
    'GET /v2/Services 200',
    'GET /v2/Operators/Custom querystring',
    'POST /v2/Operators/Custom/:Sid 202',
    'DELETE /v2/Services/:ServiceSid/Operators/:OperatorSid 204',
    'GET /metrics 200',
    'GET /openapi.json 200',
    'GET /admin/accounts/:AccountSid/snapshot 200',
  ]) {
    assert.ok(compiled.includes(part), `${part} was compiled at start-up; compiled:\n${compiled.join('\n')}`);
  }
});

test('a validator is compiled by its first call, and a broken schema fails there naming its route', () => {
  const compile = lazySchemaCompilers(lowerCaseHeaderNames).buildValidator({}, ajvOptions);
  const validate = compile({ ...route, httpPart: 'body', schema: { type: 'no-such-type' } });
  assert.throws(
    () => validate({}),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'FST_ERR_SCH_VALIDATION_BUILD');
      assert.match(error.message, /POST: \/v2\/Services\/:Sid/);
      return true;
    },
  );
});

test('a serialiser is compiled by its first call, and a broken schema fails there naming its route', () => {
  const compile = lazySchemaCompilers(lowerCaseHeaderNames).buildSerializer({}, {});
  const serialize = compile({ ...route, httpStatus: '200', schema: { $ref: 'no.such.schema#' } });
  assert.throws(
    () => serialize({}),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'FST_ERR_SCH_SERIALIZATION_BUILD');
      assert.match(error.message, /POST: \/v2\/Services\/:Sid/);
      return true;
    },
  );
});

test('a lazy validator answers as Ajv does, with its errors and schemaEnv', () => {
  const compile = lazySchemaCompilers(lowerCaseHeaderNames).buildValidator({}, ajvOptions);
  const validate = compile({ ...route, httpPart: 'querystring', schema: { type: 'object', properties: { PageSize: { type: 'string' } } } });
  assert.ok(validate.schemaEnv, 'Fastify passes parentData when schemaEnv is set');
  assert.equal(validate({ PageSize: 5 }), false);
  assert.deepEqual(
    validate.errors?.map((error) => error.instancePath),
    ['/PageSize'],
  );
  assert.equal(validate({ PageSize: '5' }), true);
  assert.equal(validate.errors, null);
});

test('header schemas match header names in any case, as Fastify lowercases them for its own compiler', () => {
  const compile = lazySchemaCompilers(lowerCaseHeaderNames).buildValidator({}, ajvOptions);
  const schema = { type: 'object', required: ['If-Match'], properties: { 'If-Match': { type: 'string' } } };
  const validate = compile({ ...route, httpPart: 'headers', schema });
  assert.equal(validate({ 'if-match': '"2"' }), true);
  assert.equal(validate({}), false);
  assert.deepEqual(schema.required, ['If-Match'], 'the route schema itself (and so /openapi.json) is unchanged');
});

test('a lazy serialiser writes what fast-json-stringify writes', () => {
  const schema = { type: 'object', properties: { sid: { type: ['string', 'null'] }, version: { type: 'integer' } } };
  const serialize = lazySchemaCompilers(lowerCaseHeaderNames).buildSerializer({}, {})({ ...route, httpStatus: '200', schema });
  const eager = serializerCompiler()({}, {})({ ...route, httpStatus: '200', schema });
  const body = { sid: 'GA123', version: 2, extra: 'dropped' };
  assert.equal(serialize(body), eager(body));
});

test('a params schema of string properties runs no validator; any other params schema is still checked', () => {
  const compile = lazySchemaCompilers(lowerCaseHeaderNames).buildValidator({}, ajvOptions);
  const documentsThePath = compile({ ...route, httpPart: 'params', schema: { type: 'object', properties: { Sid: { type: 'string' } } } });
  assert.equal(documentsThePath({ Sid: 'anything at all' }), true);
  assert.equal(documentsThePath.schemaEnv, undefined, 'no Ajv function behind it');
  const constrained = compile({
    ...route,
    httpPart: 'params',
    schema: { type: 'object', properties: { Sid: { type: 'string', pattern: '^GA' } } },
  });
  assert.equal(constrained({ Sid: 'LY1' }), false);
  assert.equal(constrained({ Sid: 'GA1' }), true);
  const required = compile({
    ...route,
    httpPart: 'params',
    schema: { type: 'object', required: ['Sid'], properties: { Sid: { type: 'string' } } },
  });
  assert.equal(required({}), false);
  const sameSchemaInTheQuery = compile({
    ...route,
    httpPart: 'querystring',
    schema: { type: 'object', properties: { Sid: { type: 'string' } } },
  });
  assert.equal(sameSchemaInTheQuery({ Sid: 5 }), false);
});
