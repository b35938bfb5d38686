// Twilio-Request-Id: RQ + 32 hex. A random per-process prefix and a counter: unique, and no
// random bytes drawn on the hot path.
import { randomBytes } from 'node:crypto';

const processPart = randomBytes(8).toString('hex');
let counter = 0;

export function newRequestId(): string {
  counter = (counter + 1) % 0x1_0000_0000_0000;
  return 'RQ' + processPart + counter.toString(16).padStart(16, '0');
}
