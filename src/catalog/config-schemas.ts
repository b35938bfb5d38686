// The `config_schema` of each configurable operator type: the public contract a custom operator's
// `Config` is validated against. Draft-07, Ajv strict-mode clean; limits Ajv cannot express
// (total property count in GenerativeJSON) are checked in config-validation.ts.

export type ConfigSchema = Record<string, unknown>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export const MAX_NAME_LENGTH = 64;
export const MAX_PHRASE_LENGTH = 256;
export const MAX_PHRASES_PER_SET = 100;
export const MAX_PHRASE_SETS = 50;
export const MAX_PROMPT_LENGTH = 4000;
export const MAX_EXAMPLES = 10;
export const MAX_EXAMPLE_LENGTH = 4000;
/** GenerativeJSON: objects and arrays nest at most this deep, the root object being level 1. */
export const MAX_RESULT_SCHEMA_DEPTH = 5;
/** GenerativeJSON: `properties` entries counted across every level of json_result_schema. */
export const MAX_RESULT_SCHEMA_PROPERTIES = 100;
export const MAX_ENUM_VALUES = 100;

const nonBlank = (title: string, description: string, maxLength: number) => ({
  title,
  description,
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: '\\S',
});

const phraseList = (description: string) => ({
  title: 'Phrases',
  description,
  type: 'array',
  minItems: 1,
  maxItems: MAX_PHRASES_PER_SET,
  uniqueItems: true,
  items: nonBlank('Phrase', `A word or phrase, up to ${MAX_PHRASE_LENGTH} characters.`, MAX_PHRASE_LENGTH),
});

const matchType = {
  title: 'Match type',
  description:
    '`exact` finds the words as written (ignoring case); `fuzzy` also finds close variants, such as other word forms or small transcription errors.',
  type: 'string',
  enum: ['exact', 'fuzzy'],
};

export const literalSpotConfigSchema: ConfigSchema = {
  $schema: DRAFT_07,
  title: 'LiteralSpot',
  description: 'Phrase matching: reports every place in the conversation where a phrase of one of the phrase sets is said.',
  type: 'object',
  additionalProperties: false,
  required: ['phrase_sets'],
  properties: {
    phrase_sets: {
      title: 'Phrase sets',
      description: `One to ${MAX_PHRASE_SETS} named groups of phrases; results name the phrase set that matched. Names must be unique.`,
      type: 'array',
      minItems: 1,
      maxItems: MAX_PHRASE_SETS,
      items: {
        title: 'Phrase set',
        description: 'A named group of phrases and how to match them.',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'phrases', 'match'],
        properties: {
          name: nonBlank('Name', `The phrase set's name, up to ${MAX_NAME_LENGTH} characters.`, MAX_NAME_LENGTH),
          phrases: phraseList(`One to ${MAX_PHRASES_PER_SET} distinct phrases to find.`),
          match: matchType,
        },
      },
    },
  },
  examples: [{ phrase_sets: [{ name: 'refund', phrases: ['refund', 'money back'], match: 'exact' }] }],
};

export const literalClassificationConfigSchema: ConfigSchema = {
  $schema: DRAFT_07,
  title: 'LiteralClassification',
  description: 'Classification by phrase: assigns the class whose phrases are said, to the whole conversation or to each sentence.',
  type: 'object',
  additionalProperties: false,
  required: ['classes', 'scope'],
  properties: {
    scope: {
      title: 'Scope',
      description: '`conversation` classifies the conversation as a whole; `sentence` classifies each sentence on its own.',
      type: 'string',
      enum: ['conversation', 'sentence'],
    },
    classes: {
      title: 'Classes',
      description: `One to ${MAX_PHRASE_SETS} classes. Names must be unique.`,
      type: 'array',
      minItems: 1,
      maxItems: MAX_PHRASE_SETS,
      items: {
        title: 'Class',
        description: 'A class and the phrases that signal it.',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'phrases'],
        properties: {
          name: nonBlank('Name', `The class label reported in results, up to ${MAX_NAME_LENGTH} characters.`, MAX_NAME_LENGTH),
          phrases: phraseList(`One to ${MAX_PHRASES_PER_SET} distinct phrases that signal this class.`),
          match: { ...matchType, default: 'exact' },
        },
      },
    },
  },
  examples: [
    {
      scope: 'conversation',
      classes: [
        { name: 'billing', phrases: ['invoice', 'charged twice'] },
        { name: 'cancellation', phrases: ['cancel my account'], match: 'fuzzy' },
      ],
    },
  ],
};

const promptProperty = nonBlank('Prompt', `Instructions to the language model, up to ${MAX_PROMPT_LENGTH} characters.`, MAX_PROMPT_LENGTH);

const examplesProperty = (outputDescription: string) => ({
  title: 'Examples',
  description: `Up to ${MAX_EXAMPLES} examples of a conversation excerpt and the result expected for it.`,
  type: 'array',
  maxItems: MAX_EXAMPLES,
  items: {
    title: 'Example',
    description: 'One example input and its expected output.',
    type: 'object',
    additionalProperties: false,
    required: ['input', 'output'],
    properties: {
      input: nonBlank('Input', `A conversation excerpt, up to ${MAX_EXAMPLE_LENGTH} characters.`, MAX_EXAMPLE_LENGTH),
      output: nonBlank('Output', outputDescription, MAX_EXAMPLE_LENGTH),
    },
  },
});

export const generativeConfigSchema: ConfigSchema = {
  $schema: DRAFT_07,
  title: 'Generative',
  description: 'A language model answers the prompt about the conversation in free text.',
  type: 'object',
  additionalProperties: false,
  required: ['prompt'],
  properties: {
    prompt: promptProperty,
    examples: examplesProperty(`The text expected for the input, up to ${MAX_EXAMPLE_LENGTH} characters.`),
  },
  examples: [{ prompt: 'Summarize why the customer called in one sentence.' }],
};

const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean'];

const annotations = {
  title: { title: 'Title', description: 'A short name for this value.', type: 'string', maxLength: 256 },
  description: {
    title: 'Description',
    description: 'What this value means; the model reads it.',
    type: 'string',
    maxLength: 1000,
  },
};

const enumOf = (itemType: string) => ({
  title: 'Allowed values',
  description: `One to ${MAX_ENUM_VALUES} distinct values the result may take.`,
  type: 'array',
  minItems: 1,
  maxItems: MAX_ENUM_VALUES,
  uniqueItems: true,
  items: itemType === 'string' ? { type: 'string', maxLength: 256 } : { type: itemType },
});

const scalarField = (type: string) => ({
  title: `${type} value`,
  description: `A ${type} in the result.`,
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { const: type },
    ...annotations,
    ...(type === 'boolean' ? {} : { enum: enumOf(type) }),
  },
});

const dispatchOn = (type: string, ref: string) => ({
  if: { type: 'object', required: ['type'], properties: { type: { const: type } } },
  then: { $ref: `#/definitions/${ref}` },
});

/** A field at `level`: a scalar anywhere, an object or array only while level ≤ the depth limit. */
const resultField = (level: number) => {
  const containers = level <= MAX_RESULT_SCHEMA_DEPTH;
  return {
    title: `Level ${level} field`,
    description: containers
      ? 'A value in the result: a scalar, an object or an array.'
      : `A value nested below level ${MAX_RESULT_SCHEMA_DEPTH}: only scalars are allowed here.`,
    type: 'object',
    required: ['type'],
    properties: {
      type: {
        title: 'Type',
        description: 'The JSON type of this value.',
        type: 'string',
        enum: containers ? [...SCALAR_TYPES, 'object', 'array'] : SCALAR_TYPES,
      },
    },
    allOf: [
      ...SCALAR_TYPES.map((type) => dispatchOn(type, `${type}_field`)),
      ...(containers ? [dispatchOn('object', `object_level_${level}`), dispatchOn('array', `array_level_${level}`)] : []),
    ],
  };
};

const objectLevel = (level: number) => ({
  title: `Level ${level} object`,
  description: 'An object in the result, with named properties.',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'properties'],
  properties: {
    type: { const: 'object' },
    ...annotations,
    properties: {
      title: 'Properties',
      description: `The object's properties by name (at most ${MAX_RESULT_SCHEMA_PROPERTIES} across all levels).`,
      type: 'object',
      minProperties: 1,
      maxProperties: MAX_RESULT_SCHEMA_PROPERTIES,
      propertyNames: { type: 'string', minLength: 1, maxLength: 128 },
      additionalProperties: { $ref: `#/definitions/field_level_${level + 1}` },
    },
    required: {
      title: 'Required',
      description: 'Names of the properties the result must always contain.',
      type: 'array',
      maxItems: MAX_RESULT_SCHEMA_PROPERTIES,
      uniqueItems: true,
      items: { type: 'string' },
    },
    additionalProperties: {
      title: 'Additional properties',
      description: 'Accepted for compatibility with strict structured-output schemas; only `false` is allowed.',
      const: false,
    },
  },
});

const arrayLevel = (level: number) => ({
  title: `Level ${level} array`,
  description: 'A list in the result; `items` describes every element.',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'items'],
  properties: {
    type: { const: 'array' },
    ...annotations,
    items: { $ref: `#/definitions/field_level_${level + 1}` },
  },
});

function resultSchemaDefinitions(): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (const type of SCALAR_TYPES) definitions[`${type}_field`] = scalarField(type);
  for (let level = 1; level <= MAX_RESULT_SCHEMA_DEPTH; level++) {
    definitions[`object_level_${level}`] = objectLevel(level);
    definitions[`array_level_${level}`] = arrayLevel(level);
    if (level > 1) definitions[`field_level_${level}`] = resultField(level);
  }
  definitions[`field_level_${MAX_RESULT_SCHEMA_DEPTH + 1}`] = resultField(MAX_RESULT_SCHEMA_DEPTH + 1);
  return definitions;
}

export const generativeJsonConfigSchema: ConfigSchema = {
  $schema: DRAFT_07,
  title: 'GenerativeJSON',
  description:
    'A language model answers the prompt about the conversation with a JSON object shaped by json_result_schema. ' +
    `That schema is a subset of JSON Schema: the root is an object; each value has a \`type\` (${SCALAR_TYPES.join(', ')}, object or array); ` +
    'objects take properties, required, title, description and additionalProperties: false; arrays take items, title and description; ' +
    `scalars take title, description and enum. Objects and arrays nest at most ${MAX_RESULT_SCHEMA_DEPTH} levels deep (the root is level 1), ` +
    `with at most ${MAX_RESULT_SCHEMA_PROPERTIES} properties in total across all levels.`,
  type: 'object',
  additionalProperties: false,
  required: ['prompt', 'json_result_schema'],
  properties: {
    prompt: promptProperty,
    json_result_schema: {
      title: 'JSON result schema',
      description: 'The shape of the result: a JSON Schema whose root is an object (see the limits above).',
      allOf: [{ $ref: '#/definitions/object_level_1' }],
    },
    examples: examplesProperty('The expected result for the input: a JSON object written as text.'),
  },
  definitions: resultSchemaDefinitions(),
  examples: [
    {
      prompt: 'Extract the order number and whether the customer asked for a refund.',
      json_result_schema: {
        type: 'object',
        properties: { order_number: { type: 'string' }, refund_requested: { type: 'boolean' } },
        required: ['order_number', 'refund_requested'],
      },
    },
  ],
};

export const configSchemas = {
  LiteralSpot: literalSpotConfigSchema,
  LiteralClassification: literalClassificationConfigSchema,
  Generative: generativeConfigSchema,
  GenerativeJSON: generativeJsonConfigSchema,
} as const;

export type ConfigurableTypeName = keyof typeof configSchemas;
