// The help texts: `intelligence-server --help` (every command, one line each, with examples) and
// `intelligence-server <command> --help`.
import type { Command } from './commands.js';

const signature = (command: Command) =>
  [command.name, command.operands, ...command.options.map((option) => (option.required ? `${option.flag} ${option.value}` : ''))]
    .filter(Boolean)
    .join(' ');

/** One line per command (its signature and summary), then one example each. */
function commandList(commands: Command[]): string[] {
  const width = Math.max(...commands.map((command) => signature(command).length)) + 2;
  return [
    'Commands:',
    ...commands.map((command) => `  ${signature(command).padEnd(width)}${command.summary}`),
    '',
    'Examples:',
    ...commands.map((command) => `  ${command.example}`),
  ];
}

export function generalHelp(commands: Command[], version: string): string {
  return [
    `intelligence-server ${version} — Twilio's Conversational Intelligence API v2, self-hosted`,
    '',
    'Usage: intelligence-server [command] [options]',
    '',
    ...commandList(commands),
    '',
    'Options:',
    '  -h, --help       show this help; intelligence-server <command> --help shows one command or group',
    '  -v, --version    print the version',
    '',
    'Configuration comes from the environment (PORT, HOST, DATABASE_URL, LOG_LEVEL, …): see README.md.',
    'Exit status: 0 done; 1 the command failed (something named does not exist, a refusal, an unreadable',
    'input, the database); 2 bad usage or configuration (nothing was attempted).',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const optional = command.options.filter((option) => !option.required).map((option) => `[${option.flag} ${option.value}]`);
  const lines = [
    `Usage: intelligence-server ${[signature(command), ...optional].join(' ')}`,
    '',
    command.summary + '.',
    ...(command.details ?? []),
  ];
  if (command.options.length > 0) {
    const width = Math.max(...command.options.map((option) => `${option.flag} ${option.value}`.length)) + 2;
    lines.push('', 'Options:');
    for (const option of command.options) {
      lines.push(`  ${`${option.flag} ${option.value}`.padEnd(width)}${option.description}${option.required ? ' (required)' : ''}`);
    }
  }
  lines.push('', 'Example:', `  ${command.example}`);
  return lines.join('\n');
}

/** `intelligence-server accounts --help`: the group's commands, as in the general help. */
export function groupHelp(group: string, commands: Command[]): string {
  return [
    `Usage: intelligence-server ${group} <command> [options]`,
    '',
    ...commandList(commands),
    '',
    `intelligence-server ${group} <command> --help shows one command.`,
  ].join('\n');
}
