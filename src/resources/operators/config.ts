// A custom operator's `Config` form field: JSON text that must be an object valid against its
// operator type's config_schema.
import { describeFirstProblem, validateOperatorConfig } from '../../catalog/config-validation.js';
import type { OperatorType } from '../../catalog/types.js';
import { invalidParameter } from '../../errors.js';

export const MAX_CONFIG_TEXT_LENGTH = 256 * 1024;

export function parseOperatorConfig(type: OperatorType, text: string): Record<string, unknown> {
  if (text.length > MAX_CONFIG_TEXT_LENGTH) {
    throw invalidParameter(`Invalid parameter Config: must be at most ${MAX_CONFIG_TEXT_LENGTH} characters of JSON`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw invalidParameter('Invalid parameter Config: must be a JSON text (it could not be parsed)');
  }
  const problems = validateOperatorConfig(type.name, config, type.configSchema);
  if (problems.length > 0) {
    throw invalidParameter(`Invalid parameter ${describeFirstProblem(problems)}`, { errors: problems });
  }
  return config as Record<string, unknown>;
}
