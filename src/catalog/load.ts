// Loads the catalog: the built-in one, or a CATALOG_FILE that extends or replaces it. A bad file
// stops start-up with one line naming the file and the first problem.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { builtinCatalog, CATALOG_DATE } from './builtin.js';
import { compileConfigSchema, problemsFromAjv } from './config-validation.js';
import { unsafeSchemaProblem } from './file-schemas.js';
import { catalogSid } from './sids.js';
import type { Catalog, OperatorAvailability, OperatorType, PrebuiltOperator } from './types.js';

export interface CatalogIndex {
  /** Sorted by dateCreated, then sid. */
  operatorTypes: OperatorType[];
  typeBySid: Map<string, OperatorType>;
  typeByName: Map<string, OperatorType>;
  /** Sorted by dateCreated, then sid. */
  prebuiltOperators: PrebuiltOperator[];
  prebuiltBySid: Map<string, PrebuiltOperator>;
}

interface OperatorTypeEntry {
  name: string;
  sid?: string;
  friendly_name: string;
  description: string;
  docs_link?: string | null;
  output_type: OperatorType['outputType'];
  supported_languages: string[];
  provider: OperatorType['provider'];
  availability: OperatorType['availability'];
  configurable: boolean;
  config_schema?: Record<string, unknown> | null;
  engine?: { runner: string; config?: Record<string, unknown> };
  date_created?: string;
  date_updated?: string;
}

interface PrebuiltOperatorEntry {
  sid?: string;
  friendly_name: string;
  description: string;
  operator_type: string;
  availability: OperatorAvailability;
  version?: number;
  author?: string;
  date_created?: string;
  date_updated?: string;
}

interface CatalogFile {
  mode?: 'extend' | 'replace';
  operator_types?: OperatorTypeEntry[];
  prebuilt_operators?: PrebuiltOperatorEntry[];
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const dates = {
  date_created: { type: 'string', format: 'date-time' },
  date_updated: { type: 'string', format: 'date-time' },
};

// Enums are the spec's; pre-built availability also admits `deprecated`, as types.ts does.
const catalogFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: ['extend', 'replace'] },
    operator_types: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'name',
          'friendly_name',
          'description',
          'output_type',
          'supported_languages',
          'provider',
          'availability',
          'configurable',
        ],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
          sid: { type: 'string', pattern: '^EY[0-9a-f]{32}$' },
          friendly_name: text(64),
          description: text(1000),
          docs_link: { type: ['string', 'null'], format: 'uri' },
          output_type: { enum: ['text-classification', 'text-extraction', 'text-extraction-normalized', 'text-generation', 'json'] },
          supported_languages: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' },
          },
          provider: { enum: ['twilio', 'amazon', 'openai'] },
          availability: { enum: ['internal', 'beta', 'general-availability', 'retired', 'deprecated'] },
          configurable: { type: 'boolean' },
          config_schema: { type: ['object', 'null'] },
          // Which operator runner the type uses (src/operators/bindings.ts); checked by the registry.
          engine: {
            type: 'object',
            additionalProperties: false,
            required: ['runner'],
            properties: { runner: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' }, config: { type: 'object' } },
          },
          ...dates,
        },
      },
    },
    prebuilt_operators: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['friendly_name', 'description', 'operator_type', 'availability'],
        properties: {
          sid: { type: 'string', pattern: '^LY[0-9a-f]{32}$' },
          friendly_name: text(64),
          description: text(1000),
          operator_type: text(64),
          availability: { enum: ['internal', 'beta', 'public', 'retired', 'general-availability', 'deprecated'] },
          version: { type: 'integer', minimum: 1 },
          author: text(64),
          ...dates,
        },
      },
    },
  },
};

// Compiled when a CATALOG_FILE is read, not at import: most starts have none.
let validateCatalogFileOnce: ValidateFunction<CatalogFile> | undefined;
function validateCatalogFile(value: unknown): value is CatalogFile {
  if (validateCatalogFileOnce === undefined) {
    const fileAjv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    addFormats.default(fileAjv);
    validateCatalogFileOnce = fileAjv.compile<CatalogFile>(catalogFileSchema);
  }
  return validateCatalogFileOnce(value);
}
validateCatalogFile.errorsOfLastCall = () => validateCatalogFileOnce?.errors ?? [];

class CatalogFileError extends Error {}

// A type is fetched by SID or by name, so a name shaped like a SID would be ambiguous.
const EY_SID = /^EY[0-9a-fA-F]{32}$/;

/** Without a file, the built-in catalog; with one, the built-in catalog extended or replaced by it. */
export function loadCatalog(file?: string): Catalog {
  if (file === undefined || file === '') return builtinCatalog;
  try {
    return catalogFromFile(file);
  } catch (error) {
    if (error instanceof CatalogFileError) {
      throw new Error(`CATALOG_FILE ${file}: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
    }
    throw error;
  }
}

function catalogFromFile(file: string): Catalog {
  const parsed = parseFile(file);
  if (!validateCatalogFile(parsed)) {
    const [problem] = problemsFromAjv(validateCatalogFile.errorsOfLastCall());
    throw new CatalogFileError(problem === undefined ? 'is not valid' : `${problem.path.slice(1) || 'the file'} ${problem.message}`);
  }
  const fileTypes = (parsed.operator_types ?? []).map((entry, index) => toOperatorType(entry, index));
  const fileOperators = (parsed.prebuilt_operators ?? []).map(toPrebuiltOperator);
  checkUnique(fileTypes, 'operator_types', 'sid', (t) => t.sid);
  checkUnique(fileTypes, 'operator_types', 'name', (t) => t.name);
  checkUnique(fileOperators, 'prebuilt_operators', 'sid', (o) => o.sid);

  const extend = (parsed.mode ?? 'extend') === 'extend';
  const catalog: Catalog = {
    operatorTypes: extend ? mergeBySid(builtinCatalog.operatorTypes, fileTypes) : fileTypes,
    prebuiltOperators: extend ? mergeBySid(builtinCatalog.prebuiltOperators, fileOperators) : fileOperators,
  };
  checkNamesUnique(catalog.operatorTypes, fileTypes);
  checkOperatorTypesExist(catalog, fileOperators);
  return catalog;
}

function parseFile(file: string): unknown {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CatalogFileError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(content);
  } catch {
    // JSON.parse's message quotes the text, and the file may not be a catalog at all (a secret).
    throw new CatalogFileError('is not valid JSON');
  }
}

function toOperatorType(entry: OperatorTypeEntry, index: number): OperatorType {
  if (EY_SID.test(entry.name)) {
    throw new CatalogFileError(`operator_types/${index}/name must not look like an operator type SID`);
  }
  const configSchema = entry.config_schema ?? null;
  if (entry.configurable && configSchema === null) {
    throw new CatalogFileError(`operator_types/${index}/config_schema is required when configurable is true`);
  }
  if (!entry.configurable && configSchema !== null) {
    throw new CatalogFileError(`operator_types/${index}/config_schema must be null when configurable is false`);
  }
  if (configSchema !== null) {
    const unsafe = unsafeSchemaProblem(configSchema);
    if (unsafe !== null) throw new CatalogFileError(`operator_types/${index}/config_schema${unsafe.path} ${unsafe.message}`);
    try {
      compileConfigSchema(configSchema);
    } catch (error) {
      throw new CatalogFileError(`operator_types/${index}/config_schema is not a valid JSON Schema${compileProblem(error)}`);
    }
  }
  return {
    sid: entry.sid ?? catalogSid('EY', entry.name),
    name: entry.name,
    friendlyName: entry.friendly_name,
    description: entry.description,
    docsLink: entry.docs_link ?? null,
    outputType: entry.output_type,
    supportedLanguages: entry.supported_languages,
    provider: entry.provider,
    availability: entry.availability,
    configurable: entry.configurable,
    configSchema,
    ...(entry.engine === undefined ? {} : { engine: entry.engine }),
    dateCreated: new Date(entry.date_created ?? CATALOG_DATE),
    dateUpdated: new Date(entry.date_updated ?? entry.date_created ?? CATALOG_DATE),
  };
}

// Ajv's messages on meta-schema and strict-mode failures name keywords and paths only; its others
// (an unknown format, an unresolvable $ref, a bad pattern) quote the file, and are not repeated.
function compileProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  return /^(schema is invalid|strict mode):/.test(message) ? ` (${message})` : ' (an unknown format or an unresolvable $ref)';
}

function toPrebuiltOperator(entry: PrebuiltOperatorEntry): PrebuiltOperator {
  return {
    sid: entry.sid ?? catalogSid('LY', entry.friendly_name),
    friendlyName: entry.friendly_name,
    description: entry.description,
    author: entry.author ?? 'twilio',
    operatorType: entry.operator_type,
    version: entry.version ?? 1,
    availability: entry.availability,
    dateCreated: new Date(entry.date_created ?? CATALOG_DATE),
    dateUpdated: new Date(entry.date_updated ?? entry.date_created ?? CATALOG_DATE),
  };
}

/** File entries replace built-in entries with the same SID, keeping their place. */
function mergeBySid<T extends { sid: string }>(builtin: readonly T[], fromFile: T[]): T[] {
  const replacements = new Map(fromFile.map((entry) => [entry.sid, entry]));
  const merged = builtin.map((entry) => replacements.get(entry.sid) ?? entry);
  const builtinSids = new Set(builtin.map((entry) => entry.sid));
  return [...merged, ...fromFile.filter((entry) => !builtinSids.has(entry.sid))];
}

/** Reports the first entry of the file that repeats an earlier entry's key. */
function checkUnique<T>(entries: readonly T[], list: string, field: string, key: (entry: T) => string): void {
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    const value = key(entry);
    const earlier = firstIndex.get(value);
    if (earlier !== undefined) {
      throw new CatalogFileError(`${list}/${index}/${field} "${value}" repeats ${list}/${earlier}`);
    }
    firstIndex.set(value, index);
  });
}

/** In extend mode a type may replace a built-in one by SID, but not take another one's name. */
function checkNamesUnique(operatorTypes: readonly OperatorType[], fileTypes: readonly OperatorType[]): void {
  const owner = new Map<string, OperatorType>();
  for (const type of operatorTypes) {
    const other = owner.get(type.name);
    if (other !== undefined) {
      const index = fileTypes.includes(type) ? fileTypes.indexOf(type) : fileTypes.indexOf(other);
      throw new CatalogFileError(`operator_types/${index}/name "${type.name}" is already the name of a built-in operator type`);
    }
    owner.set(type.name, type);
  }
}

function checkOperatorTypesExist(catalog: Catalog, fileOperators: PrebuiltOperator[]): void {
  const typeNames = new Set(catalog.operatorTypes.map((type) => type.name));
  for (const operator of catalog.prebuiltOperators) {
    if (typeNames.has(operator.operatorType)) continue;
    const index = fileOperators.indexOf(operator);
    throw new CatalogFileError(
      index >= 0
        ? `prebuilt_operators/${index}/operator_type "${operator.operatorType}" is not an operator type in the catalog`
        : `built-in operator "${operator.friendlyName}" needs operator type "${operator.operatorType}", which the file removed or renamed`,
    );
  }
}

/** Sorted lists and lookups; build once after loading. */
export function indexCatalog(catalog: Catalog): CatalogIndex {
  const byDateThenSid = (a: { dateCreated: Date; sid: string }, b: { dateCreated: Date; sid: string }) =>
    a.dateCreated.getTime() - b.dateCreated.getTime() || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);
  const operatorTypes = [...catalog.operatorTypes].sort(byDateThenSid);
  const prebuiltOperators = [...catalog.prebuiltOperators].sort(byDateThenSid);
  return {
    operatorTypes,
    typeBySid: new Map(operatorTypes.map((type) => [type.sid, type])),
    typeByName: new Map(operatorTypes.map((type) => [type.name, type])),
    prebuiltOperators,
    prebuiltBySid: new Map(prebuiltOperators.map((operator) => [operator.sid, operator])),
  };
}
