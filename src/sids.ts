// Twilio SIDs: a two-letter prefix and 32 lowercase hex digits.
import { randomBytes, randomFillSync } from 'node:crypto';

export type SidPrefix = 'AC' | 'SK' | 'GA' | 'LY' | 'EY' | 'RQ' | 'CR' | 'GT' | 'GX' | 'NO' | 'RE';

declare const sidBrand: unique symbol;
/** A SID known to have prefix P: made by newSid, or checked once at the edge (parseSid). */
export type Sid<P extends SidPrefix> = string & { readonly [sidBrand]: P };
export type AccountSid = Sid<'AC'>;
export type ServiceSid = Sid<'GA'>;
export type OperatorSid = Sid<'LY'>;
export type TranscriptSid = Sid<'GT'>;
export type SentenceSid = Sid<'GX'>;
export type AlertSid = Sid<'NO'>;
export type RecordingSid = Sid<'RE'>;

const sidPatterns = new Map<string, RegExp>();

/** Random bytes for SIDs, filled 256 SIDs at a time (as crypto.randomUUID batches its entropy): a transcript makes one SID a sentence. */
const entropy = Buffer.alloc(16 * 256);
let used = entropy.length;

export function newSid<P extends SidPrefix>(prefix: P): Sid<P> {
  if (used === entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  const hex = entropy.toString('hex', used, used + 16);
  used += 16;
  return (prefix + hex) as Sid<P>;
}

/** The value as a SID of this kind, or null when it is not one (what the spec's pattern accepts). */
export function parseSid<P extends SidPrefix>(prefix: P, value: string): Sid<P> | null {
  return isSid(prefix, value) ? value : null;
}

/** Accepts what the spec's patterns accept: ^XX[0-9a-fA-F]{32}$. */
export function isSid<P extends SidPrefix>(prefix: P, value: string): value is Sid<P> {
  let pattern = sidPatterns.get(prefix);
  if (pattern === undefined) {
    pattern = new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);
    sidPatterns.set(prefix, pattern);
  }
  return pattern.test(value);
}

/**
 * The pattern of a SID this server issues (lowercase hex, as newSid makes them). The API accepts
 * either case in a request, but a stored SID is always this form: an uppercase twin would be a
 * second, different key for what looks like the same resource.
 */
export const issuedSidPattern = (prefix: SidPrefix) => `^${prefix}[0-9a-f]{32}$`;

/** A 32-character secret (auth token or API key secret). */
export function newSecret(): string {
  return randomBytes(16).toString('hex');
}
