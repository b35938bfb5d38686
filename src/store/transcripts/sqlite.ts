// Transcripts, sentences and operator results in SQLite. A job's write first checks that its
// transcript is still there and unfinished, in the same write transaction, so a delete wins.
import { flag, isUniqueViolation, type SqliteContext } from '../sqlite-context.js';
import type { KeysetQuery, TranscriptOperations } from '../store.js';
import {
  filterConditions,
  RESULT_COLUMNS,
  resultFromRow,
  resultValues,
  SENTENCE_COLUMNS,
  sentenceFromValues,
  type SentenceValues,
  sentenceValues,
  TRANSCRIPT_COLUMNS,
  transcriptFromRow,
  transcriptValues,
  type ResultRow,
  type TranscriptRow,
} from './row.js';

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');
const UNFINISHED = `status IN ('queued', 'in-progress')`;
/** Sentences are inserted this many rows to a statement (a quarter less time than one each), the rest one each. */
const SENTENCES_PER_INSERT = 50;
const insertSentences = (rows: number) =>
  `INSERT INTO sentences (${SENTENCE_COLUMNS}) VALUES ${Array<string>(rows)
    .fill(`(${placeholders(11)})`)
    .join(', ')}`;

function keysetTranscripts(ctx: SqliteContext, where: string, params: unknown[], query: KeysetQuery): TranscriptRow[] {
  const select = `SELECT ${TRANSCRIPT_COLUMNS} FROM transcripts WHERE ${where}`;
  if (query.before !== undefined) {
    const rows = ctx
      .sql(`${select} AND (date_created, sid) < (?, ?) ORDER BY date_created DESC, sid DESC LIMIT ?`)
      .all(...params, query.before.createdMs, query.before.sid, query.limit) as TranscriptRow[];
    return rows.reverse();
  }
  if (query.after !== undefined) {
    return ctx
      .sql(`${select} AND (date_created, sid) > (?, ?) ORDER BY date_created, sid LIMIT ?`)
      .all(...params, query.after.createdMs, query.after.sid, query.limit) as TranscriptRow[];
  }
  return ctx.sql(`${select} ORDER BY date_created, sid LIMIT ?`).all(...params, query.limit) as TranscriptRow[];
}

export function sqliteTranscripts(ctx: SqliteContext): TranscriptOperations {
  const unfinished = (sid: string): boolean => ctx.sql(`SELECT 1 FROM transcripts WHERE sid = ? AND ${UNFINISHED}`).get(sid) !== undefined;

  return {
    insertTranscript(transcript) {
      return ctx.autocommit(() => {
        try {
          ctx.sql(`INSERT INTO transcripts (${TRANSCRIPT_COLUMNS}) VALUES (${placeholders(22)})`).run(transcriptValues(transcript, flag));
          return 'inserted' as const;
        } catch (error) {
          if (isUniqueViolation(error)) return 'source-sid-taken' as const;
          throw error;
        }
      });
    },

    async findTranscript(accountSid, sid) {
      const row = ctx.sql(`SELECT ${TRANSCRIPT_COLUMNS} FROM transcripts WHERE sid = ? AND account_sid = ?`).get(sid, accountSid) as
        TranscriptRow | undefined;
      return row ? transcriptFromRow(row) : null;
    },

    async findTranscriptForJob(sid) {
      const row = ctx.sql(`SELECT ${TRANSCRIPT_COLUMNS} FROM transcripts WHERE sid = ?`).get(sid) as TranscriptRow | undefined;
      return row ? transcriptFromRow(row) : null;
    },

    async listTranscripts(accountSid, filter, query) {
      const conditions = filterConditions(filter, () => '?', 1);
      return keysetTranscripts(ctx, `account_sid = ?${conditions.sql}`, [accountSid, ...conditions.values], query).map(transcriptFromRow);
    },

    deleteTranscript(accountSid, sid) {
      return ctx.write(() => {
        const row = ctx
          .sql('DELETE FROM transcripts WHERE sid = ? AND account_sid = ? RETURNING media_path, redacted_media_path')
          .get(sid, accountSid) as { media_path: string | null; redacted_media_path: string | null } | undefined;
        if (row === undefined) return null;
        return { mediaPaths: [row.media_path, row.redacted_media_path].filter((path): path is string => path !== null) };
      });
    },

    startTranscript(sid, nowMs) {
      return ctx.autocommit(
        () =>
          ctx.sql(`UPDATE transcripts SET status = 'in-progress', date_updated = ? WHERE sid = ? AND ${UNFINISHED}`).run(nowMs, sid)
            .changes > 0,
      );
    },

    setTranscriptMedia(sid, media, nowMs) {
      return ctx.autocommit(
        () =>
          ctx
            .sql(
              `UPDATE transcripts SET media_path = ?, media_content_type = ?, redacted_media_path = ?, duration = ?, date_updated = ?
               WHERE sid = ? AND ${UNFINISHED}`,
            )
            .run(media.mediaPath, media.mediaContentType, media.redactedMediaPath, media.durationSeconds, nowMs, sid).changes > 0,
      );
    },

    replaceSentences(sid, sentences, nowMs) {
      return ctx.write(() => {
        if (!unfinished(sid)) return false;
        ctx.sql('DELETE FROM sentences WHERE transcript_sid = ?').run(sid);
        const many = ctx.sql(insertSentences(SENTENCES_PER_INSERT));
        const one = ctx.sql(insertSentences(1));
        let at = 0;
        for (; at + SENTENCES_PER_INSERT <= sentences.length; at += SENTENCES_PER_INSERT) {
          many.run(sentences.slice(at, at + SENTENCES_PER_INSERT).flatMap((sentence) => sentenceValues(sid, sentence)));
        }
        for (const sentence of sentences.slice(at)) one.run(sentenceValues(sid, sentence));
        ctx.sql('UPDATE transcripts SET date_updated = ? WHERE sid = ?').run(nowMs, sid);
        return true;
      });
    },

    replaceOperatorResults(sid, results, nowMs) {
      return ctx.write(() => {
        if (!unfinished(sid)) return false;
        ctx.sql('DELETE FROM operator_results WHERE transcript_sid = ?').run(sid);
        const insert = ctx.sql(`INSERT INTO operator_results (${RESULT_COLUMNS}) VALUES (${placeholders(7)})`);
        for (const result of results) insert.run(resultValues(sid, result));
        ctx.sql('UPDATE transcripts SET date_updated = ? WHERE sid = ?').run(nowMs, sid);
        return true;
      });
    },

    completeTranscript(sid, nowMs) {
      return ctx.autocommit(
        () =>
          ctx.sql(`UPDATE transcripts SET status = 'completed', date_updated = ? WHERE sid = ? AND status = 'in-progress'`).run(nowMs, sid)
            .changes > 0,
      );
    },

    failTranscript(sid, errorCode, errorMessage, nowMs) {
      return ctx.autocommit(
        () =>
          ctx
            .sql(
              `UPDATE transcripts SET status = 'failed', error_code = ?, error_message = ?, date_updated = ? WHERE sid = ? AND ${UNFINISHED}`,
            )
            .run(errorCode, errorMessage, nowMs, sid).changes > 0,
      );
    },

    async listSentences(transcriptSid, query) {
      // Rows as arrays: a page holds up to 5,000 rows, and named-column objects cost more than the query.
      const select = `SELECT ${SENTENCE_COLUMNS} FROM sentences WHERE transcript_sid = ?`;
      if (query.beforeIndex !== undefined) {
        const rows = ctx
          .sql(`${select} AND sentence_index < ? ORDER BY sentence_index DESC LIMIT ?`)
          .raw()
          .all(transcriptSid, query.beforeIndex, query.limit) as SentenceValues[];
        return rows.reverse().map(sentenceFromValues);
      }
      const rows = ctx
        .sql(`${select} AND sentence_index > ? ORDER BY sentence_index LIMIT ?`)
        .raw()
        .all(transcriptSid, query.afterIndex ?? -1, query.limit) as SentenceValues[];
      return rows.map(sentenceFromValues);
    },

    async listOperatorResults(transcriptSid) {
      const rows = ctx
        .sql(`SELECT ${RESULT_COLUMNS} FROM operator_results WHERE transcript_sid = ? ORDER BY position, operator_sid`)
        .all(transcriptSid) as ResultRow[];
      return rows.map(resultFromRow);
    },

    async findOperatorResult(transcriptSid, operatorSid) {
      const row = ctx
        .sql(`SELECT ${RESULT_COLUMNS} FROM operator_results WHERE transcript_sid = ? AND operator_sid = ?`)
        .get(transcriptSid, operatorSid) as ResultRow | undefined;
      return row ? resultFromRow(row) : null;
    },
  };
}
