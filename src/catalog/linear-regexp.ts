// A linear-time regular-expression engine for patterns that come from a CATALOG_FILE: RE2 (re2js,
// pure JavaScript, no native build) matches in time linear in the text, whatever the pattern, where
// V8's backtracking engine takes exponential time on `^(a|aa)+$`. It has no lookaround and no
// backreferences; such patterns do not compile.
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

/** Compiles a JSON Schema (ECMA-262) pattern for RE2; throws when RE2 cannot run it. */
export function compileLinear(pattern: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(pattern));
}

/** Ajv's `code.regExp`: `test` is an unanchored search, as RegExp#test is. */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string) => {
    const compiled = compileLinear(pattern);
    return { test: (text: string) => compiled.test(text), toString: () => pattern };
  },
  { code: 're2js' },
);
