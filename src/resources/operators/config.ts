// A custom operator's `Config` form field: JSON text that must be an object valid against its
// operator type's config_schema.
import { describeFirstProblem, validateOperatorConfig, type ConfigProblem } from '../../catalog/config-validation.js';
import type { OperatorType } from '../../catalog/types.js';
import { invalidParameter } from '../../errors.js';

export const MAX_CONFIG_TEXT_LENGTH = 256 * 1024;

// Every refusal carries `details.errors`, so a client reads Config problems in one shape.
const invalidConfig = (problems: ConfigProblem[]) =>
  invalidParameter(`Invalid parameter ${describeFirstProblem(problems)}`, { errors: problems });

export function parseOperatorConfig(type: OperatorType, text: string): Record<string, unknown> {
  if (text.length > MAX_CONFIG_TEXT_LENGTH) {
    throw invalidConfig([{ path: '', message: `must be at most ${MAX_CONFIG_TEXT_LENGTH} characters of JSON` }]);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw invalidConfig([{ path: '', message: 'must be a JSON text (it could not be parsed)' }]);
  }
  const problems = validateOperatorConfig(type.name, config, type.configSchema);
  if (problems.length > 0) throw invalidConfig(problems);
  return config as Record<string, unknown>;
}
