// What a CATALOG_FILE's config_schema may not do to the server: validate asynchronously ($async
// makes Ajv return a promise, so any config passed and an invalid one became an unhandled
// rejection), or run a pattern that backtracks (`^(a|aa)+$` took 3.5 s on 42 characters): their
// patterns run on a linear-time engine (linear-regexp.ts), and one it cannot run is refused at load.
import { escapePointer } from './config-validation.js';
import { compileLinear } from './linear-regexp.js';

interface SchemaProblem {
  /** JSON pointer into the schema. */
  path: string;
  message: string;
}

/** The first `$async`, or pattern RE2 cannot run, anywhere in `schema`; null when there is none. */
export function unsafeSchemaProblem(schema: unknown): SchemaProblem | null {
  const stack: Array<{ node: unknown; path: string }> = [{ node: schema, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const at = `${path}/${escapePointer(key)}`;
      if (key === '$async') return { path: at, message: 'is not allowed: configs are validated synchronously' };
      if (key === 'pattern' && typeof child === 'string' && !runsLinear(child)) return unsupportedPattern(at);
      if (key === 'patternProperties' && typeof child === 'object' && child !== null) {
        const name = Object.keys(child).find((pattern) => !runsLinear(pattern));
        if (name !== undefined) return unsupportedPattern(`${at}/${escapePointer(name)}`);
      }
      stack.push({ node: child, path: at });
    }
  }
  return null;
}

function runsLinear(pattern: string): boolean {
  try {
    compileLinear(pattern);
    return true;
  } catch {
    return false;
  }
}

const unsupportedPattern = (path: string): SchemaProblem => ({
  path,
  message: 'is not a pattern the linear-time regular-expression engine can run (no lookaround, no backreferences)',
});
