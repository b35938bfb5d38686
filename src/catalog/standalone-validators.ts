// Generates, at build time, the JavaScript that replaces precompiled-validators.ts in dist/: the
// built-in config schemas compiled by Ajv into standalone code, with the same options as at run time.
import standaloneCode from 'ajv/dist/standalone/index.js';
import { configSchemas } from './config-schemas.js';
import { newAjv } from './config-validation.js';

/** An ES module exporting `precompiledValidators` (see precompiled-validators.ts). */
export function standaloneValidatorsModule(): string {
  const entries = Object.entries(configSchemas).map(([name, schema]) => {
    const variants = (
      [
        ['all', true],
        ['first', false],
      ] as const
    ).map(([key, allErrors]) => {
      const ajv = newAjv(allErrors, true, true);
      const code = standaloneCode.default(ajv, ajv.compile(schema));
      // Each in its own scope: the generated modules reuse the same function names.
      return `${key}: (() => { const module = { exports: {} }; const exports = module.exports;\n${code}\nreturn module.exports.default; })()`;
    });
    return `${JSON.stringify(name)}: {\n${variants.join(',\n')}\n}`;
  });
  return `export const precompiledValidators = {\n${entries.join(',\n')}\n};\n`;
}
