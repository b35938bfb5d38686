// The command line: help for every command and group, --version, one-line errors with exit status 2
// (usage, configuration) or 1 (the command failed: not found, refused, unreadable input), and
// export / import / reset on a real database file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { commands } from '../../src/cli/commands.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { randomSid } from '../http/support.js';
import { seedAccount, visibleState } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'intelligence-cli-ops-'));
const databaseFile = join(directory, 'intelligence.db');
const env = { DATABASE_URL: `sqlite:${databaseFile}`, LOG_LEVEL: 'warn' };
after(() => rmSync(directory, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

function assertOneLineError(result: Result, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit ${result.code}, stderr: ${result.stderr}`);
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, `more than one line: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.equal(result.stdout, '');
}

describe('help and version', () => {
  test('--help lists every command with a one-line description and an example', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await cli([flag]);
      assert.equal(result.code, 0, result.stderr);
      for (const command of commands) {
        const line = result.stdout.split('\n').find((text) => text.startsWith(`  ${command.name}`));
        assert.ok(line?.includes(command.summary), `${command.name} is not listed with its summary`);
        assert.ok(result.stdout.includes(`  ${command.example}\n`), `no example for ${command.name}`);
      }
      assert.match(result.stdout, /--version/);
    }
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await cli([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  for (const command of commands) {
    test(`${command.name} --help shows its usage, options and an example`, async () => {
      const result = await cli([...command.name.split(' '), '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Usage: intelligence-server ${command.name}`));
      assert.ok(result.stdout.includes(command.example));
      for (const option of command.options) assert.ok(result.stdout.includes(option.flag), `${option.flag} is not described`);
    });
  }

  test('help <command> is the same as <command> --help', async () => {
    assert.equal((await cli(['help', 'import'])).stdout, (await cli(['import', '--help'])).stdout);
  });

  for (const group of ['accounts', 'api-keys']) {
    test(`${group} --help, -h and help ${group} list the group's commands`, async () => {
      const members = commands.filter((command) => command.name.startsWith(`${group} `));
      assert.ok(members.length > 0);
      const outputs = [await cli([group, '--help']), await cli([group, '-h']), await cli(['help', group])];
      for (const result of outputs) {
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, new RegExp(`^Usage: intelligence-server ${group} <command>`));
        for (const command of members) {
          const line = result.stdout.split('\n').find((text) => text.startsWith(`  ${command.name}`));
          assert.ok(line?.includes(command.summary), `${command.name} is not listed`);
        }
        assert.doesNotMatch(result.stdout, /^ {2}(export|import|reset|serve)\b/m, 'only the group is listed');
      }
      assert.equal(outputs[0]!.stdout, outputs[2]!.stdout);
    });
  }
});

describe('usage errors: one line, exit status 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['frobnicate'], /Unknown command "frobnicate"/],
    ['an unknown option', ['export', '--acount', 'AC1'], /does not take --acount/],
    ['a missing required option', ['export'], /needs --account/],
    ['an option without its value', ['reset', '--account'], /--account needs a value/],
    ['a malformed account SID', ['export', '--account', 'AC123'], /--account must be an account SID/],
    ['an extra operand', ['accounts', 'create', 'now'], /does not take "now"/],
    ['import without a file', ['import'], /needs a snapshot file/],
    ['an unknown option to serve', ['--port', '80'], /serve does not take --port/],
    ['an option given twice', ['export', '--account', 'AC1', '--account', 'AC2'], /--account is given twice/],
    [
      'an option taking the next option as its value',
      ['api-keys', 'create', '--account', '--friendly-name', 'x'],
      /--account needs a value/,
    ],
    ['an unknown command of a group', ['accounts', 'delete'], /Unknown command "accounts delete"; see intelligence-server accounts --help/],
    ['a group without its command', ['api-keys'], /api-keys needs a command \(api-keys create, api-keys revoke\)/],
  ];
  for (const [name, args, message] of cases) {
    test(`${name} is one clear line and exit status 2`, async () => {
      assertOneLineError(await cli(args), 2, message);
    });
  }

  test('bad configuration is one line and exit status 2 for any command', async () => {
    const result = await new Promise<Result>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/main.ts', 'export', '--account', randomSid('AC')],
        { cwd: root, env: { ...process.env, DATABASE_URL: 'mysql://nope' } },
        (error, stdout, stderr) => resolve({ code: Number((error as { code?: number } | null)?.code ?? 0), stdout, stderr }),
      );
    });
    assertOneLineError(result, 2, /DATABASE_URL/);
  });
});

describe('a well-formed command that cannot be done: one line, exit status 1', () => {
  test('import of a missing file', async () => {
    assertOneLineError(await cli(['import', join(directory, 'missing.json')]), 1, /Cannot read .*missing\.json/);
  });
});

describe('export, import and reset on a database file', () => {
  let server: TestServer;
  let accountSid: string;
  let auth: { username: string; password: string };
  before(async () => {
    server = await startTestServer({ directory, env: { DATABASE_URL: env.DATABASE_URL } });
    ({
      account: { sid: accountSid },
      auth,
    } = await server.newAccount());
    await seedAccount(server, auth, 'cli');
  });
  after(() => server.close());

  test('export prints the snapshot, reset empties the account, import restores it', async () => {
    const before = await visibleState(server, auth);
    const exported = await cli(['export', '--account', accountSid]);
    assert.equal(exported.code, 0, exported.stderr);
    const snapshot = JSON.parse(exported.stdout);
    assert.equal(snapshot.format, 'intelligence-server/snapshot');
    assert.equal(snapshot.services.length, 2);
    const file = join(directory, 'state.json');
    writeFileSync(file, exported.stdout);

    const cleared = await cli(['reset', '--account', accountSid]);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.deepEqual(JSON.parse(cleared.stdout).deleted, { services: 2, custom_operators: 1, attachments: 3 });
    assert.deepEqual(await visibleState(server, auth), { services: [], operators: [] });

    const imported = await cli(['import', file]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(JSON.parse(imported.stdout), { account_sid: accountSid, services: 2, custom_operators: 1, attachments: 3 });
    assert.deepEqual(await visibleState(server, auth), before);
  });

  test('import refuses conflicting SIDs with one line naming them and exit status 1, changing nothing', async () => {
    const exported = await cli(['export', '--account', accountSid]);
    const snapshot = JSON.parse(exported.stdout);
    const before = await visibleState(server, auth);
    const refused = await cli(['import', '-'], exported.stdout);
    assertOneLineError(refused, 1, new RegExp(`SIDs exist already: services .*${snapshot.services[0].sid}`));
    assert.deepEqual(await visibleState(server, auth), before);
  });

  test('import refuses a malformed snapshot with one line and exit status 1, changing nothing', async () => {
    const other = await server.newAccount();
    const file = join(directory, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'intelligence-server/snapshot',
        version: 1,
        account_sid: other.account.sid,
        services: [{}],
        custom_operators: [],
        attachments: [],
      }),
    );
    const refused = await cli(['import', file]);
    assertOneLineError(refused, 1, /^Invalid snapshot: \/services\/0\/\w+ is missing \(and \d+ more problems\)/);
    assert.deepEqual(await visibleState(server, other.auth), { services: [], operators: [] });
    writeFileSync(file, '{"format": ');
    assertOneLineError(await cli(['import', file]), 1, /is not JSON/);
  });

  test('export of an account that does not exist is one line and exit status 1', async () => {
    assertOneLineError(await cli(['export', '--account', randomSid('AC')]), 1, /^No account AC[0-9a-f]{32} in this database\n$/);
  });
});
