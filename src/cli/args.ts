// Command-line arguments: positionals and `--name value` options, checked against what a command
// accepts. A mistake is a UsageError: one line, exit status 2.

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface OptionSpec {
  /** `--account`; every option here takes a value. */
  flag: string;
  value: string;
  description: string;
  required?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
}

/** Parses `args` (what follows the command's words) for a command accepting `specs` and `maxPositionals`. */
export function parseArgs(args: string[], specs: OptionSpec[], maxPositionals: number, command: string): ParsedArgs {
  const known = new Map(specs.map((spec) => [spec.flag, spec]));
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      if (!known.has(flag)) throw new UsageError(`${command} does not take ${flag}; see intelligence-server ${command} --help`);
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value: ${flag} ${known.get(flag)!.value}`);
      }
      if (options.has(flag)) throw new UsageError(`${flag} is given twice`);
      options.set(flag, value);
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(`${command} does not take "${positionals[maxPositionals]}"; see intelligence-server ${command} --help`);
  }
  for (const spec of specs) {
    if (spec.required && !options.has(spec.flag)) throw new UsageError(`${command} needs ${spec.flag} ${spec.value}`);
  }
  return { positionals, options };
}
