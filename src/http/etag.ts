// ETag carries a resource's version; If-Match names one or more, quoted or bare (`"3"`, `3`,
// `W/"3"`, `"2", "3"`).
import type { IfMatch } from '../versions.js';

export const etagOf = (version: number) => `"${version}"`;

export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  if (header === undefined) return undefined;
  const entries = (Array.isArray(header) ? header.join(',') : header).split(',').map((entry) => entry.trim());
  // RFC 9110: `*` matches whatever version exists, so the update is unconditional.
  if (entries.includes('*')) return undefined;
  const versions: number[] = [];
  for (const entry of entries) {
    const value = entry.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    if (/^\d{1,15}$/.test(value)) versions.push(Number(value));
  }
  return versions;
}
