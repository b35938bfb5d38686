// The server key (SECRET_KEY, 32 bytes as 64 hex digits) that account auth tokens are encrypted
// under. Held in an object that never prints its bytes, so a logged config or error cannot leak it.
// With SQLite and no SECRET_KEY, a key file beside the database is made on first start (owner-only)
// and reused; PostgreSQL nodes share one database, so each must be given the same key.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, type DatabaseLocation } from '../../config.js';

export const SECRET_KEY_VARIABLE = 'SECRET_KEY';
const KEY_TEXT = /^[0-9a-fA-F]{64}$/;

export class SecretKey {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    if (bytes.length !== 32) throw new RangeError('a secret key is 32 bytes');
    this.#bytes = Buffer.from(bytes);
  }

  /** The key's bytes, for the cipher only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return '[SECRET_KEY]';
  }

  toString(): string {
    return '[SECRET_KEY]';
  }

  [inspect.custom](): string {
    return 'SecretKey [SECRET_KEY]';
  }
}

/** SECRET_KEY as given: 64 hex digits, or null when unset. */
export function parseSecretKey(raw: string | undefined): SecretKey | null {
  if (raw === undefined || raw === '') return null;
  // The message never repeats the value: it is a secret even when malformed.
  if (!KEY_TEXT.test(raw))
    throw new ConfigError(`${SECRET_KEY_VARIABLE} must be 64 hexadecimal characters (32 bytes), e.g. from: openssl rand -hex 32`);
  return new SecretKey(Buffer.from(raw, 'hex'));
}

/** `<database>.key`, where a SQLite deployment keeps its generated key. */
export const keyFileOf = (databaseFile: string) => `${databaseFile}.key`;

/**
 * The key this server uses: SECRET_KEY when set; else, for SQLite, the key file beside the database
 * (made on first start, owner-only, then reused). PostgreSQL without SECRET_KEY is a ConfigError.
 */
export function resolveSecretKey(config: { secretKey: SecretKey | null; database: DatabaseLocation }): SecretKey {
  if (config.secretKey !== null) return config.secretKey;
  const { database } = config;
  if (database.kind === 'postgres') {
    throw new ConfigError(
      `${SECRET_KEY_VARIABLE} must be set with PostgreSQL (the same value on every node): auth tokens are encrypted under it. Make one with: openssl rand -hex 32`,
    );
  }
  // A database that lives in memory only keeps nothing encrypted beyond this process either.
  if (database.filename === ':memory:' || database.filename === '') return new SecretKey(randomBytes(32));
  return keyFromFile(keyFileOf(database.filename));
}

function keyFromFile(path: string): SecretKey {
  try {
    return readKeyFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // The first start makes the data directory (before the database does), owner-only like the store's.
  const directory = dirname(path);
  if (!existsSync(directory)) mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Written whole under a temporary name, then linked into place: a process starting at the same
  // time either wins the link or reads the complete file the winner linked.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temporary, 0o600);
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readKeyFile(path);
}

function readKeyFile(path: string): SecretKey {
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(`the key file ${path} must be readable by its owner only (chmod 600 ${path})`);
  }
  const text = readFileSync(path, 'utf8').trim();
  if (!KEY_TEXT.test(text)) throw new ConfigError(`the key file ${path} must hold 64 hexadecimal characters (32 bytes)`);
  return new SecretKey(Buffer.from(text, 'hex'));
}
