import { after, test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { builtinCatalog, TRANSCRIPTION_LANGUAGES } from '../../src/catalog/builtin.js';
import { configSchemas } from '../../src/catalog/config-schemas.js';
import { describeFirstProblem, validateOperatorConfig } from '../../src/catalog/config-validation.js';
import { indexCatalog, loadCatalog } from '../../src/catalog/load.js';
import { catalogSid } from '../../src/catalog/sids.js';
import { DOCUMENTED_PREBUILT } from '../operators/expected.js';

const EY = /^EY[0-9a-f]{32}$/;
const LY = /^LY[0-9a-f]{32}$/;

describe('catalog SIDs', () => {
  test('catalogSid gives the same SID for the same name on every call', () => {
    assert.equal(catalogSid('EY', 'Sentiment'), catalogSid('EY', 'Sentiment'));
  });

  test('catalogSid is pinned to sha256("intelligence-server:<prefix>:<name>") so SIDs never change', () => {
    assert.equal(catalogSid('EY', 'LiteralSpot'), 'EY2665941a3d4db2bddbfa0d7aab9996ed');
    assert.equal(catalogSid('LY', 'Sentiment Analysis'), 'LYf87ef6ccf0e96a42f31d3ac99e68383f');
  });

  test('catalogSid is the prefix and 32 lowercase hex digits', () => {
    assert.match(catalogSid('EY', 'Anything at all'), EY);
    assert.match(catalogSid('LY', ''), LY);
  });

  test('catalogSid differs by prefix and by name', () => {
    assert.notEqual(catalogSid('EY', 'a').slice(2), catalogSid('LY', 'a').slice(2));
    assert.notEqual(catalogSid('EY', 'a'), catalogSid('EY', 'b'));
  });
});

describe('built-in catalog', () => {
  const { operatorTypes, prebuiltOperators } = builtinCatalog;
  const typeNames = new Set(operatorTypes.map((type) => type.name));

  test('every SID is well-formed, unique and derived with catalogSid', () => {
    for (const type of operatorTypes) {
      assert.match(type.sid, EY);
      assert.equal(type.sid, catalogSid('EY', type.name));
    }
    for (const operator of prebuiltOperators) {
      assert.match(operator.sid, LY);
      assert.equal(operator.sid, catalogSid('LY', operator.friendlyName));
    }
    const sids = [...operatorTypes, ...prebuiltOperators].map((entry) => entry.sid);
    assert.equal(new Set(sids).size, sids.length);
    assert.equal(typeNames.size, operatorTypes.length);
  });

  test('all 13 documented pre-built operators are present and generally available', () => {
    for (const name of DOCUMENTED_PREBUILT) {
      const operator = prebuiltOperators.find((candidate) => candidate.friendlyName === name);
      assert.ok(operator, `missing ${name}`);
      assert.equal(operator.availability, 'general-availability');
      assert.equal(operator.author, 'twilio');
      assert.equal(operator.version, 1);
    }
  });

  test('one pre-built operator is retired and one in beta', () => {
    assert.equal(prebuiltOperators.filter((operator) => operator.availability === 'retired').length, 1);
    assert.equal(prebuiltOperators.filter((operator) => operator.availability === 'beta').length, 1);
  });

  test("every pre-built operator's operator type exists and is not configurable", () => {
    for (const operator of prebuiltOperators) {
      const type = operatorTypes.find((candidate) => candidate.name === operator.operatorType);
      assert.ok(type, `${operator.friendlyName}: no type ${operator.operatorType}`);
      assert.equal(type.configurable, false);
      assert.equal(type.configSchema, null);
    }
  });

  test('exactly the four configurable types carry a config schema and every transcription language', () => {
    const configurable = operatorTypes.filter((type) => type.configurable);
    assert.deepEqual(configurable.map((type) => type.name).sort(), [
      'Generative',
      'GenerativeJSON',
      'LiteralClassification',
      'LiteralSpot',
    ]);
    for (const type of configurable) {
      assert.equal(type.configSchema, configSchemas[type.name as keyof typeof configSchemas]);
      assert.deepEqual([...type.supportedLanguages].sort(), [...TRANSCRIPTION_LANGUAGES].sort());
    }
  });

  test('friendly names fit in 64 characters and docs links point at Twilio docs', () => {
    for (const entry of [...operatorTypes, ...prebuiltOperators]) assert.ok(entry.friendlyName.length <= 64);
    for (const type of operatorTypes) assert.ok(type.docsLink?.startsWith('https://www.twilio.com/docs/conversational-intelligence/'));
  });

  test('some types support languages beyond English, given as bare language codes', () => {
    const multilingual = operatorTypes.filter((type) => !type.configurable && type.supportedLanguages.length > 1);
    assert.ok(multilingual.some((type) => type.supportedLanguages.includes('es') && !type.supportedLanguages.includes('es-MX')));
  });

  test('the built-in catalog cannot be modified', () => {
    assert.throws(() => (builtinCatalog.operatorTypes as unknown[]).push({}));
    assert.throws(() => {
      (builtinCatalog.prebuiltOperators[0] as { version: number }).version = 2;
    });
  });
});

describe('config schemas', () => {
  for (const [name, schema] of Object.entries(configSchemas)) {
    test(`${name} config schema compiles in Ajv strict mode and has a title and description`, () => {
      assert.doesNotThrow(() => new Ajv({ strict: true, allErrors: true }).compile(schema));
      assert.equal(schema.title, name);
      assert.equal(typeof schema.description, 'string');
    });
  }
});

type Invalid = [string, unknown, string];

const configCases: Record<string, { valid: unknown[]; invalid: Invalid[] }> = {
  LiteralSpot: {
    valid: [
      { phrase_sets: [{ name: 'refund', phrases: ['refund', 'money back'], match: 'exact' }] },
      {
        phrase_sets: [
          { name: 'a', phrases: ['x'], match: 'fuzzy' },
          { name: 'b', phrases: ['y'], match: 'exact' },
        ],
      },
      { phrase_sets: [{ name: 'long', phrases: Array.from({ length: 100 }, (_, i) => `phrase ${i}`), match: 'exact' }] },
    ],
    invalid: [
      ['missing phrase_sets', {}, '/phrase_sets'],
      ['empty phrase_sets', { phrase_sets: [] }, '/phrase_sets'],
      ['unknown match type', { phrase_sets: [{ name: 'a', phrases: ['x'], match: 'regex' }] }, '/phrase_sets/0/match'],
      ['empty phrase', { phrase_sets: [{ name: 'a', phrases: [''], match: 'exact' }] }, '/phrase_sets/0/phrases/0'],
      ['blank name', { phrase_sets: [{ name: '   ', phrases: ['x'], match: 'exact' }] }, '/phrase_sets/0/name'],
      ['unknown field', { phrase_sets: [{ name: 'a', phrases: ['x'], match: 'exact', weight: 2 }] }, '/phrase_sets/0/weight'],
      ['phrase too long', { phrase_sets: [{ name: 'a', phrases: ['x'.repeat(257)], match: 'exact' }] }, '/phrase_sets/0/phrases/0'],
      [
        'too many phrases',
        { phrase_sets: [{ name: 'a', phrases: Array.from({ length: 101 }, (_, i) => `p${i}`), match: 'exact' }] },
        '/phrase_sets/0/phrases',
      ],
      [
        'repeated phrase set name',
        {
          phrase_sets: [
            { name: 'a', phrases: ['x'], match: 'exact' },
            { name: 'a', phrases: ['y'], match: 'exact' },
          ],
        },
        '/phrase_sets/1/name',
      ],
    ],
  },
  LiteralClassification: {
    valid: [
      { scope: 'conversation', classes: [{ name: 'billing', phrases: ['invoice'] }] },
      {
        scope: 'sentence',
        classes: [
          { name: 'yes', phrases: ['yes', 'sure'], match: 'fuzzy' },
          { name: 'no', phrases: ['no'] },
        ],
      },
      { scope: 'conversation', classes: [{ name: 'cancel', phrases: ['cancel my account'], match: 'exact' }] },
    ],
    invalid: [
      ['missing scope', { classes: [{ name: 'a', phrases: ['x'] }] }, '/scope'],
      ['unknown scope', { scope: 'paragraph', classes: [{ name: 'a', phrases: ['x'] }] }, '/scope'],
      ['missing classes', { scope: 'sentence' }, '/classes'],
      ['class without phrases', { scope: 'sentence', classes: [{ name: 'a' }] }, '/classes/0/phrases'],
      ['phrases not an array', { scope: 'sentence', classes: [{ name: 'a', phrases: 'x' }] }, '/classes/0/phrases'],
      [
        'repeated class name',
        {
          scope: 'sentence',
          classes: [
            { name: 'a', phrases: ['x'] },
            { name: 'a', phrases: ['y'] },
          ],
        },
        '/classes/1/name',
      ],
    ],
  },
  Generative: {
    valid: [
      { prompt: 'Summarize the call.' },
      { prompt: 'x'.repeat(4000) },
      { prompt: 'Why did they call?', examples: [{ input: 'My card was charged twice.', output: 'Billing error' }] },
    ],
    invalid: [
      ['missing prompt', {}, '/prompt'],
      ['empty prompt', { prompt: '' }, '/prompt'],
      ['prompt of 4001 characters', { prompt: 'x'.repeat(4001) }, '/prompt'],
      ['prompt not a string', { prompt: 42 }, '/prompt'],
      ['example without output', { prompt: 'p', examples: [{ input: 'i' }] }, '/examples/0/output'],
      ['eleven examples', { prompt: 'p', examples: Array.from({ length: 11 }, () => ({ input: 'i', output: 'o' })) }, '/examples'],
      ['unknown field', { prompt: 'p', temperature: 0.2 }, '/temperature'],
    ],
  },
  GenerativeJSON: {
    valid: [
      { prompt: 'p', json_result_schema: { type: 'object', properties: { reason: { type: 'string' } } } },
      {
        prompt: 'p',
        json_result_schema: {
          type: 'object',
          title: 'Call',
          description: 'About the call',
          additionalProperties: false,
          required: ['outcome'],
          properties: {
            outcome: { type: 'string', enum: ['sold', 'not sold'], description: 'The result' },
            score: { type: 'integer', enum: [1, 2, 3] },
            items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, price: { type: 'number' } } } },
            callback: { type: 'boolean' },
          },
        },
      },
      {
        prompt: 'p',
        json_result_schema: { type: 'object', properties: { a: { type: 'string' } } },
        examples: [{ input: 'i', output: '{"a":"b"}' }],
      },
    ],
    invalid: [
      ['missing json_result_schema', { prompt: 'p' }, '/json_result_schema'],
      [
        'root type not object',
        { prompt: 'p', json_result_schema: { type: 'array', items: { type: 'string' } } },
        '/json_result_schema/type',
      ],
      ['root without properties', { prompt: 'p', json_result_schema: { type: 'object' } }, '/json_result_schema/properties'],
      [
        '$ref keyword',
        { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'string' } }, $ref: '#' } },
        '/json_result_schema/$ref',
      ],
      [
        'patternProperties keyword',
        { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'string' } }, patternProperties: {} } },
        '/json_result_schema/patternProperties',
      ],
      [
        'unsupported type',
        { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'null' } } } },
        '/json_result_schema/properties/a/type',
      ],
      [
        'keyword of another type',
        { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'string', items: {} } } } },
        '/json_result_schema/properties/a/items',
      ],
      [
        'enum value of the wrong type',
        { prompt: 'p', json_result_schema: { type: 'object', properties: { a: { type: 'string', enum: [1] } } } },
        '/json_result_schema/properties/a/enum/0',
      ],
      [
        'prompt of 4001 characters',
        { prompt: 'x'.repeat(4001), json_result_schema: { type: 'object', properties: { a: { type: 'string' } } } },
        '/prompt',
      ],
      [
        'example output not JSON',
        {
          prompt: 'p',
          json_result_schema: { type: 'object', properties: { a: { type: 'string' } } },
          examples: [{ input: 'i', output: 'b' }],
        },
        '/examples/0/output',
      ],
    ],
  },
};

for (const [typeName, { valid, invalid }] of Object.entries(configCases)) {
  describe(`${typeName} config`, () => {
    valid.forEach((config, index) => {
      test(`accepts valid example ${index + 1}`, () => {
        assert.deepEqual(validateOperatorConfig(typeName, config), []);
      });
    });
    for (const [label, config, path] of invalid) {
      test(`rejects ${label} at ${path}`, () => {
        const problems = validateOperatorConfig(typeName, config);
        assert.ok(
          problems.some((problem) => problem.path === path),
          JSON.stringify(problems),
        );
      });
    }
  });
}

/** An object schema whose objects nest `levels` deep, the root being level 1. */
function nestedObjects(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } } };
  for (let level = levels - 1; level >= 1; level--) schema = { type: 'object', properties: { [`level${level + 1}`]: schema } };
  return schema;
}

/** A root with `rootCount` properties, one of them an object holding `nestedCount` more. */
function spreadProperties(rootCount: number, nestedCount: number): Record<string, unknown> {
  const scalars = (count: number, prefix: string) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, { type: 'string' }]));
  return {
    type: 'object',
    properties: { ...scalars(rootCount - 1, 'root'), nested: { type: 'object', properties: scalars(nestedCount, 'inner') } },
  };
}

describe('GenerativeJSON limits', () => {
  const check = (jsonResultSchema: unknown) =>
    validateOperatorConfig('GenerativeJSON', { prompt: 'p', json_result_schema: jsonResultSchema });

  test('accepts 100 properties in total across levels', () => {
    assert.deepEqual(check(spreadProperties(50, 50)), []);
  });

  test('rejects 101 properties in total across levels', () => {
    const problems = check(spreadProperties(51, 50));
    assert.equal(problems[0]?.path, '/json_result_schema');
    assert.match(problems[0]?.message ?? '', /more than 100 properties/);
  });

  test('rejects 101 properties in a single object', () => {
    assert.ok(check(spreadProperties(101, 0)).length > 0);
  });

  test('accepts objects nested 5 levels deep', () => {
    assert.deepEqual(check(nestedObjects(5)), []);
  });

  test('rejects objects nested 6 levels deep with a message naming the depth', () => {
    const problems = check(nestedObjects(6));
    assert.equal(problems.length, 1);
    assert.equal(
      problems[0]?.path,
      '/json_result_schema/properties/level2/properties/level3/properties/level4/properties/level5/properties/level6',
    );
    assert.match(problems[0]?.message ?? '', /6 levels deep/);
  });

  test('counts arrays as levels of nesting', () => {
    const list = (items: unknown) => ({ type: 'array', items });
    const object = (child: unknown) => ({ type: 'object', properties: { child } });
    assert.deepEqual(check(object(list(object(list({ type: 'string' }))))), []);
    assert.ok(check(object(list(object(list(object(list({ type: 'string' }))))))).length > 0);
  });
});

describe('config validation safety', () => {
  for (const config of [null, [], 'text', 42, true]) {
    test(`rejects a config that is ${JSON.stringify(config)} as not an object`, () => {
      assert.deepEqual(validateOperatorConfig('Generative', config), [{ path: '', message: 'must be a JSON object' }]);
    });
  }

  test('rejects a deeply nested config quickly without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const started = Date.now();
    const problems = validateOperatorConfig('LiteralSpot', { phrase_sets: deep });
    assert.match(problems[0]?.message ?? '', /deeper than 32/);
    assert.ok(Date.now() - started < 1000);
  });

  test('caps the number of problems reported for a huge invalid config', () => {
    const phrases = Array.from({ length: 10_000 }, () => 7);
    const problems = validateOperatorConfig('LiteralSpot', { phrase_sets: [{ name: 'a', phrases, match: 'exact' }] });
    assert.ok(problems.length > 0 && problems.length <= 20);
  });

  for (const typeName of ['Sentiment', 'constructor', '__proto__']) {
    test(`reports that operator type ${typeName} takes no config`, () => {
      assert.match(validateOperatorConfig(typeName, {})[0]?.message ?? '', /is not configurable/);
    });
  }

  test('reports no config allowed when the catalog gives a null config schema', () => {
    assert.match(validateOperatorConfig('LiteralSpot', {}, null)[0]?.message ?? '', /is not configurable/);
  });

  test('validates against the schema passed in, for types defined by a catalog file', () => {
    const schema = { type: 'object', required: ['threshold'], properties: { threshold: { type: 'number' } } };
    assert.deepEqual(validateOperatorConfig('Threshold', { threshold: 0.5 }, schema), []);
    assert.equal(validateOperatorConfig('Threshold', {}, schema)[0]?.path, '/threshold');
  });

  test('describeFirstProblem names the config path and the problem in one line', () => {
    const problems = validateOperatorConfig('LiteralSpot', { phrase_sets: [{ name: 'a', phrases: ['x'], match: 'regex' }] });
    assert.equal(describeFirstProblem(problems), 'Config/phrase_sets/0/match must be one of: exact, fuzzy');
    assert.equal(describeFirstProblem(validateOperatorConfig('LiteralSpot', 'x')), 'Config must be a JSON object');
  });
});

describe('loadCatalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let counter = 0;
  const catalogFile = (content: unknown): string => {
    const file = join(dir, `catalog-${counter++}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const customType = {
    name: 'Threshold',
    friendly_name: 'Threshold',
    description: 'Flags conversations above a score.',
    output_type: 'json',
    supported_languages: ['en', 'fr-FR'],
    provider: 'openai',
    availability: 'beta',
    configurable: true,
    config_schema: { type: 'object', properties: { threshold: { type: 'number' } } },
  };
  const customOperator = {
    friendly_name: 'Churn Risk',
    description: 'Scores churn risk.',
    operator_type: 'Summarization',
    availability: 'public',
  };

  test('returns the built-in catalog without a file', () => {
    assert.equal(loadCatalog(), builtinCatalog);
  });

  test('extend mode adds file entries to the built-in ones, deriving missing SIDs', () => {
    const catalog = loadCatalog(catalogFile({ operator_types: [customType], prebuilt_operators: [customOperator] }));
    assert.equal(catalog.operatorTypes.length, builtinCatalog.operatorTypes.length + 1);
    assert.equal(catalog.prebuiltOperators.length, builtinCatalog.prebuiltOperators.length + 1);
    const type = catalog.operatorTypes.find((candidate) => candidate.name === 'Threshold');
    assert.equal(type?.sid, catalogSid('EY', 'Threshold'));
    const operator = catalog.prebuiltOperators.find((candidate) => candidate.friendlyName === 'Churn Risk');
    assert.deepEqual([operator?.sid, operator?.author, operator?.version], [catalogSid('LY', 'Churn Risk'), 'twilio', 1]);
  });

  test('extend mode replaces a built-in entry that has the same SID', () => {
    const sid = catalogSid('LY', 'Sentiment Analysis');
    const catalog = loadCatalog(
      catalogFile({ prebuilt_operators: [{ ...customOperator, sid, friendly_name: 'Mood', operator_type: 'Sentiment' }] }),
    );
    assert.equal(catalog.prebuiltOperators.length, builtinCatalog.prebuiltOperators.length);
    assert.equal(catalog.prebuiltOperators.find((operator) => operator.sid === sid)?.friendlyName, 'Mood');
  });

  test('replace mode serves only the file entries', () => {
    const catalog = loadCatalog(catalogFile({ mode: 'replace', operator_types: [customType], prebuilt_operators: [] }));
    assert.deepEqual(
      catalog.operatorTypes.map((type) => type.name),
      ['Threshold'],
    );
    assert.deepEqual(catalog.prebuiltOperators, []);
  });

  const failures: Array<[string, unknown, RegExp]> = [
    ['a malformed file', '{"operator_types": [', /is not valid JSON/],
    [
      'an unknown operator_type',
      { prebuilt_operators: [customOperator, { ...customOperator, friendly_name: 'B', operator_type: 'Foo' }] },
      /prebuilt_operators\/1\/operator_type "Foo" is not an operator type in the catalog$/,
    ],
    [
      'a duplicate sid',
      {
        prebuilt_operators: [
          { ...customOperator, sid: `LY${'a'.repeat(32)}` },
          { ...customOperator, friendly_name: 'B', sid: `LY${'a'.repeat(32)}` },
        ],
      },
      /prebuilt_operators\/1\/sid "LYa{32}" repeats prebuilt_operators\/0$/,
    ],
    [
      'a duplicate type name',
      { operator_types: [customType, { ...customType, sid: `EY${'b'.repeat(32)}` }] },
      /operator_types\/1\/name "Threshold" repeats operator_types\/0/,
    ],
    [
      'a type that takes a built-in name',
      { operator_types: [{ ...customType, name: 'Sentiment', sid: `EY${'b'.repeat(32)}` }] },
      /operator_types\/0\/name "Sentiment" is already the name of a built-in operator type/,
    ],
    ['a SID in upper case', { operator_types: [{ ...customType, sid: `EY${'A'.repeat(32)}` }] }, /operator_types\/0\/sid must match/],
    [
      'an availability outside the spec',
      { prebuilt_operators: [{ ...customOperator, availability: 'gone' }] },
      /prebuilt_operators\/0\/availability must be one of: internal, beta, public/,
    ],
    [
      'a configurable type without config_schema',
      { operator_types: [{ ...customType, config_schema: null }] },
      /operator_types\/0\/config_schema is required/,
    ],
    [
      'a config_schema Ajv cannot compile',
      { operator_types: [{ ...customType, config_schema: { type: 'object', minLenght: 1 } }] },
      /operator_types\/0\/config_schema is not a valid JSON Schema/,
    ],
    ['an unknown mode', { mode: 'merge' }, /mode must be one of: extend, replace/],
    [
      'a rename of a type built-in operators use',
      { operator_types: [{ ...customType, name: 'Mood', sid: catalogSid('EY', 'Sentiment') }] },
      /built-in operator "Sentiment Analysis" needs operator type "Sentiment"/,
    ],
  ];
  for (const [label, content, message] of failures) {
    test(`rejects ${label} with one line naming the file`, () => {
      const file = catalogFile(content);
      assert.throws(
        () => loadCatalog(file),
        (error: Error) => {
          assert.ok(error.message.startsWith(`CATALOG_FILE ${file}: `), error.message);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('\n'));
          return true;
        },
      );
    });
  }

  test('rejects a file that does not exist', () => {
    assert.throws(() => loadCatalog(join(dir, 'missing.json')), /CATALOG_FILE .*missing\.json: cannot be read \(ENOENT\)/);
  });
});

describe('indexCatalog', () => {
  test('sorts by date created then SID and looks entries up by SID and name', () => {
    const index = indexCatalog(builtinCatalog);
    const sids = index.operatorTypes.map((type) => type.sid);
    assert.deepEqual(sids, [...sids].sort());
    assert.deepEqual(
      index.prebuiltOperators.map((operator) => operator.sid),
      builtinCatalog.prebuiltOperators.map((operator) => operator.sid).sort(),
    );
    const sentiment = index.typeByName.get('Sentiment');
    assert.equal(index.typeBySid.get(catalogSid('EY', 'Sentiment')), sentiment);
    assert.equal(index.prebuiltBySid.get(catalogSid('LY', 'Call Transfer'))?.operatorType, 'CallTransfer');
  });

  test('orders an older entry first regardless of SID', () => {
    const [first, second] = builtinCatalog.operatorTypes;
    const older = { ...second!, sid: 'EYf'.padEnd(34, 'f'), dateCreated: new Date('2020-01-01T00:00:00Z') };
    const index = indexCatalog({ operatorTypes: [first!, older], prebuiltOperators: [] });
    assert.equal(index.operatorTypes[0], older);
  });
});
