// Twilio SIDs: a two-letter prefix and 32 lowercase hex digits.
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'AC' | 'SK' | 'GA' | 'LY' | 'EY' | 'RQ' | 'CR';

const sidPatterns = new Map<string, RegExp>();

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Accepts what the spec's patterns accept: ^XX[0-9a-fA-F]{32}$. */
export function isSid(prefix: SidPrefix, value: string): boolean {
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
