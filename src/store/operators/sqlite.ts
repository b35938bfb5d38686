// Custom operators in SQLite.
import {
  CUSTOM_OPERATOR_COLUMNS,
  customOperatorFromRow,
  customOperatorFromValues,
  customOperatorValues,
  type CustomOperatorRow,
} from '../rows.js';
import { countUpTo, keysetRows, type SqliteContext } from '../sqlite-context.js';
import type { CustomOperatorRecord, DeleteOperatorOutcome, OperatorOperations, UpdateOutcome } from '../store.js';

export function writeCustomOperatorRow(ctx: SqliteContext, operator: CustomOperatorRecord): void {
  ctx
    .sql(`INSERT INTO custom_operators (${CUSTOM_OPERATOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(customOperatorValues(operator));
}

export function sqliteOperators(ctx: SqliteContext): OperatorOperations {
  return {
    async insertCustomOperator(operator) {
      await ctx.autocommit(() => writeCustomOperatorRow(ctx, operator));
    },

    insertCustomOperatorWithinQuota(operator, maxCustomOperators) {
      return ctx.write((): 'inserted' | 'quota-exceeded' => {
        if (countUpTo(ctx, 'custom_operators', operator.accountSid, maxCustomOperators) >= maxCustomOperators) return 'quota-exceeded';
        writeCustomOperatorRow(ctx, operator);
        return 'inserted';
      });
    },

    async findCustomOperator(accountSid, sid) {
      const row = ctx.sql('SELECT * FROM custom_operators WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
        CustomOperatorRow | undefined;
      return row ? customOperatorFromRow(row) : null;
    },

    async listCustomOperators(accountSid, filter, query) {
      let where = 'account_sid = ?';
      const params: unknown[] = [accountSid];
      if (filter.availability !== undefined) {
        where += ' AND availability = ?';
        params.push(filter.availability);
      }
      if (filter.operatorTypes !== undefined) {
        where += ' AND operator_type IN (SELECT value FROM json_each(?))';
        params.push(JSON.stringify(filter.operatorTypes));
      }
      return keysetRows(ctx, 'custom_operators', CUSTOM_OPERATOR_COLUMNS, where, params, query).map(customOperatorFromValues);
    },

    updateCustomOperator(accountSid, sid, change, expectedVersion, nowMs) {
      return ctx.write((): UpdateOutcome<CustomOperatorRecord> => {
        const current = ctx.sql('SELECT version FROM custom_operators WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
          { version: number } | undefined;
        if (current === undefined) return { status: 'not-found' };
        if (current.version !== expectedVersion) return { status: 'version-mismatch', currentVersion: current.version };
        const row = ctx
          .sql(
            `UPDATE custom_operators SET friendly_name = ?, config = ?, version = version + 1, date_updated = ?
         WHERE sid = ? RETURNING *`,
          )
          .get(change.friendlyName, change.configJson, nowMs, sid) as CustomOperatorRow;
        return { status: 'updated', record: customOperatorFromRow(row) };
      });
    },

    deleteCustomOperator(accountSid, sid) {
      return ctx.write((): DeleteOperatorOutcome => {
        if (ctx.sql('SELECT 1 FROM custom_operators WHERE sid = ? AND account_sid = ?').get(sid, accountSid) === undefined) {
          return { status: 'not-found' };
        }
        const serviceSids = ctx
          .sql('SELECT service_sid FROM custom_operator_attachments WHERE operator_sid = ? ORDER BY id')
          .pluck()
          .all(sid) as string[];
        if (serviceSids.length > 0) return { status: 'attached', serviceSids };
        ctx.sql('DELETE FROM custom_operators WHERE sid = ?').run(sid);
        return { status: 'deleted' };
      });
    },
  };
}
