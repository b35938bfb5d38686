// An account's data as a whole in SQLite: export, import and reset (src/ops/snapshot.ts).
import type { OperatorSid, ServiceSid } from '../../sids.js';
import { withOperator, operatorSidsIn } from '../operator-list.js';
import { customOperatorFromRow, serviceFromRow, type CustomOperatorRow, type ServiceRow } from '../rows.js';
import { accountExists, countUpTo, type SqliteContext } from '../sqlite-context.js';
import type { AccountData, ImportOutcome, ResetCounts, SnapshotOperations } from '../store.js';
import { writeCustomOperatorRow } from '../operators/sqlite.js';
import { writeServiceRow } from '../services/sqlite.js';

type ServiceRowWithOperators = ServiceRow & { operator_sids: string };

export function sqliteSnapshots(ctx: SqliteContext): SnapshotOperations {
  return {
    async exportAccount(accountSid) {
      // One consistent read of the three tables.
      return ctx.read((): AccountData | null => {
        if (!accountExists(ctx, accountSid)) return null;
        const services = ctx
          .sql('SELECT * FROM services WHERE account_sid = ? ORDER BY date_created, sid')
          .all(accountSid) as ServiceRowWithOperators[];
        const operators = ctx
          .sql('SELECT * FROM custom_operators WHERE account_sid = ? ORDER BY date_created, sid')
          .all(accountSid) as CustomOperatorRow[];
        return {
          services: services.map(serviceFromRow),
          customOperators: operators.map(customOperatorFromRow),
          attachments: services.flatMap((row) =>
            operatorSidsIn(row.operator_sids).map((operatorSid) => ({
              serviceSid: row.sid as ServiceSid,
              operatorSid: operatorSid as OperatorSid,
            })),
          ),
        };
      });
    },

    importAccount(accountSid, data, quotas) {
      return ctx.write((): ImportOutcome => {
        if (!accountExists(ctx, accountSid)) return { status: 'account-not-found' };
        const existing = (table: string, column: string, values: string[], scope = '') =>
          ctx
            .sql(`SELECT ${column} FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?))${scope} ORDER BY ${column}`)
            .pluck()
            .all(JSON.stringify(values), ...(scope ? [accountSid] : [])) as string[];
        const serviceSids = existing(
          'services',
          'sid',
          data.services.map((service) => service.sid),
        );
        const customOperatorSids = existing(
          'custom_operators',
          'sid',
          data.customOperators.map((operator) => operator.sid),
        );
        const uniqueNames = existing(
          'services',
          'unique_name',
          data.services.map((service) => service.uniqueName),
          ' AND account_sid = ?',
        );
        if (serviceSids.length + customOperatorSids.length + uniqueNames.length > 0) {
          return { status: 'conflict', serviceSids, customOperatorSids, uniqueNames };
        }
        // Counted inside the write transaction, as the API's creates count (insert*WithinQuota).
        const over = (table: 'services' | 'custom_operators', adding: number, limit: number) =>
          adding > 0 && countUpTo(ctx, table, accountSid, limit) + adding > limit;
        if (over('services', data.services.length, quotas.services)) {
          return { status: 'quota-exceeded', resource: 'services', limit: quotas.services };
        }
        if (over('custom_operators', data.customOperators.length, quotas.customOperators)) {
          return { status: 'quota-exceeded', resource: 'customOperators', limit: quotas.customOperators };
        }
        for (const service of data.services) writeServiceRow(ctx, { ...service, accountSid });
        for (const operator of data.customOperators) writeCustomOperatorRow(ctx, { ...operator, accountSid });
        const operatorsByService = new Map<ServiceSid, string>();
        for (const { serviceSid, operatorSid } of data.attachments) {
          operatorsByService.set(serviceSid, withOperator(operatorsByService.get(serviceSid) ?? '', operatorSid));
        }
        const setOperators = ctx.sql('UPDATE services SET operator_sids = ? WHERE sid = ? AND account_sid = ?');
        const imported = new Set(data.services.map((service) => service.sid));
        for (const [serviceSid, operatorSids] of operatorsByService) {
          // As a foreign key would: an attachment names a service of this import (the rules check it first).
          if (!imported.has(serviceSid)) throw new Error(`an attachment names ${serviceSid}, which is not among the imported services`);
          setOperators.run(operatorSids, serviceSid, accountSid);
        }
        const attachCustom = ctx.sql(
          `INSERT INTO custom_operator_attachments (service_sid, operator_sid)
         SELECT ?, ? WHERE EXISTS (SELECT 1 FROM custom_operators WHERE sid = ?)`,
        );
        for (const { serviceSid, operatorSid } of data.attachments) attachCustom.run(serviceSid, operatorSid, operatorSid);
        return { status: 'imported' };
      });
    },

    resetAccount(accountSid) {
      return ctx.write((): ResetCounts | null => {
        if (!accountExists(ctx, accountSid)) return null;
        // Deleting the services deletes their custom operators' attachment rows too (ON DELETE CASCADE).
        const attachments = ctx
          .sql(
            `SELECT coalesce(sum(length(operator_sids) - length(replace(operator_sids, ',', '')) + 1), 0)
         FROM services WHERE account_sid = ? AND operator_sids != ''`,
          )
          .pluck()
          .get(accountSid) as number;
        const services = ctx.sql('DELETE FROM services WHERE account_sid = ?').run(accountSid).changes;
        const customOperators = ctx.sql('DELETE FROM custom_operators WHERE account_sid = ?').run(accountSid).changes;
        return { services, customOperators, attachments };
      });
    },
  };
}
