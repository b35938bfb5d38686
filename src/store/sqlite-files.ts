// The SQLite files hold every account's credentials digests and data: readable by the owner only.
// SQLite gives the -wal and -shm files the database file's permissions, so an owner-only database
// file (created empty here, or narrowed when it exists) is enough for them too.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

const OWNER_ONLY_FILE = 0o600;
const OWNER_ONLY_DIRECTORY = 0o700;

export function prepareOwnerOnlyFiles(filename: string): void {
  const directory = dirname(filename);
  // A directory we create is ours alone; one that exists is the operator's choice.
  if (!existsSync(directory)) mkdirSync(directory, { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  // Created with 0600 (a umask only removes bits); an empty file is a new database to SQLite.
  closeSync(openSync(filename, 'a', OWNER_ONLY_FILE));
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
    try {
      chmodSync(file, OWNER_ONLY_FILE);
    } catch (error) {
      // Absent (no WAL yet), or another user's file we may still open: not a reason to refuse to start.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw error;
    }
  }
}
