#!/usr/bin/env node
// The command line: finds the command, runs it, and turns any failure into one line on stderr and
// an exit status (src/cli/args.ts states the rule: 1 the command failed, 2 bad usage or
// configuration). Commands are in src/cli/.
import { CommandFailed, parseArgs, UsageError } from './cli/args.js';
import { commands, type Command } from './cli/commands.js';
import { commandHelp, generalHelp, groupHelp } from './cli/help.js';
import { ConfigError } from './config.js';
import { TwilioError } from './errors.js';
import { packageFacts } from './ops/version.js';

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/** The command named by the leading words of `args` (longest name first), and the rest. */
function findCommand(args: string[]): { command: Command; rest: string[] } | null {
  const words = args.length === 0 || args[0]!.startsWith('-') ? ['serve'] : args;
  for (const command of commands) {
    const name = command.name.split(' ');
    if (name.every((word, i) => words[i] === word)) return { command, rest: words === args ? args.slice(name.length) : args };
  }
  return null;
}

/** The commands whose first word is `word` when they are a group (`accounts`, `api-keys`), else none. */
const groupOf = (word: string | undefined) =>
  commands.filter((command) => command.name.includes(' ') && command.name.split(' ')[0] === word);

async function main(args: string[]): Promise<void> {
  if (args.length === 1 && (isHelp(args[0]!) || args[0] === 'help')) {
    process.stdout.write(generalHelp(commands, packageFacts().version) + '\n');
    return;
  }
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    process.stdout.write(packageFacts().version + '\n');
    return;
  }
  const asked = args[0] === 'help' ? args.slice(1) : args;
  const found = findCommand(asked);
  if (found === null) {
    const group = groupOf(asked[0]);
    if (group.length > 0 && (args[0] === 'help' || asked.slice(1).every(isHelp))) {
      // `accounts --help` and `help accounts` show the group; `accounts` alone is incomplete.
      if (args[0] !== 'help' && asked.length === 1) {
        throw new UsageError(
          `${asked[0]} needs a command (${group.map((command) => command.name).join(', ')}); see intelligence-server ${asked[0]} --help`,
        );
      }
      process.stdout.write(groupHelp(asked[0]!, group) + '\n');
      return;
    }
    const where = group.length > 0 ? `intelligence-server ${asked[0]} --help` : 'intelligence-server --help';
    throw new UsageError(`Unknown command "${asked.join(' ')}"; see ${where}`);
  }
  const parsed = args[0] === 'help' ? null : parseArgs(found.rest, found.command.options, found.command.maxPositionals, found.command.name);
  if (parsed === null || parsed.help) {
    process.stdout.write(commandHelp(found.command) + '\n');
    return;
  }
  await found.command.run(parsed);
}

/** One line: the message, plus how many more problems a Twilio error's details list. */
function oneLine(error: unknown): string {
  if (error instanceof TwilioError) {
    const more = Array.isArray(error.details?.errors) ? error.details.errors.length - 1 : 0;
    return error.message + (more > 0 ? ` (and ${more} more ${more === 1 ? 'problem' : 'problems'})` : '');
  }
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof CommandFailed) return error.message;
  return `intelligence-server failed: ${(error as Error)?.message ?? String(error)}`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(oneLine(error).replace(/\s*\n\s*/g, ' ') + '\n');
  // exit() rather than exitCode: a half-started server (a store open, no listener) must not linger.
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
});
