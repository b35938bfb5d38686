// Accounts and API keys: who may call the API. Secrets are stored as SHA-256 digests (they are
// random 128-bit values, so a slow password hash adds nothing) and compared in constant time.
// An account's own token is also kept encrypted under the server key (token-cipher.ts), for signing webhooks.
import { createHash, timingSafeEqual } from 'node:crypto';
import { authenticationFailed, invalidParameter } from '../../errors.js';
import { isSid, newSecret, newSid, parseSid, type AccountSid } from '../../sids.js';
import type { CredentialRecord, Store } from '../../store/store.js';
import type { SecretKey } from './secret-key.js';
import { decryptAuthToken, encryptAuthToken } from './token-cipher.js';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function secretMatches(secret: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

export interface IssuedCredential {
  sid: string;
  secret: string;
  accountSid: AccountSid;
}

/** A configured account SID (the configuration checked it already): its kind, checked once more here. */
function accountSidOf(value: string): AccountSid {
  const sid = parseSid('AC', value);
  if (sid === null) throw new Error(`${value} is not an account SID (AC and 32 hex digits)`);
  return sid;
}

export async function createAccount(
  store: Store,
  options: { sid?: string; authToken?: string; friendlyName?: string; secretKey?: SecretKey | null } = {},
): Promise<IssuedCredential & { sid: AccountSid }> {
  const sid = options.sid === undefined ? newSid('AC') : accountSidOf(options.sid);
  const secret = options.authToken ?? newSecret();
  await store.insertAccount({
    sid,
    friendlyName: options.friendlyName ?? null,
    authTokenHash: hashSecret(secret),
    authTokenCiphertext: options.secretKey ? encryptAuthToken(options.secretKey, sid, secret) : null,
    dateCreatedMs: Date.now(),
  });
  return { sid, secret, accountSid: sid };
}

export async function createApiKey(store: Store, accountSid: string, friendlyName?: string): Promise<IssuedCredential> {
  if (!isSid('AC', accountSid)) throw invalidParameter(`Not an account SID: ${accountSid}`);
  const sid = newSid('SK');
  const secret = newSecret();
  const outcome = await store.insertApiKey({
    sid,
    accountSid,
    friendlyName: friendlyName ?? null,
    secretHash: hashSecret(secret),
    dateCreatedMs: Date.now(),
  });
  if (outcome === 'account-not-found') throw invalidParameter(`No account ${accountSid} in this database`);
  return { sid, secret, accountSid };
}

/** The shortest auth token accepted (TWILIO_AUTH_TOKEN, `accounts set-token`). */
export const MIN_AUTH_TOKEN_LENGTH = 8;

/**
 * Sets an account's auth token (a new random one unless given); the old one fails from the next
 * request. Its encrypted copy is replaced too (cleared without a key, until the next authentication).
 */
export async function setAuthToken(
  store: Store,
  accountSid: string,
  authToken?: string,
  secretKey: SecretKey | null = null,
): Promise<IssuedCredential> {
  if (!isSid('AC', accountSid)) throw invalidParameter(`Not an account SID: ${accountSid}`);
  const secret = authToken ?? newSecret();
  if (secret.length < MIN_AUTH_TOKEN_LENGTH) throw invalidParameter(`An auth token must be at least ${MIN_AUTH_TOKEN_LENGTH} characters`);
  const ciphertext = secretKey === null ? null : encryptAuthToken(secretKey, accountSid, secret);
  if (!(await store.setAuthTokenHash(accountSid, hashSecret(secret), ciphertext)))
    throw invalidParameter(`No account ${accountSid} in this database`);
  return { sid: accountSid, secret, accountSid };
}

/** Whether the account's stored auth token is `authToken` (false when there is no such account). */
export async function authTokenMatches(store: Store, accountSid: string, authToken: string): Promise<boolean> {
  const credential = await store.findCredential(accountSid);
  return credential !== null && secretMatches(authToken, credential.secretHash);
}

/**
 * The account's auth token in clear, for signing its webhooks: null when the account has no
 * encrypted copy yet (made before copies were kept, and not authenticated since) or it does not
 * decrypt under `key` (another server key).
 */
export async function authTokenOf(store: Store, accountSid: string, key: SecretKey): Promise<string | null> {
  const ciphertext = await store.findAuthTokenCiphertext(accountSid);
  return ciphertext === null ? null : decryptAuthToken(key, accountSid, ciphertext);
}

/**
 * Creates the bootstrap account: the configured one when its SID is missing, or a generated one
 * on an empty database (returned, so its credentials can be shown once). Safe when several
 * processes start together on one database: exactly one of them creates it.
 */
export async function ensureBootstrapAccount(
  store: Store,
  bootstrap: { accountSid: string | null; authToken: string | null },
  secretKey: SecretKey | null = null,
): Promise<IssuedCredential | null> {
  const configured = bootstrap.accountSid !== null && bootstrap.authToken !== null;
  const sid = bootstrap.accountSid === null ? newSid('AC') : accountSidOf(bootstrap.accountSid);
  const secret = bootstrap.authToken ?? newSecret();
  const authTokenCiphertext = secretKey === null ? null : encryptAuthToken(secretKey, sid, secret);
  const inserted = await store.insertBootstrapAccount(
    { sid, friendlyName: 'bootstrap', authTokenHash: hashSecret(secret), authTokenCiphertext, dateCreatedMs: Date.now() },
    !configured,
  );
  return inserted && !configured ? { sid, secret, accountSid: sid } : null;
}

interface VerifiedCredential {
  credentialSid: string;
  accountSid: AccountSid;
  /** The stored digest the presented secret matched. */
  secretHash: string;
  checkedAtMs: number;
  /** The store's answer it was last checked against (see accountFor). */
  answer: Promise<CredentialRecord | null>;
}

const MAX_CACHED_CREDENTIALS = 10_000;

/**
 * Checks HTTP Basic credentials (AccountSid:AuthToken or ApiKeySid:Secret) and answers the account
 * they act for. A verified Authorization header is remembered, so it is not decoded and hashed
 * again; within `trustForMs` it is taken as is, after that its stored digest is read again and must
 * be unchanged. With 0 every request reads it, so a revoked key or changed token fails at once.
 * Failures are never remembered.
 */
export class Authenticator {
  private readonly verified = new Map<string, VerifiedCredential>();

  constructor(
    private readonly store: Store,
    private readonly trustForMs = 0,
    /** When given, an account authenticating with its own token gets the token's encrypted copy if it lacks one. */
    private readonly secretKey: SecretKey | null = null,
  ) {}

  /** Whether this exact header was verified (and not found changed since): a client known to hold good credentials. */
  hasVerified(authorization: string | undefined): boolean {
    return authorization !== undefined && this.verified.has(authorization);
  }

  /**
   * The account the header acts for: at once (a string) when the header was verified and its
   * credential is unchanged, else a promise. The read cache (store/read-cache.ts) answers a
   * credential with the same promise until anything may have changed it, so the very answer a
   * header was checked against is still unchanged, and needs no await.
   */
  accountFor(authorization: string | undefined): AccountSid | Promise<AccountSid> {
    const known = authorization === undefined ? undefined : this.verified.get(authorization);
    if (authorization === undefined || known === undefined) return this.verify(authorization);
    const now = Date.now();
    if (now - known.checkedAtMs < this.trustForMs) return known.accountSid;
    const answer = this.store.findCredential(known.credentialSid);
    if (answer === known.answer) return known.accountSid;
    return this.recheck(authorization, known, answer, now);
  }

  private async recheck(
    authorization: string,
    known: VerifiedCredential,
    answer: Promise<CredentialRecord | null>,
    now: number,
  ): Promise<AccountSid> {
    const current = await answer;
    if (current !== null && current.secretHash === known.secretHash && current.accountSid === known.accountSid) {
      known.checkedAtMs = now;
      known.answer = answer;
      return known.accountSid;
    }
    this.verified.delete(authorization);
    return this.verify(authorization);
  }

  private async verify(authorization: string | undefined): Promise<AccountSid> {
    if (authorization === undefined || authorization.length > 1024) throw authenticationFailed();
    const space = authorization.indexOf(' ');
    if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'basic') throw authenticationFailed();
    const decoded = Buffer.from(authorization.slice(space + 1).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw authenticationFailed();
    const username = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (!(isSid('AC', username) || isSid('SK', username))) throw authenticationFailed();
    const answer = this.store.findCredential(username);
    const credential = await answer;
    if (credential === null || !secretMatches(secret, credential.secretHash)) throw authenticationFailed();
    if (credential.hasTokenCiphertext === false && this.secretKey !== null) await this.keepEncryptedToken(credential, secret);
    if (this.verified.size >= MAX_CACHED_CREDENTIALS) this.verified.clear();
    this.verified.set(authorization, {
      credentialSid: credential.sid,
      accountSid: credential.accountSid,
      secretHash: credential.secretHash,
      checkedAtMs: Date.now(),
      answer,
    });
    return credential.accountSid;
  }

  /** An account made before tokens were kept encrypted: this is the one moment its clear token is known. */
  private async keepEncryptedToken(credential: CredentialRecord, authToken: string): Promise<void> {
    try {
      await this.store.storeAuthTokenCiphertext(
        credential.sid,
        credential.secretHash,
        encryptAuthToken(this.secretKey!, credential.sid, authToken),
      );
    } catch {
      // The request is authenticated all the same; the copy is written at a later authentication.
    }
  }
}
