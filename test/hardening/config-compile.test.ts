// Issue 28, item 2: no request may hold the event loop for long. The first request that validated
// a config of a built-in operator type used to compile that type's config_schema with Ajv (~90 ms of
// CPU for GenerativeJSON, 350 ms wall on a busy machine). The build now generates those validators
// (scripts/precompiled-validators.mjs); this bundles the validation as the build does and checks that
// it compiles nothing and answers exactly as the validators compiled at run time (under tsx) do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { configSchemas } from '../../src/catalog/config-schemas.js';
import * as atRunTime from '../../src/catalog/config-validation.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Validation = typeof atRunTime;

/** Per built-in type: a valid config, one with several problems, and one of more than 1,000 values. */
const configs: Record<keyof typeof configSchemas, unknown[]> = {
  LiteralSpot: [
    { phrase_sets: [{ name: 'refund', match: 'exact', phrases: ['refund'] }] },
    { phrase_sets: [{ name: 'a', match: 'nearly', phrases: [] }, {}] },
    { phrase_sets: Array.from({ length: 600 }, () => ({ name: 'x' })) },
  ],
  LiteralClassification: [
    {
      scope: 'conversation',
      classes: [
        { name: 'billing', phrases: ['invoice'] },
        { name: 'other', phrases: ['x'] },
      ],
    },
    { classes: [{ name: '' }, { phrases: 'x' }], extra: true },
    { classes: Array.from({ length: 600 }, () => ({ name: 'x' })) },
  ],
  Generative: [{ prompt: 'Summarize the call.' }, { prompt: ' ', examples: 'none' }, { prompt: 'p', x: Array(1200).fill(1) }],
  GenerativeJSON: [
    { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } },
    { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'strange' } } }, examples: [{}] },
    { prompt: 'p', json_result_schema: { type: 'object', properties: {} }, examples: Array(1200).fill({}) },
  ],
};

let scratch: string;
let built: Validation;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'precompiled-validators-'));
  const pluginUrl = new URL('../../scripts/precompiled-validators.mjs', import.meta.url).href;
  const { precompiledValidatorsPlugin } = (await import(pluginUrl)) as { precompiledValidatorsPlugin(): Promise<Plugin> };
  const bundle = await build({
    absWorkingDir: root,
    stdin: { contents: "export * from './src/catalog/config-validation.ts';", resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [await precompiledValidatorsPlugin()],
    logLevel: 'warning',
  });
  const file = join(scratch, 'validation.cjs');
  writeFileSync(file, bundle.outputFiles[0]!.contents);
  built = createRequire(import.meta.url)(file) as Validation;
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test('built, validating every built-in type compiles no schema, with the same answers', () => {
  for (const [type, cases] of Object.entries(configs)) {
    for (const [index, config] of cases.entries()) {
      const problems = built.validateOperatorConfig(type, config);
      assert.deepEqual(problems, atRunTime.validateOperatorConfig(type, config), `${type} config ${index}`);
      assert.equal(problems.length === 0, index === 0, `${type} config ${index}: ${JSON.stringify(problems)}`);
    }
  }
  assert.equal(built.configSchemaCompileCount(), 0);
  // Under tsx, without the build, the same validations compiled each schema once per variant.
  assert.equal(atRunTime.configSchemaCompileCount(), 2 * Object.keys(configSchemas).length);
});

test('built, a schema from a CATALOG_FILE still compiles, once', () => {
  const schema = { type: 'object', properties: { n: { type: 'integer' } } };
  assert.deepEqual(built.validateOperatorConfig('Custom', { n: 'x' }, schema), [{ path: '/n', message: 'must be an integer' }]);
  assert.deepEqual(built.validateOperatorConfig('Custom', { n: 1 }, schema), []);
  assert.equal(built.configSchemaCompileCount(), 1);
});
