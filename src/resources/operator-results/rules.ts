// Operator results of a transcript (TRANSCRIPTS.md §6): account-scoped, in the transcript's operator
// order, served redacted by default when the transcript has redaction.
import { resourceNotFound } from '../../errors.js';
import { pageInMemory, type Cursor, type KeysetQuery } from '../../http/paging.js';
import { parseSid, type OperatorSid, type TranscriptSid } from '../../sids.js';
import type { Store, StoredOperatorResult, TranscriptRecord } from '../../store/store.js';

export interface OperatorResultView {
  transcriptSid: string;
  operatorSid: string;
  name: string;
  /** The computed fields as stored: JSON text of OperatorResultBody (operators/types.ts), its fields in the spec's order. */
  bodyJson: string;
  /** The stored result it shows (the same object while the store's read cache holds it). */
  record: StoredOperatorResult;
}

/** Results are listed by their operator's place: the keyset cursor is (position, operator SID). */
export const resultCursor = (record: StoredOperatorResult): Cursor => ({ createdMs: record.position, sid: record.operatorSid });

export class OperatorResultRules {
  constructor(private readonly store: Pick<Store, 'findTranscript' | 'listOperatorResults' | 'findOperatorResult'>) {}

  /** `redacted` undefined: redacted when the transcript has redaction. */
  async list(
    accountSid: string,
    transcriptSid: string,
    redacted: boolean | undefined,
    keyset: KeysetQuery,
  ): Promise<Array<OperatorResultView & { cursor: Cursor }>> {
    const transcript = await this.transcript(accountSid, transcriptSid);
    const records = pageInMemory(await this.store.listOperatorResults(transcript.sid), keyset, resultCursor);
    return records.map((record) => ({ ...viewOf(record, servesRedacted(transcript, redacted)), cursor: resultCursor(record) }));
  }

  async fetch(accountSid: string, transcriptSid: string, operatorSid: string, redacted: boolean | undefined): Promise<OperatorResultView> {
    const transcript = await this.transcript(accountSid, transcriptSid);
    const sid: OperatorSid | null = parseSid('LY', operatorSid);
    const record = sid === null ? null : await this.store.findOperatorResult(transcript.sid, sid);
    if (record === null) throw resourceNotFound();
    return viewOf(record, servesRedacted(transcript, redacted));
  }

  private async transcript(accountSid: string, transcriptSid: string): Promise<TranscriptRecord> {
    const sid: TranscriptSid | null = parseSid('GT', transcriptSid);
    const transcript = sid === null ? null : await this.store.findTranscript(accountSid, sid);
    if (transcript === null) throw resourceNotFound();
    return transcript;
  }
}

const servesRedacted = (transcript: TranscriptRecord, redacted: boolean | undefined) => transcript.redaction && redacted !== false;

function viewOf(record: StoredOperatorResult, redacted: boolean): OperatorResultView {
  return {
    transcriptSid: record.transcriptSid,
    operatorSid: record.operatorSid,
    name: record.name,
    bodyJson: redacted && record.redactedResultJson !== null ? record.redactedResultJson : record.resultJson,
    record,
  };
}
