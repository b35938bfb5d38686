// Where the generated first account's credentials go. A terminal shows them once; anything else on
// stdout (a pipe, a file, a container's log) is kept by log collectors, so there they go to an
// owner-only file beside the database instead, and the log names only that file.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DatabaseLocation } from '../config.js';
import type { IssuedCredential } from '../resources/accounts/rules.js';

/** `<database file>.credentials`, or one in the working directory for PostgreSQL and `:memory:`. */
export function credentialsFileFor(database: DatabaseLocation): string {
  if (database.kind === 'sqlite' && database.filename !== ':memory:') {
    return resolve(dirname(database.filename), `${database.filename.split(/[\\/]/).pop()}.credentials`);
  }
  return resolve(join('.', 'intelligence-server.credentials'));
}

/** Shows the credentials on a terminal (answers null), or writes them to an owner-only file (answers its path). */
export function handOverCredentials(
  generated: IssuedCredential,
  database: DatabaseLocation,
  stdout: { isTTY?: boolean; write(text: string): unknown } = process.stdout,
): string | null {
  const lines = `TWILIO_ACCOUNT_SID=${generated.sid}\nTWILIO_AUTH_TOKEN=${generated.secret}\n`;
  if (stdout.isTTY === true) {
    stdout.write(`Created the first account. Its credentials are shown only this once:\n${lines.replace(/^/gm, '  ')}`);
    return null;
  }
  const file = credentialsFileFor(database);
  // A fresh file: an existing one (left by an earlier database) could have wider permissions or be a link.
  rmSync(file, { force: true });
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, lines);
  } finally {
    closeSync(fd);
  }
  return file;
}
