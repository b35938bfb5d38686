// Alerts in PostgreSQL. Lists run newest first on (account_sid[, log_level], date_generated, sid).
import { hasNul, type PostgresContext } from '../postgres-context.js';
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
  .map((_, index) => `$${index + 1}`)
  .join(', ');

export function postgresAlerts(ctx: PostgresContext): AlertOperations {
  return {
    async insertAlert(alert) {
      await ctx.query(`INSERT INTO alerts (${RECORD_COLUMNS}) VALUES (${PLACEHOLDERS})`, alertValues(alert));
    },

    async findAlert(accountSid, sid) {
      if (hasNul(accountSid, sid)) return null;
      const [row] = await ctx.rows<AlertRow>(`SELECT ${RECORD_COLUMNS} FROM alerts WHERE sid = $1 AND account_sid = $2`, [sid, accountSid]);
      return row ? alertFromRow(row) : null;
    },

    async listAlerts(accountSid, filter, query) {
      if (hasNul(accountSid)) return [];
      const [from, before] = pageRange(filter, query);
      const params: unknown[] = [accountSid];
      let where = 'account_sid = $1';
      if (filter.logLevel !== undefined) {
        params.push(filter.logLevel);
        where += ` AND log_level = $${params.length}`;
      }
      params.push(from, before);
      where += ` AND date_generated >= $${params.length - 1}::bigint AND date_generated < $${params.length}::bigint`;
      const n = params.length;
      const select = `SELECT ${SUMMARY_COLUMNS} FROM alerts WHERE ${where}`;
      let rows: AlertSummaryRow[];
      if (query.before !== undefined) {
        if (hasNul(query.before.sid)) return [];
        rows = (
          await ctx.rows<AlertSummaryRow>(
            `${select} AND (date_generated, sid) > ($${n + 1}::bigint, $${n + 2}::text) ORDER BY date_generated, sid LIMIT $${n + 3}`,
            [...params, query.before.createdMs, query.before.sid, query.limit],
          )
        ).reverse();
      } else if (query.after !== undefined) {
        if (hasNul(query.after.sid)) return [];
        rows = await ctx.rows<AlertSummaryRow>(
          `${select} AND (date_generated, sid) < ($${n + 1}::bigint, $${n + 2}::text) ORDER BY date_generated DESC, sid DESC LIMIT $${n + 3}`,
          [...params, query.after.createdMs, query.after.sid, query.limit],
        );
      } else {
        rows = await ctx.rows<AlertSummaryRow>(`${select} ORDER BY date_generated DESC, sid DESC LIMIT $${n + 1}`, [
          ...params,
          query.limit,
        ]);
      }
      return rows.map(alertSummaryFromRow);
    },

    async deleteAlertsGeneratedBefore(cutoffMs, limit) {
      const result = await ctx.query(
        'DELETE FROM alerts WHERE sid IN (SELECT sid FROM alerts WHERE date_generated < $1 ORDER BY date_generated LIMIT $2)',
        [cutoffMs, limit],
      );
      return result.rowCount ?? 0;
    },
  };
}
