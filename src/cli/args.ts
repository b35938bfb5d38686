// Command-line arguments, read by node:util's parseArgs and checked against what a command accepts.
// The exit-status rule of every command: 2 when the command line is wrong (nothing was attempted:
// a UsageError, or bad configuration), 1 when a well-formed command could not be done (a
// CommandFailed: something named does not exist, a refusal, an unreadable input, the database).
import { parseArgs as parseNodeArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

export class CommandFailed extends Error {
  override name = 'CommandFailed';
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
  /** `--help` or `-h` was given: the caller prints the command's help instead of running it. */
  help: boolean;
}

/** Parses `args` (what follows the command's words) for a command accepting `specs` and `maxPositionals`. */
export function parseArgs(args: string[], specs: OptionSpec[], maxPositionals: number, command: string): ParsedArgs {
  const known = new Map(specs.map((spec) => [spec.flag, spec]));
  const optionConfig = Object.fromEntries(specs.map((spec) => [spec.flag.slice(2), { type: 'string' as const }]));
  // Not strict: the tokens are checked here, so that every mistake gets this CLI's own one-line message.
  const { tokens } = parseNodeArgs({
    args,
    options: { ...optionConfig, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positionals: string[] = [];
  const options = new Map<string, string>();
  let help = false;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (token.name === 'help') {
      help = true;
      continue;
    }
    const spec = known.get(`--${token.name}`);
    if (spec === undefined) throw new UsageError(`${command} does not take ${token.rawName}; see intelligence-server ${command} --help`);
    const value = token.value;
    // `--account --friendly-name x`: parseArgs takes the next option as the value; that is a mistake.
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-') && value !== '-')) {
      throw new UsageError(`${spec.flag} needs a value: ${spec.flag} ${spec.value}`);
    }
    if (options.has(spec.flag)) throw new UsageError(`${spec.flag} is given twice`);
    options.set(spec.flag, value);
  }
  if (help) return { positionals, options, help };
  if (positionals.length > maxPositionals) {
    throw new UsageError(`${command} does not take "${positionals[maxPositionals]}"; see intelligence-server ${command} --help`);
  }
  for (const spec of specs) {
    if (spec.required && !options.has(spec.flag)) throw new UsageError(`${command} needs ${spec.flag} ${spec.value}`);
  }
  return { positionals, options, help };
}
