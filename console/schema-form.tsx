// A form generated from an operator type's published config_schema (JSON Schema): objects become
// groups, arrays of objects repeatable groups, arrays of strings one-per-line text areas, enums
// selects; a part the form cannot express (GenerativeJSON's json_result_schema, with its $refs) is
// edited as JSON text. The server's details.errors are shown beside the field their path names.
import type { JsonSchema } from './api.js';

export type ConfigError = { path: string; message: string };

/** Edited as JSON text: a schema built from references or combinations rather than properties. */
const isJsonText = (schema: JsonSchema) =>
  schema.allOf !== undefined || schema.$ref !== undefined || (schema.type === undefined && schema.enum === undefined);
const isStringList = (schema: JsonSchema) => schema.type === 'array' && schema.items?.type === 'string';

/** A field's text: a string as it is, a number or boolean written out, anything else empty. */
const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';

/** A new config: required parts filled with empty values, arrays that need items given one. */
export function emptyValue(schema: JsonSchema, required = true): unknown {
  if (isJsonText(schema)) return '';
  if (schema.type === 'object') {
    const value: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const isRequired = schema.required?.includes(name) ?? false;
      if (isRequired || property.type === 'string') value[name] = emptyValue(property, isRequired);
    }
    return value;
  }
  if (schema.type === 'array')
    return isStringList(schema) ? [] : Array.from({ length: schema.minItems ?? 0 }, () => emptyValue(schema.items ?? {}));
  if (schema.enum !== undefined) return schema.default ?? (required ? schema.enum[0] : '');
  return '';
}

/** A stored config as the form edits it (JSON-text parts as text). */
export function formValue(schema: JsonSchema, config: unknown): unknown {
  if (isJsonText(schema)) return config === undefined ? '' : JSON.stringify(config, null, 2);
  if (schema.type === 'object' && config !== null && typeof config === 'object') {
    const value: Record<string, unknown> = { ...(emptyValue(schema) as object) };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (name in config) value[name] = formValue(property, (config as Record<string, unknown>)[name]);
    }
    return value;
  }
  if (schema.type === 'array' && Array.isArray(config) && !isStringList(schema))
    return config.map((item) => formValue(schema.items ?? {}, item));
  return config;
}

/**
 * The Config to send: blank optional strings and empty optional arrays left out, empty lines of a
 * list dropped, JSON text parsed. Text that is not JSON is reported at its path, as the server would.
 */
export function configOf(schema: JsonSchema, value: unknown, path = '', problems: ConfigError[] = []): unknown {
  if (isJsonText(schema)) {
    try {
      return JSON.parse(String(value));
    } catch {
      problems.push({ path, message: 'must be JSON text' });
      return undefined;
    }
  }
  if (schema.type === 'object' && value !== null && typeof value === 'object') {
    const config: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const item = (value as Record<string, unknown>)[name];
      const optional = !(schema.required?.includes(name) ?? false);
      if (item === undefined || (optional && (item === '' || (Array.isArray(item) && item.length === 0)))) continue;
      config[name] = configOf(property, item, `${path}/${name}`, problems);
    }
    return config;
  }
  if (isStringList(schema)) return (value as string[]).filter((line) => line !== '');
  if (schema.type === 'array')
    return (value as unknown[]).map((item, index) => configOf(schema.items ?? {}, item, `${path}/${index}`, problems));
  return value;
}

const idOf = (path: string) => `config${path.replace(/[^A-Za-z0-9_]/g, '-')}`;
const singular = (title: string) => title.replace(/es$/, '').replace(/s$/, '').toLowerCase();

interface FieldProps {
  schema: JsonSchema;
  value: unknown;
  path: string;
  label: string;
  errors: ConfigError[];
  onChange: (value: unknown) => void;
}

function Problems({ errors, path, prefix }: { errors: ConfigError[]; path: string; prefix?: boolean }) {
  const mine = errors.filter((error) => (prefix ? error.path === path || error.path.startsWith(path + '/') : error.path === path));
  if (mine.length === 0) return null;
  return (
    <ul class="field-error" id={`${idOf(path)}-error`} role="alert">
      {[
        ...new Set(mine.map((error) => (prefix && error.path !== path ? `${error.path.slice(path.length + 1)}: ` : '') + error.message)),
      ].map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  );
}

function describedBy(schema: JsonSchema, errors: ConfigError[], path: string, prefix = false) {
  const ids = [];
  if (schema.description) ids.push(`${idOf(path)}-description`);
  if (errors.some((error) => error.path === path || (prefix && error.path.startsWith(path + '/')))) ids.push(`${idOf(path)}-error`);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

const Description = ({ schema, path }: { schema: JsonSchema; path: string }) =>
  schema.description ? (
    <span class="muted small" id={`${idOf(path)}-description`}>
      {schema.description.replace(/`/g, '')}
    </span>
  ) : null;

export function SchemaField(props: FieldProps) {
  const { schema, value, path, label, errors, onChange } = props;
  const id = idOf(path);
  if (isJsonText(schema)) {
    return (
      <div class="field">
        <label for={id}>{label} (JSON)</label>
        <Description schema={schema} path={path} />
        <textarea
          id={id}
          class="code"
          rows={8}
          value={textOf(value)}
          onInput={(event) => onChange(event.currentTarget.value)}
          aria-invalid={errors.some((error) => error.path.startsWith(path))}
          aria-describedby={describedBy(schema, errors, path, true)}
          spellcheck={false}
        />
        <Problems errors={errors} path={path} prefix />
      </div>
    );
  }
  if (schema.type === 'object') {
    const object = (value ?? {}) as Record<string, unknown>;
    const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => (
      <SchemaField
        key={name}
        schema={property}
        value={object[name]}
        path={`${path}/${name}`}
        label={property.title ?? name}
        errors={errors}
        onChange={(item) => onChange({ ...object, [name]: item })}
      />
    ));
    return path === '' ? (
      <div class="schema-form">
        <Problems errors={errors} path={path} />
        {fields}
      </div>
    ) : (
      <fieldset class="group">
        <legend>{label}</legend>
        <Problems errors={errors} path={path} />
        {fields}
      </fieldset>
    );
  }
  if (isStringList(schema)) {
    const lines = (value ?? []) as string[];
    return (
      <div class="field">
        <label for={id}>{label} (one per line)</label>
        <Description schema={schema} path={path} />
        <textarea
          id={id}
          rows={3}
          value={lines.join('\n')}
          onInput={(event) => onChange(event.currentTarget.value.split('\n'))}
          aria-invalid={errors.some((error) => error.path.startsWith(path))}
          aria-describedby={describedBy(schema, errors, path, true)}
        />
        <Problems errors={errors} path={path} prefix />
      </div>
    );
  }
  if (schema.type === 'array') {
    const items = (value ?? []) as unknown[];
    const itemSchema = schema.items ?? {};
    const itemTitle = itemSchema.title ?? singular(label);
    return (
      <fieldset class="group" aria-describedby={describedBy(schema, errors, path)}>
        <legend>{label}</legend>
        <Description schema={schema} path={path} />
        <Problems errors={errors} path={path} />
        {items.map((item, index) => (
          <div class="array-item" key={index}>
            <SchemaField
              schema={itemSchema}
              value={item}
              path={`${path}/${index}`}
              label={`${itemTitle} ${index + 1}`}
              errors={errors}
              onChange={(next) => onChange(items.map((old, at) => (at === index ? next : old)))}
            />
            <button type="button" class="link" onClick={() => onChange(items.filter((_, at) => at !== index))}>
              Remove {itemTitle.toLowerCase()} {index + 1}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => onChange([...items, emptyValue(itemSchema)])}>
          Add {itemTitle.toLowerCase()}
        </button>
      </fieldset>
    );
  }
  const invalid = errors.some((error) => error.path === path);
  const common = { id, 'aria-invalid': invalid, 'aria-describedby': describedBy(schema, errors, path) };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <Description schema={schema} path={path} />
      {schema.enum !== undefined ? (
        <select {...common} value={textOf(value)} onChange={(event) => onChange(event.currentTarget.value)}>
          {schema.default === undefined && <option value="">—</option>}
          {schema.enum.map((option) => (
            <option key={String(option)}>{String(option)}</option>
          ))}
        </select>
      ) : (schema.maxLength ?? 0) > 300 ? (
        <textarea {...common} rows={4} value={textOf(value)} onInput={(event) => onChange(event.currentTarget.value)} />
      ) : (
        <input {...common} value={textOf(value)} onInput={(event) => onChange(event.currentTarget.value)} />
      )}
      <Problems errors={errors} path={path} />
    </div>
  );
}
