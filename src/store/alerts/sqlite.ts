// Alerts in SQLite. Lists run newest first on (account_sid[, log_level], date_generated, sid).
import type { SqliteContext } from '../sqlite-context.js';
import type { AlertOperations } from '../store.js';
import {
  alertFromRow,
  alertSummaryFromRow,
  alertValues,
  pageRange,
  RECORD_COLUMNS,
  SUMMARY_COLUMNS,
  type AlertRow,
  type AlertSummaryRow,
} from './row.js';

const PLACEHOLDERS = RECORD_COLUMNS.split(',')
  .map(() => '?')
  .join(', ');

export function sqliteAlerts(ctx: SqliteContext): AlertOperations {
  return {
    insertAlert(alert) {
      return ctx.autocommit(() => {
        ctx.sql(`INSERT INTO alerts (${RECORD_COLUMNS}) VALUES (${PLACEHOLDERS})`).run(...alertValues(alert));
      });
    },

    async findAlert(accountSid, sid) {
      const row = ctx.sql(`SELECT ${RECORD_COLUMNS} FROM alerts WHERE sid = ? AND account_sid = ?`).get(sid, accountSid) as
        AlertRow | undefined;
      return row ? alertFromRow(row) : null;
    },

    async listAlerts(accountSid, filter, query) {
      const [from, before] = pageRange(filter, query);
      // Without statistics SQLite picks the index without the level, and filters an account's every alert by it.
      const [index, level] =
        filter.logLevel === undefined ? ['alerts_by_account_generated', ''] : ['alerts_by_account_level_generated', ' AND log_level = ?'];
      const params: unknown[] = [accountSid, ...(filter.logLevel === undefined ? [] : [filter.logLevel]), from, before];
      const select = `SELECT ${SUMMARY_COLUMNS} FROM alerts INDEXED BY ${index} WHERE account_sid = ?${level} AND date_generated >= ? AND date_generated < ?`;
      let rows: AlertSummaryRow[];
      if (query.before !== undefined) {
        // Newer than the cursor: read upwards from it, then turn back to newest first.
        rows = (
          ctx
            .sql(`${select} AND (date_generated, sid) > (?, ?) ORDER BY date_generated, sid LIMIT ?`)
            .all(...params, query.before.createdMs, query.before.sid, query.limit) as AlertSummaryRow[]
        ).reverse();
      } else if (query.after !== undefined) {
        rows = ctx
          .sql(`${select} AND (date_generated, sid) < (?, ?) ORDER BY date_generated DESC, sid DESC LIMIT ?`)
          .all(...params, query.after.createdMs, query.after.sid, query.limit) as AlertSummaryRow[];
      } else {
        rows = ctx.sql(`${select} ORDER BY date_generated DESC, sid DESC LIMIT ?`).all(...params, query.limit) as AlertSummaryRow[];
      }
      return rows.map(alertSummaryFromRow);
    },

    deleteAlertsGeneratedBefore(cutoffMs, limit) {
      return ctx.autocommit(
        () =>
          ctx
            .sql('DELETE FROM alerts WHERE sid IN (SELECT sid FROM alerts WHERE date_generated < ? ORDER BY date_generated LIMIT ?)')
            .run(cutoffMs, limit).changes,
      );
    },
  };
}
