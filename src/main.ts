#!/usr/bin/env node
// The command line: finds the command, runs it, and turns any failure into one line on stderr and
// an exit status (1: the command failed; 2: bad usage or configuration). Commands are in src/cli/.
import { parseArgs, UsageError } from './cli/args.js';
import { commands, type Command } from './cli/commands.js';
import { commandHelp, generalHelp } from './cli/help.js';
import { ConfigError } from './config.js';
import { TwilioError } from './errors.js';
import { packageFacts } from './ops/version.js';

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/** The command named by the leading words of `args` (longest name first), and the rest. */
function findCommand(args: string[]): { command: Command; rest: string[] } | null {
  const words = args.length === 0 || args[0].startsWith('-') ? ['serve'] : args;
  for (const command of commands) {
    const name = command.name.split(' ');
    if (name.every((word, i) => words[i] === word)) return { command, rest: words === args ? args.slice(name.length) : args };
  }
  return null;
}

async function main(args: string[]): Promise<void> {
  if (args.length === 1 && (isHelp(args[0]) || args[0] === 'help')) {
    process.stdout.write(generalHelp(commands, packageFacts().version) + '\n');
    return;
  }
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    process.stdout.write(packageFacts().version + '\n');
    return;
  }
  const found = findCommand(args[0] === 'help' ? args.slice(1) : args);
  if (found === null) throw new UsageError(`Unknown command "${args.join(' ')}"; see intelligence-server --help`);
  if (args[0] === 'help' || found.rest.some(isHelp)) {
    process.stdout.write(commandHelp(found.command) + '\n');
    return;
  }
  await found.command.run(parseArgs(found.rest, found.command.options, found.command.maxPositionals, found.command.name));
}

/** One line: the message, plus how many more problems a Twilio error's details list. */
function oneLine(error: unknown): string {
  if (error instanceof TwilioError) {
    const more = Array.isArray(error.details?.errors) ? error.details.errors.length - 1 : 0;
    return error.message + (more > 0 ? ` (and ${more} more ${more === 1 ? 'problem' : 'problems'})` : '');
  }
  if (error instanceof UsageError || error instanceof ConfigError) return error.message;
  return `intelligence-server failed: ${(error as Error)?.message ?? String(error)}`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(oneLine(error).replace(/\s*\n\s*/g, ' ') + '\n');
  // exit() rather than exitCode: a half-started server (a store open, no listener) must not linger.
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
});
