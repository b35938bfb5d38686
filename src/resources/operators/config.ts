// A custom operator's `Config` form field: JSON text that must be an object valid against its
// operator type's config_schema.
import { describeFirstProblem, validateOperatorConfig, type ConfigProblem } from '../../catalog/config-validation.js';
import type { OperatorType } from '../../catalog/types.js';
import { invalidParameter } from '../../errors.js';

export const MAX_CONFIG_TEXT_LENGTH = 256 * 1024;

// Every refusal carries `details.errors`, so a client reads Config problems in one shape.
const invalidConfig = (problems: ConfigProblem[]) =>
  invalidParameter(`Invalid parameter ${describeFirstProblem(problems)}`, { errors: problems });

/** The config `text` holds, or every problem that refuses it (the snapshot import reads configs with it too). */
export function readOperatorConfig(type: OperatorType, text: string): { config: Record<string, unknown> } | { problems: ConfigProblem[] } {
  if (text.length > MAX_CONFIG_TEXT_LENGTH) {
    return { problems: [{ path: '', message: `must be at most ${MAX_CONFIG_TEXT_LENGTH} characters of JSON` }] };
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    return { problems: [{ path: '', message: 'must be a JSON text (it could not be parsed)' }] };
  }
  const problems = validateOperatorConfig(type.name, config, type.configSchema);
  return problems.length > 0 ? { problems } : { config: config as Record<string, unknown> };
}

export function parseOperatorConfig(type: OperatorType, text: string): Record<string, unknown> {
  const read = readOperatorConfig(type, text);
  if ('problems' in read) throw invalidConfig(read.problems);
  return read.config;
}
