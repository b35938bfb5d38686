// Transcripts, sentences and operator results in PostgreSQL. A job's write locks its transcript row
// (FOR UPDATE) and goes on only while it is unfinished, so a concurrent delete or a second process
// running the same job after a lost lease never leaves two sets of sentences or results.
import { errorCode, hasNul, type PostgresContext, type Queryable } from '../postgres-context.js';
import type { KeysetQuery, TranscriptOperations } from '../store.js';
import {
  filterConditions,
  RESULT_COLUMNS,
  resultFromRow,
  resultValues,
  SENTENCE_COLUMNS,
  sentenceFromRow,
  sentenceValues,
  TRANSCRIPT_COLUMNS,
  transcriptFromRow,
  transcriptValues,
  type ResultRow,
  type SentenceRow,
  type TranscriptRow,
} from './row.js';

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');
const UNFINISHED = `status IN ('queued', 'in-progress')`;

const lockUnfinished = async (client: Queryable, sid: string): Promise<boolean> =>
  ((await client.query(`SELECT 1 FROM transcripts WHERE sid = $1 AND ${UNFINISHED} FOR UPDATE`, [sid])).rowCount ?? 0) > 0;

/** Columns of `rows` (value arrays), one array per column, for INSERT … SELECT FROM unnest(…). */
const columnsOf = (rows: unknown[][], width: number): unknown[][] =>
  Array.from({ length: width }, (_, column) => rows.map((row) => row[column]));

const SENTENCE_TYPES = ['text', 'int', 'text', 'int', 'float8', 'float8', 'float8', 'text', 'text', 'text', 'text'];
const RESULT_TYPES = ['text', 'text', 'text', 'int', 'text', 'text', 'int8'];
const unnestOf = (types: string[]) => `SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;

async function keysetTranscripts(ctx: PostgresContext, where: string, params: unknown[], query: KeysetQuery): Promise<TranscriptRow[]> {
  const n = params.length;
  const select = `SELECT ${TRANSCRIPT_COLUMNS} FROM transcripts WHERE ${where}`;
  if (query.before !== undefined) {
    if (hasNul(query.before.sid)) return [];
    const rows = await ctx.rows<TranscriptRow>(
      `${select} AND (date_created, sid) < ($${n + 1}::bigint, $${n + 2}::text) ORDER BY date_created DESC, sid DESC LIMIT $${n + 3}`,
      [...params, query.before.createdMs, query.before.sid, query.limit],
    );
    return rows.reverse();
  }
  if (query.after !== undefined) {
    if (hasNul(query.after.sid)) return [];
    return ctx.rows<TranscriptRow>(
      `${select} AND (date_created, sid) > ($${n + 1}::bigint, $${n + 2}::text) ORDER BY date_created, sid LIMIT $${n + 3}`,
      [...params, query.after.createdMs, query.after.sid, query.limit],
    );
  }
  return ctx.rows<TranscriptRow>(`${select} ORDER BY date_created, sid LIMIT $${n + 1}`, [...params, query.limit]);
}

export function postgresTranscripts(ctx: PostgresContext): TranscriptOperations {
  return {
    async insertTranscript(transcript) {
      // Caught outside the attempt: inside a unit of work its savepoint must be rolled back, not released.
      try {
        await ctx.attempt(() =>
          ctx.query(`INSERT INTO transcripts (${TRANSCRIPT_COLUMNS}) VALUES (${numbered(22)})`, transcriptValues(transcript, Boolean)),
        );
        return 'inserted' as const;
      } catch (error) {
        if (errorCode(error) === '23505') return 'source-sid-taken' as const;
        throw error;
      }
    },

    async findTranscript(accountSid, sid) {
      if (hasNul(accountSid, sid)) return null;
      const [row] = await ctx.rows<TranscriptRow>(`SELECT ${TRANSCRIPT_COLUMNS} FROM transcripts WHERE sid = $1 AND account_sid = $2`, [
        sid,
        accountSid,
      ]);
      return row ? transcriptFromRow(row) : null;
    },

    async findTranscriptForJob(sid) {
      if (hasNul(sid)) return null;
      const [row] = await ctx.rows<TranscriptRow>(`SELECT ${TRANSCRIPT_COLUMNS} FROM transcripts WHERE sid = $1`, [sid]);
      return row ? transcriptFromRow(row) : null;
    },

    async listTranscripts(accountSid, filter, query) {
      const values = [accountSid, filter.serviceSid, filter.languageCode, filter.sourceSid].filter((v): v is string => v !== undefined);
      if (hasNul(...values)) return [];
      const conditions = filterConditions(filter, (index) => `$${index}`, 2);
      const rows = await keysetTranscripts(ctx, `account_sid = $1${conditions.sql}`, [accountSid, ...conditions.values], query);
      return rows.map(transcriptFromRow);
    },

    async deleteTranscript(accountSid, sid) {
      if (hasNul(accountSid, sid)) return null;
      const [row] = await ctx.rows<{ media_path: string | null; redacted_media_path: string | null }>(
        'DELETE FROM transcripts WHERE sid = $1 AND account_sid = $2 RETURNING media_path, redacted_media_path',
        [sid, accountSid],
      );
      if (row === undefined) return null;
      return { mediaPaths: [row.media_path, row.redacted_media_path].filter((path): path is string => path !== null) };
    },

    async startTranscript(sid, nowMs) {
      const { rowCount } = await ctx.query(
        `UPDATE transcripts SET status = 'in-progress', date_updated = $1 WHERE sid = $2 AND ${UNFINISHED}`,
        [nowMs, sid],
      );
      return (rowCount ?? 0) > 0;
    },

    async setTranscriptMedia(sid, media, nowMs) {
      const { rowCount } = await ctx.query(
        `UPDATE transcripts SET media_path = $1, media_content_type = $2, redacted_media_path = $3, duration = $4, date_updated = $5
         WHERE sid = $6 AND ${UNFINISHED}`,
        [media.mediaPath, media.mediaContentType, media.redactedMediaPath, media.durationSeconds, nowMs, sid],
      );
      return (rowCount ?? 0) > 0;
    },

    replaceSentences(sid, sentences, nowMs) {
      return ctx.transaction(async (client) => {
        if (!(await lockUnfinished(client, sid))) return false;
        await client.query('DELETE FROM sentences WHERE transcript_sid = $1', [sid]);
        if (sentences.length > 0) {
          const rows = sentences.map((sentence) => sentenceValues(sid, sentence));
          await client.query(
            `INSERT INTO sentences (${SENTENCE_COLUMNS}) ${unnestOf(SENTENCE_TYPES)}`,
            columnsOf(rows, SENTENCE_TYPES.length),
          );
        }
        await client.query('UPDATE transcripts SET date_updated = $1 WHERE sid = $2', [nowMs, sid]);
        return true;
      });
    },

    replaceOperatorResults(sid, results, nowMs) {
      return ctx.transaction(async (client) => {
        if (!(await lockUnfinished(client, sid))) return false;
        await client.query('DELETE FROM operator_results WHERE transcript_sid = $1', [sid]);
        if (results.length > 0) {
          const rows = results.map((result) => resultValues(sid, result));
          await client.query(
            `INSERT INTO operator_results (${RESULT_COLUMNS}) ${unnestOf(RESULT_TYPES)}`,
            columnsOf(rows, RESULT_TYPES.length),
          );
        }
        await client.query('UPDATE transcripts SET date_updated = $1 WHERE sid = $2', [nowMs, sid]);
        return true;
      });
    },

    async completeTranscript(sid, nowMs) {
      const { rowCount } = await ctx.query(
        `UPDATE transcripts SET status = 'completed', date_updated = $1 WHERE sid = $2 AND status = 'in-progress'`,
        [nowMs, sid],
      );
      return (rowCount ?? 0) > 0;
    },

    async failTranscript(sid, errorCodeValue, errorMessage, nowMs) {
      const { rowCount } = await ctx.query(
        `UPDATE transcripts SET status = 'failed', error_code = $1, error_message = $2, date_updated = $3 WHERE sid = $4 AND ${UNFINISHED}`,
        [errorCodeValue, errorMessage.replaceAll('\0', ''), nowMs, sid],
      );
      return (rowCount ?? 0) > 0;
    },

    async listSentences(transcriptSid, query) {
      if (hasNul(transcriptSid)) return [];
      const select = `SELECT ${SENTENCE_COLUMNS} FROM sentences WHERE transcript_sid = $1`;
      if (query.beforeIndex !== undefined) {
        const rows = await ctx.rows<SentenceRow>(`${select} AND sentence_index < $2 ORDER BY sentence_index DESC LIMIT $3`, [
          transcriptSid,
          query.beforeIndex,
          query.limit,
        ]);
        return rows.reverse().map(sentenceFromRow);
      }
      const rows = await ctx.rows<SentenceRow>(`${select} AND sentence_index > $2 ORDER BY sentence_index LIMIT $3`, [
        transcriptSid,
        query.afterIndex ?? -1,
        query.limit,
      ]);
      return rows.map(sentenceFromRow);
    },

    async listOperatorResults(transcriptSid) {
      if (hasNul(transcriptSid)) return [];
      const rows = await ctx.rows<ResultRow>(
        `SELECT ${RESULT_COLUMNS} FROM operator_results WHERE transcript_sid = $1 ORDER BY position, operator_sid`,
        [transcriptSid],
      );
      return rows.map(resultFromRow);
    },

    async findOperatorResult(transcriptSid, operatorSid) {
      if (hasNul(transcriptSid, operatorSid)) return null;
      const [row] = await ctx.rows<ResultRow>(
        `SELECT ${RESULT_COLUMNS} FROM operator_results WHERE transcript_sid = $1 AND operator_sid = $2`,
        [transcriptSid, operatorSid],
      );
      return row ? resultFromRow(row) : null;
    },
  };
}
