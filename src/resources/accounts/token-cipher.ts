// An account's auth token encrypted at rest (AES-256-GCM under the server key), so the webhook
// signer can recover it while the database alone never reveals it. The account SID is the
// additional data: a ciphertext copied onto another account does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `v1.<base64 iv ‖ tag ‖ ciphertext>`. */
export function encryptAuthToken(key: SecretKey, accountSid: string, authToken: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes(), iv);
  cipher.setAAD(Buffer.from(accountSid, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(authToken, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64')}`;
}

/** The clear token, or null when the text is not one of ours or was made under another key or for another account. */
export function decryptAuthToken(key: SecretKey, accountSid: string, ciphertext: string): string | null {
  if (!ciphertext.startsWith(`${VERSION}.`)) return null;
  const raw = Buffer.from(ciphertext.slice(VERSION.length + 1), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes(), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(accountSid, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
