// Issue 28, item 9: a CATALOG_FILE config_schema with "$async": true let every config through (and
// crashed the process on an invalid one: an unhandled rejection); a pattern such as ^(a|aa)+$ let
// any tenant stall the server (3.5 s for 42 characters); and a file that was not JSON (for instance
// /proc/self/environ) had its first characters quoted in the start-up error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadCatalog } from '../../src/catalog/load.js';

const dir = mkdtempSync(join(tmpdir(), 'catalog-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function catalogFile(content: unknown): string {
  const file = join(dir, `catalog-${files++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const typeWithSchema = (configSchema: unknown) => ({
  operator_types: [
    {
      name: 'Coded',
      friendly_name: 'Coded',
      description: 'Checks a code.',
      output_type: 'json',
      supported_languages: ['en'],
      provider: 'openai',
      availability: 'beta',
      configurable: true,
      config_schema: configSchema,
    },
  ],
});

const codeSchema = (pattern: string) => ({ type: 'object', properties: { code: { type: 'string', pattern } } });

/** The start-up error for `content`, after checking it is one line naming the file. */
function loadError(content: unknown): string {
  const file = catalogFile(content);
  let message = '';
  assert.throws(
    () => loadCatalog(file),
    (error: Error) => {
      message = error.message;
      return true;
    },
  );
  assert.ok(message.startsWith(`CATALOG_FILE ${file}: `) && !message.includes('\n'), message);
  return message;
}

describe('$async in a config_schema', () => {
  const cases: Array<[string, unknown, string]> = [
    ['at the root', { $async: true, type: 'object' }, '/$async'],
    ['in a property', { type: 'object', properties: { a: { $async: true, type: 'string' } } }, '/properties/a/$async'],
    ['in a definition', { type: 'object', definitions: { d: { $async: true } } }, '/definitions/d/$async'],
  ];
  for (const [where, schema, path] of cases) {
    test(`is refused at load ${where}`, () => {
      assert.match(
        loadError(typeWithSchema(schema)),
        new RegExp(`operator_types/0/config_schema${path.replace(/\$/g, '\\$')} is not allowed`),
      );
    });
  }
});

describe('patterns of a config_schema', () => {
  test('run on the linear-time engine: ^(a|aa)+$ against 100,000 characters is answered', () => {
    const file = catalogFile(typeWithSchema(codeSchema('^(a|aa)+$')));
    // In a child process, so that a backtracking engine (the bug) blocks it and not this test; the
    // wait is for its exit, bounded by a kill.
    const modules = new URL('../../src/catalog/', import.meta.url).href;
    const script = `
      const { loadCatalog } = await import(${JSON.stringify(modules + 'load.ts')});
      const { validateOperatorConfig } = await import(${JSON.stringify(modules + 'config-validation.ts')});
      const type = loadCatalog(${JSON.stringify(file)}).operatorTypes.find((t) => t.name === 'Coded');
      const problems = validateOperatorConfig('Coded', { code: 'a'.repeat(100000) + 'b' }, type.configSchema);
      process.stdout.write(JSON.stringify(problems));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.signal, null, 'the validation never finished');
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), [{ path: '/code', message: 'must match ^(a|aa)+$' }]);
  });

  for (const [label, pattern] of [
    ['a lookahead', '^(?=a)a+$'],
    ['a backreference', '^(a+)\\1$'],
  ] as const) {
    test(`with ${label}, which the linear-time engine cannot run, is refused at load`, () => {
      assert.match(
        loadError(typeWithSchema(codeSchema(pattern))),
        /config_schema\/properties\/code\/pattern is not a pattern the linear-time/,
      );
    });
  }

  test('in patternProperties are checked too', () => {
    const schema = { type: 'object', patternProperties: { '^(?!x)': { type: 'string' } } };
    assert.match(loadError(typeWithSchema(schema)), /config_schema\/patternProperties\/\^\(\?!x\) is not a pattern/);
  });
});

describe('start-up errors quote nothing of the file', () => {
  const secret = 'hunter2-do-not-print';
  const cases: Array<[string, unknown, RegExp]> = [
    ['a file that is not JSON', `PATH=/usr/bin\0AWS_SECRET_ACCESS_KEY=${secret}\0`, /is not valid JSON$/],
    ['a pattern that is not a regular expression', typeWithSchema(codeSchema(`(${secret}`)), /pattern is not a pattern/],
    [
      'an unknown format',
      typeWithSchema({ type: 'object', properties: { a: { type: 'string', format: secret } } }),
      /is not a valid JSON Schema/,
    ],
    ['an unresolvable $ref', typeWithSchema({ type: 'object', properties: { a: { $ref: `#/${secret}` } } }), /is not a valid JSON Schema/],
  ];
  for (const [label, content, message] of cases) {
    test(label, () => {
      const error = loadError(content);
      assert.match(error, message);
      assert.ok(!error.includes(secret) && !error.includes('PATH'), error);
    });
  }
});
