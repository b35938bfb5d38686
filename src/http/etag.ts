// ETag carries a resource's version; If-Match names it quoted or bare.
import type { IfMatch } from '../resources/services/rules.js';

export const etagOf = (version: number) => `"${version}"`;

export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header.join(',') : header).trim();
  // RFC 9110: `*` matches whatever version exists, so the update is unconditional.
  if (raw === '*') return undefined;
  const value = raw.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return /^\d{1,15}$/.test(value) ? Number(value) : null;
}
