// Every command of `intelligence-server`: its words, one-line summary, options, example, and what
// it does (wiring only: the work is done by the server, the account rules and the snapshot rules).
import { readFileSync } from 'node:fs';
import { indexCatalog, loadCatalog } from '../catalog/load.js';
import { loadConfig } from '../config.js';
import { SnapshotRules } from '../ops/snapshot.js';
import { accountQuotas } from '../resources/accounts/quotas.js';
import { createAccount, createApiKey, MIN_AUTH_TOKEN_LENGTH, setAuthToken } from '../resources/accounts/rules.js';
import { resolveSecretKey, type SecretKey } from '../resources/accounts/secret-key.js';
import { startServer } from '../server.js';
import { isSid } from '../sids.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { CommandFailed, UsageError, type OptionSpec, type ParsedArgs } from './args.js';

export interface Command {
  /** The words that name it, e.g. `api-keys create`. */
  name: string;
  /** What follows the name in a usage line, e.g. `SK…` or `FILE`. */
  operands: string;
  maxPositionals: number;
  summary: string;
  options: OptionSpec[];
  example: string;
  /** Extra lines for `<command> --help`. */
  details?: string[];
  run(args: ParsedArgs): Promise<void>;
}

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig());
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * The server key for encrypting a token the CLI sets: SQLite's key file is shared with the server;
 * PostgreSQL without SECRET_KEY stores none, and the server keeps it at the account's next authentication.
 */
function cliSecretKey(): SecretKey | null {
  const config = loadConfig();
  return config.database.kind === 'postgres' && config.secretKey === null ? null : resolveSecretKey(config);
}

function snapshotRules(store: Store): SnapshotRules {
  const config = loadConfig();
  const catalog = indexCatalog(loadCatalog(config.catalogFile ?? undefined));
  return new SnapshotRules(store, catalog, config.maxOperatorsPerService, accountQuotas(config));
}

const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');

function accountOption(args: ParsedArgs): string {
  const accountSid = args.options.get('--account')!;
  if (!isSid('AC', accountSid))
    throw new UsageError(`--account must be an account SID (AC followed by 32 hex digits), got "${accountSid}"`);
  return accountSid;
}

const account: OptionSpec = { flag: '--account', value: 'AC…', description: 'the account SID', required: true };
const friendlyName: OptionSpec = { flag: '--friendly-name', value: 'NAME', description: 'a name to recognise it by' };

function readSnapshotFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CommandFailed(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandFailed(`${file} is not JSON: ${(error as Error).message}`);
  }
}

export const commands: Command[] = [
  {
    name: 'serve',
    operands: '',
    maxPositionals: 0,
    summary: 'Start the HTTP server (the default command)',
    options: [],
    example: 'PORT=4010 DATABASE_URL=sqlite:./data/intelligence.db npx intelligence-server serve',
    details: ['Configuration comes from the environment (PORT, HOST, DATABASE_URL, LOG_LEVEL, ADMIN_TOKEN, …): see README.md.'],
    async run() {
      const server = await startServer(loadConfig());
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          server.app.log.info({ signal }, 'shutting down');
          void server.stop().then(() => process.exit(0));
        });
      }
    },
  },
  {
    name: 'accounts create',
    operands: '',
    maxPositionals: 0,
    summary: 'Create an account; prints its SID and auth token (shown only this once)',
    options: [friendlyName],
    example: 'npx intelligence-server accounts create --friendly-name ci',
    async run(args) {
      const created = await withStore((store) =>
        createAccount(store, { friendlyName: args.options.get('--friendly-name'), secretKey: cliSecretKey() }),
      );
      print({ account_sid: created.sid, auth_token: created.secret });
    },
  },
  {
    name: 'accounts set-token',
    operands: '',
    maxPositionals: 0,
    summary: "Set or rotate an account's auth token; prints it (the old one fails from the next request)",
    options: [
      account,
      { flag: '--auth-token', value: 'TOKEN', description: 'the new token (at least 8 characters); a random one when left out' },
    ],
    example: 'npx intelligence-server accounts set-token --account AC0123…',
    async run(args) {
      const accountSid = accountOption(args);
      const token = args.options.get('--auth-token');
      if (token !== undefined && token.length < MIN_AUTH_TOKEN_LENGTH) {
        throw new UsageError(`--auth-token must be at least ${MIN_AUTH_TOKEN_LENGTH} characters`);
      }
      const set = await withStore((store) => setAuthToken(store, accountSid, token, cliSecretKey()));
      print({ account_sid: set.sid, auth_token: set.secret });
    },
  },
  {
    name: 'api-keys create',
    operands: '',
    maxPositionals: 0,
    summary: 'Create an API key for an account; prints its SID and secret (shown only this once)',
    options: [account, friendlyName],
    example: 'npx intelligence-server api-keys create --account AC0123…',
    async run(args) {
      const accountSid = accountOption(args);
      const key = await withStore((store) => createApiKey(store, accountSid, args.options.get('--friendly-name')));
      print({ sid: key.sid, secret: key.secret, account_sid: key.accountSid });
    },
  },
  {
    name: 'api-keys revoke',
    operands: 'SK…',
    maxPositionals: 1,
    summary: 'Revoke an API key; effective on the next request',
    options: [],
    example: 'npx intelligence-server api-keys revoke SK0123…',
    async run(args) {
      const sid = args.positionals[0];
      if (sid === undefined || !isSid('SK', sid)) throw new UsageError('api-keys revoke needs an API key SID (SK…)');
      const revoked = await withStore((store) => store.deleteApiKey(sid));
      if (!revoked) throw new CommandFailed(`No API key ${sid} in this database`);
      print({ sid, revoked: true });
    },
  },
  {
    name: 'export',
    operands: '',
    maxPositionals: 0,
    summary: "Print one account's services, custom operators and attachments as a JSON snapshot",
    options: [account],
    example: 'npx intelligence-server export --account AC0123… > state.json',
    details: ['SIDs, versions and dates are kept; secrets (auth tokens, API keys) are never exported.'],
    async run(args) {
      const accountSid = accountOption(args);
      print(await withStore((store) => snapshotRules(store).export(accountSid)));
    },
  },
  {
    name: 'import',
    operands: 'FILE',
    maxPositionals: 1,
    summary: 'Import a snapshot (FILE, or - for stdin) into its account: all of it or nothing',
    options: [{ flag: '--account', value: 'AC…', description: "import into this account instead of the snapshot's" }],
    example: 'npx intelligence-server import state.json',
    details: [
      'The account must exist. Nothing is written when the snapshot is malformed, or when any of its',
      'SIDs (in any account) or unique names (in the account) exist already.',
    ],
    async run(args) {
      const file = args.positionals[0];
      if (file === undefined) throw new UsageError('import needs a snapshot file: intelligence-server import state.json');
      const target = args.options.has('--account') ? accountOption(args) : undefined;
      const snapshot = readSnapshotFile(file);
      print(await withStore((store) => snapshotRules(store).import(snapshot, target)));
    },
  },
  {
    name: 'reset',
    operands: '',
    maxPositionals: 0,
    summary: "Delete one account's services, custom operators and attachments (the account and its keys stay)",
    options: [account],
    example: 'npx intelligence-server reset --account AC0123…',
    async run(args) {
      const accountSid = accountOption(args);
      print(await withStore((store) => snapshotRules(store).reset(accountSid)));
    },
  },
];
