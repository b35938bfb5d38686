// Validates a custom operator's `Config` against its operator type's config_schema and reports
// problems as JSON pointers with plain-words messages. The caller bounds the serialized size.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { linearRegExp } from './linear-regexp.js';
import {
  configSchemas,
  MAX_EXAMPLES,
  MAX_RESULT_SCHEMA_DEPTH,
  MAX_RESULT_SCHEMA_PROPERTIES,
  type ConfigSchema,
} from './config-schemas.js';

export interface ConfigProblem {
  /** JSON pointer into the config, e.g. `/phrase_sets/0/match`; `` is the config itself. */
  path: string;
  message: string;
}

/** Deeper values are refused before Ajv sees them: its deep-equality checks recurse. */
export const MAX_CONFIG_DEPTH = 32;
const MAX_PROBLEMS = 20;
/**
 * Configs with more values than this get only their first schema problem: collecting every error
 * costs time in proportion to the values (~1 s for 87,000 empty phrase sets), one is enough.
 */
export const MAX_VALUES_FOR_ALL_PROBLEMS = 1000;

// addUsedSchema: false keeps schemas with the same $id (e.g. a reloaded catalog file) from clashing.
// The built-in schemas keep V8's engine (their only pattern, \S, is safe, and RE2's \s is ASCII),
// and compile faster without the meta-schema check (test/catalog makes it) and without inlined
// $refs: GenerativeJSON's took ~150 ms of CPU, ~90 ms now, once, in the first request that uses it.
// Any other schema comes from a CATALOG_FILE and runs its patterns on the linear-time engine.
function newAjv(allErrors: boolean, builtin: boolean): Ajv {
  const engine = builtin ? { validateSchema: false, inlineRefs: false } : { code: { regExp: linearRegExp } };
  const ajv = new Ajv({ strict: true, addUsedSchema: false, allErrors, ...engine });
  addFormats.default(ajv);
  return ajv;
}

const builtinSchemas = new Set<object>(Object.values(configSchemas));
const validators = new Map<string, { ajv: Ajv; compiled: WeakMap<object, ValidateFunction> }>();

/** Compiles once per schema object; throws when the schema is not valid (strict) JSON Schema. */
export function compileConfigSchema(schema: ConfigSchema, allErrors = true): ValidateFunction {
  const builtin = builtinSchemas.has(schema);
  const key = `${allErrors} ${builtin}`;
  let engine = validators.get(key);
  if (engine === undefined) {
    engine = { ajv: newAjv(allErrors, builtin), compiled: new WeakMap() };
    validators.set(key, engine);
  }
  let validate = engine.compiled.get(schema);
  if (validate === undefined) {
    validate = engine.ajv.compile(schema);
    // An $async schema's validator answers a promise, which would pass every config.
    if ((validate as { $async?: boolean }).$async === true) throw new Error('asynchronous ($async) schemas are not supported');
    engine.compiled.set(schema, validate);
  }
  return validate;
}

// Schemas compile on first use, not at import: compiling them all cost a third of start-up time.

/**
 * Problems of `config` for the operator type `typeName`, [] when valid. `configSchema` is the
 * type's schema from the catalog (null: not configurable); when omitted, the built-in schema of that name.
 */
export function validateOperatorConfig(
  typeName: string,
  config: unknown,
  configSchema?: ConfigSchema | null,
): ConfigProblem[] {
  const schema = configSchema === undefined ? builtinConfigSchema(typeName) : configSchema;
  if (schema === null) {
    return [{ path: '', message: `cannot be set: operator type ${typeName} is not configurable` }];
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return [{ path: '', message: 'must be a JSON object' }];
  }
  const values = countValues(config, MAX_CONFIG_DEPTH);
  if (values === null) {
    return [{ path: '', message: `must not nest deeper than ${MAX_CONFIG_DEPTH} levels` }];
  }
  // A size limit exceeded is the only problem reported: the rest is not looked at, so the work is
  // bounded by the limit, not by what the client sent.
  const limitProblem = typeLimitProblem(typeName, config as Record<string, unknown>);
  if (limitProblem !== null) return [limitProblem];
  const validate = compileConfigSchema(schema, values <= MAX_VALUES_FOR_ALL_PROBLEMS);
  const schemaProblems = validate(config) ? [] : problemsFromAjv(validate.errors ?? []);
  const { problems: ruleProblems, subsumedPath } = typeRuleProblems(typeName, config as Record<string, unknown>);
  const problems = [...ruleProblems];
  for (const problem of schemaProblems) {
    if (problems.length >= MAX_PROBLEMS) break;
    if (subsumedPath === null || !problem.path.startsWith(`${subsumedPath}/`)) problems.push(problem);
  }
  return problems.slice(0, MAX_PROBLEMS);
}

function builtinConfigSchema(typeName: string): ConfigSchema | null {
  return Object.hasOwn(configSchemas, typeName) ? configSchemas[typeName as keyof typeof configSchemas] : null;
}

/** One line for an error message, e.g. `Config/phrase_sets/0/match must be one of: exact, fuzzy`. */
export function describeFirstProblem(problems: readonly ConfigProblem[]): string {
  const first = problems[0];
  return first === undefined ? 'Config is not valid' : `Config${first.path} ${first.message}`;
}

export function problemsFromAjv(errors: readonly ErrorObject[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = problemFromAjv(error);
    if (problem === null) continue;
    const key = `${problem.path} ${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function problemFromAjv(error: ErrorObject): ConfigProblem | null {
  const problem = problemAt(error.instancePath, error);
  const propertyName = (error as { propertyName?: string }).propertyName;
  if (problem === null || propertyName === undefined) return problem;
  return { path: problem.path, message: `has a property name ${JSON.stringify(propertyName)} that ${problem.message}` };
}

function problemAt(path: string, error: ErrorObject): ConfigProblem | null {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return null; // the failing `then` branch reports the actual problem
    case 'propertyNames':
      return null; // reported by the inner error, which names the property
    case 'required':
      return { path: `${path}/${escapePointer(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${path}/${escapePointer(String(params.additionalProperty))}`, message: 'is not allowed' };
    case 'false schema':
      return { path, message: 'is not allowed' };
    case 'type':
      return { path, message: `must be ${withArticle(String(params.type))}` };
    case 'enum':
      return { path, message: `must be one of: ${(params.allowedValues as unknown[]).map(plain).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'minLength':
      return { path, message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters` };
    case 'maxLength':
      return { path, message: `must be at most ${params.limit} characters` };
    case 'pattern':
      return { path, message: params.pattern === '\\S' ? 'must not be blank' : `must match ${params.pattern}` };
    case 'minItems':
      return { path, message: `must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, message: `must have at most ${params.limit} items` };
    case 'minProperties':
      return { path, message: `must have at least ${params.limit} propert${params.limit === 1 ? 'y' : 'ies'}` };
    case 'maxProperties':
      return { path, message: `must have at most ${params.limit} properties` };
    case 'uniqueItems':
      return { path, message: `must not repeat a value (items ${params.j} and ${params.i} are equal)` };
    case 'format':
      return { path, message: `must be a valid ${params.format}` };
  }
  return { path, message: error.message ?? 'is not valid' };
}

function withArticle(type: string): string {
  if (type === 'null') return 'null';
  return type.split(',').map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`)).join(' or ');
}

function plain(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** How many values `value` holds, itself included; null when it nests deeper than `limit`. */
function countValues(value: unknown, limit: number): number | null {
  // Iterative so that hostile nesting cannot overflow the stack; two flat stacks, no pair per value.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  let count = 0;
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    count++;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return null;
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (let i = 0; i < children.length; i++) {
      values.push(children[i]);
      depths.push(depth + 1);
    }
  }
  return count;
}

interface RuleProblems {
  problems: ConfigProblem[];
  /** Schema errors below this path repeat a rule problem in worse words; they are dropped. */
  subsumedPath: string | null;
}

/** Limits JSON Schema cannot express, checked before anything else. */
function typeLimitProblem(typeName: string, config: Record<string, unknown>): ConfigProblem | null {
  return typeName === 'GenerativeJSON' ? resultSchemaLimitProblem(config.json_result_schema) : null;
}

/** Rules JSON Schema cannot express, reported before the schema's own errors. */
function typeRuleProblems(typeName: string, config: Record<string, unknown>): RuleProblems {
  switch (typeName) {
    case 'LiteralSpot':
      return { problems: duplicateNameProblems(config.phrase_sets, '/phrase_sets', 'phrase set'), subsumedPath: null };
    case 'LiteralClassification':
      return { problems: duplicateNameProblems(config.classes, '/classes', 'class'), subsumedPath: null };
    case 'GenerativeJSON': {
      const { problems, subsumedPath } = resultSchemaRootProblems(config.json_result_schema);
      return { problems: [...problems, ...jsonExampleProblems(config.examples)], subsumedPath };
    }
    default:
      return { problems: [], subsumedPath: null };
  }
}

function duplicateNameProblems(entries: unknown, path: string, noun: string): ConfigProblem[] {
  if (!Array.isArray(entries)) return [];
  const problems: ConfigProblem[] = [];
  const firstIndex = new Map<string, number>();
  for (let index = 0; index < entries.length && problems.length < MAX_PROBLEMS; index++) {
    const entry: unknown = entries[index];
    const name = isObject(entry) ? entry.name : undefined;
    if (typeof name !== 'string') continue;
    const earlier = firstIndex.get(name);
    if (earlier === undefined) firstIndex.set(name, index);
    else problems.push({ path: `${path}/${index}/name`, message: `repeats the ${noun} name of ${path.slice(1)}/${earlier}` });
  }
  return problems;
}

const wrongRootType = (resultSchema: unknown): boolean =>
  isObject(resultSchema) && resultSchema.type !== undefined && resultSchema.type !== 'object';

/** A root of another type would otherwise be reported first as "properties is required". */
function resultSchemaRootProblems(resultSchema: unknown): RuleProblems {
  if (!wrongRootType(resultSchema)) return { problems: [], subsumedPath: null };
  return {
    problems: [{ path: '/json_result_schema/type', message: 'must be "object": the root of json_result_schema is an object' }],
    subsumedPath: '/json_result_schema',
  };
}

/**
 * The first of json_result_schema's depth and total property count limits exceeded, which the
 * schema alone cannot bound. Stops there: at most MAX_RESULT_SCHEMA_PROPERTIES + 1 properties are
 * looked at, whatever the size of the schema.
 */
function resultSchemaLimitProblem(resultSchema: unknown): ConfigProblem | null {
  if (wrongRootType(resultSchema)) return null;
  let propertyCount = 0;
  const stack: Array<{ node: unknown; path: string; level: number }> = [
    { node: resultSchema, path: '/json_result_schema', level: 1 },
  ];
  while (stack.length > 0) {
    const { node, path, level } = stack.pop()!;
    if (!isObject(node) || (node.type !== 'object' && node.type !== 'array')) continue;
    if (level > MAX_RESULT_SCHEMA_DEPTH) {
      return {
        path,
        message: `is nested ${level} levels deep; objects and arrays may nest at most ${MAX_RESULT_SCHEMA_DEPTH} levels`,
      };
    }
    if (node.type === 'array') {
      stack.push({ node: node.items, path: `${path}/items`, level: level + 1 });
      continue;
    }
    if (!isObject(node.properties)) continue;
    for (const name in node.properties) {
      if (++propertyCount > MAX_RESULT_SCHEMA_PROPERTIES) {
        return {
          path: '/json_result_schema',
          message: `has more than ${MAX_RESULT_SCHEMA_PROPERTIES} properties in total; at most ${MAX_RESULT_SCHEMA_PROPERTIES} are allowed across all levels`,
        };
      }
      stack.push({ node: node.properties[name], path: `${path}/properties/${escapePointer(name)}`, level: level + 1 });
    }
  }
  return null;
}

function jsonExampleProblems(examples: unknown): ConfigProblem[] {
  if (!Array.isArray(examples)) return [];
  const problems: ConfigProblem[] = [];
  // Past MAX_EXAMPLES the schema refuses the list; its outputs are not parsed.
  examples.slice(0, MAX_EXAMPLES).forEach((example: unknown, index) => {
    if (!isObject(example) || typeof example.output !== 'string' || example.output.trim() === '') return;
    if (!isJsonObjectText(example.output)) {
      problems.push({ path: `/examples/${index}/output`, message: 'must be a JSON object written as text' });
    }
  });
  return problems;
}

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value);
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
