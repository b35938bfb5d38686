// Twilio-Request-Id: RQ + 32 hex digits, every one crypto-random, so that ids reveal neither the
// traffic volume nor each other. Random bytes are drawn a batch at a time and turned into hex once
// per batch: one system call and one conversion per 256 requests, not per request.
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
const IDS_PER_BATCH = 256;
const batch = Buffer.alloc(ID_BYTES * IDS_PER_BATCH);
let hex = '';
let next = IDS_PER_BATCH;

export function newRequestId(): string {
  if (next === IDS_PER_BATCH) {
    hex = randomFillSync(batch).toString('hex');
    next = 0;
  }
  const start = next++ * ID_BYTES * 2;
  return 'RQ' + hex.slice(start, start + ID_BYTES * 2);
}
