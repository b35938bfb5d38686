#!/usr/bin/env node
// The command line: serve, and the account/API-key commands an operator needs. It only wires.
import { ConfigError, loadConfig } from './config.js';
import { TwilioError } from './errors.js';
import { createAccount, createApiKey } from './resources/accounts/rules.js';
import { startServer } from './server.js';
import { openStore } from './store/open.js';

const usage = `intelligence-server — Twilio Conversational Intelligence v2, self-hosted

Usage:
  intelligence-server serve                              start the HTTP server (the default)
  intelligence-server accounts create [--friendly-name N] create an account; prints its SID and auth token
  intelligence-server api-keys create --account AC…      create an API key; prints its SID and secret
  intelligence-server api-keys revoke SK…                revoke an API key at once

Configuration comes from the environment (PORT, HOST, DATABASE_URL, …): see README.md.`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name} needs a value`);
  return value;
}

async function withStore<T>(work: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig());
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');

async function main(args: string[]): Promise<void> {
  const [command = 'serve', subcommand] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage + '\n');
    return;
  }
  if (command === 'serve') {
    const server = await startServer(loadConfig());
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        server.app.log.info({ signal }, 'shutting down');
        void server.stop().then(() => process.exit(0));
      });
    }
    return;
  }
  if (command === 'accounts' && subcommand === 'create') {
    const friendlyName = option(args, '--friendly-name');
    const account = await withStore((store) => createAccount(store, { friendlyName }));
    print({ account_sid: account.sid, auth_token: account.secret });
    return;
  }
  if (command === 'api-keys' && subcommand === 'create') {
    const accountSid = option(args, '--account');
    if (accountSid === undefined) throw new ConfigError('api-keys create needs --account AC…');
    const key = await withStore((store) => createApiKey(store, accountSid, option(args, '--friendly-name')));
    print({ sid: key.sid, secret: key.secret, account_sid: key.accountSid });
    return;
  }
  if (command === 'api-keys' && subcommand === 'revoke') {
    const sid = args[2];
    if (sid === undefined || !/^SK[0-9a-f]{32}$/.test(sid)) throw new ConfigError('api-keys revoke needs an API key SID (SK…)');
    const revoked = await withStore((store) => store.deleteApiKey(sid));
    if (!revoked) throw new ConfigError(`No API key ${sid} in this database`);
    print({ sid, revoked: true });
    return;
  }
  throw new ConfigError(`Unknown command "${args.join(' ')}"; see intelligence-server --help`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof TwilioError
      ? error.message
      : `intelligence-server failed: ${(error as Error).message ?? String(error)}`;
  process.stderr.write(message + '\n');
  process.exit(error instanceof ConfigError || error instanceof TwilioError ? 2 : 1);
});
