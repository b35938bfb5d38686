// Catalog SIDs are derived, never random, so every installation serves the same EY…/LY… SIDs.
import { createHash } from 'node:crypto';
import type { Sid } from '../sids.js';

export type CatalogSidPrefix = 'EY' | 'LY';

/** Operator types use their `name`; pre-built operators their `friendly_name`. */
export function catalogSid<P extends CatalogSidPrefix>(prefix: P, name: string): Sid<P> {
  const digest = createHash('sha256').update(`intelligence-server:${prefix}:${name}`).digest('hex');
  return (prefix + digest.slice(0, 32)) as Sid<P>;
}
