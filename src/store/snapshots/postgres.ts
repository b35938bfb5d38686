// An account's data as a whole in PostgreSQL: export, import and reset (src/ops/snapshot.ts).
import type { OperatorSid, ServiceSid } from '../../sids.js';
import { accountExists, hasNul, heldUpTo, type PostgresContext, type Queryable } from '../postgres-context.js';
import { writeCustomOperatorRow } from '../operators/postgres.js';
import {
  CUSTOM_OPERATOR_COLUMNS,
  customOperatorFromRow,
  SERVICE_COLUMNS,
  serviceFromRow,
  type CustomOperatorRow,
  type ServiceRow,
} from '../rows.js';
import { writeServiceRow } from '../services/postgres.js';
import type { AccountData, ImportOutcome, ResetCounts, SnapshotOperations } from '../store.js';

/**
 * Import and reset change many rows of one account at once; like SQLite's BEGIN IMMEDIATE they
 * hold every other writer of these tables off while they run (reads go on), so what they check
 * still holds when they write, and what they count is exactly what they changed. Both are rare
 * operator actions, so the brief pause of other writers is the simple, safe price.
 */
async function lockOperatorPlane(client: Queryable): Promise<void> {
  await client.query('LOCK TABLE services, custom_operators, service_operators IN EXCLUSIVE MODE');
}

export function postgresSnapshots(ctx: PostgresContext): SnapshotOperations {
  return {
    async exportAccount(accountSid) {
      if (hasNul(accountSid)) return null;
      // REPEATABLE READ: the three reads share one snapshot, as SQLite's read transaction does
      // (inside a unit of work, that transaction's isolation is kept).
      return ctx.transaction(async (client): Promise<AccountData | null> => {
        if (!ctx.inUnitOfWork) await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        if (!(await accountExists(client, accountSid))) return null;
        const services = await client.query<ServiceRow>(
          `SELECT ${SERVICE_COLUMNS} FROM services WHERE account_sid = $1 ORDER BY date_created, sid`,
          [accountSid],
        );
        const operators = await client.query<CustomOperatorRow>(
          `SELECT ${CUSTOM_OPERATOR_COLUMNS} FROM custom_operators WHERE account_sid = $1 ORDER BY date_created, sid`,
          [accountSid],
        );
        // By service as the services are listed, and in attach order within each (as SQLite keeps them).
        const attachments = await client.query<{ service_sid: string; operator_sid: string }>(
          `SELECT so.service_sid, so.operator_sid FROM service_operators so JOIN services s ON s.sid = so.service_sid
         WHERE s.account_sid = $1 ORDER BY s.date_created, s.sid, so.id`,
          [accountSid],
        );
        return {
          services: services.rows.map(serviceFromRow),
          customOperators: operators.rows.map(customOperatorFromRow),
          attachments: attachments.rows.map((row) => ({
            serviceSid: row.service_sid as ServiceSid,
            operatorSid: row.operator_sid as OperatorSid,
          })),
        };
      });
    },

    async importAccount(accountSid, data, quotas) {
      if (hasNul(accountSid)) return { status: 'account-not-found' };
      return ctx.transaction(async (client): Promise<ImportOutcome> => {
        await lockOperatorPlane(client);
        if (!(await accountExists(client, accountSid))) return { status: 'account-not-found' };
        const existing = async (table: string, column: string, values: string[], scoped = false) => {
          const searchable = values.filter((value) => !hasNul(value));
          const result = await client.query<{ value: string }>(
            `SELECT ${column} AS value FROM ${table} WHERE ${column} = ANY($1::text[])${scoped ? ' AND account_sid = $2' : ''}
           ORDER BY ${column}`,
            scoped ? [searchable, accountSid] : [searchable],
          );
          return result.rows.map((row) => row.value);
        };
        const serviceSids = await existing(
          'services',
          'sid',
          data.services.map((service) => service.sid),
        );
        const customOperatorSids = await existing(
          'custom_operators',
          'sid',
          data.customOperators.map((operator) => operator.sid),
        );
        const uniqueNames = await existing(
          'services',
          'unique_name',
          data.services.map((service) => service.uniqueName),
          true,
        );
        if (serviceSids.length + customOperatorSids.length + uniqueNames.length > 0) {
          return { status: 'conflict', serviceSids, customOperatorSids, uniqueNames };
        }
        // The table lock above holds the API's creates off, so the counts hold until COMMIT.
        const over = async (table: 'services' | 'custom_operators', adding: number, limit: number) =>
          adding > 0 && (await heldUpTo(client, table, accountSid, limit)) + adding > limit;
        if (await over('services', data.services.length, quotas.services)) {
          return { status: 'quota-exceeded', resource: 'services', limit: quotas.services };
        }
        if (await over('custom_operators', data.customOperators.length, quotas.customOperators)) {
          return { status: 'quota-exceeded', resource: 'customOperators', limit: quotas.customOperators };
        }
        for (const service of data.services) await writeServiceRow(client, { ...service, accountSid });
        for (const operator of data.customOperators) await writeCustomOperatorRow(client, { ...operator, accountSid });
        for (const attachment of data.attachments) {
          await client.query('INSERT INTO service_operators (service_sid, operator_sid) VALUES ($1, $2)', [
            attachment.serviceSid,
            attachment.operatorSid,
          ]);
        }
        return { status: 'imported' };
      });
    },

    async resetAccount(accountSid) {
      if (hasNul(accountSid)) return null;
      return ctx.transaction(async (client): Promise<ResetCounts | null> => {
        await lockOperatorPlane(client);
        if (!(await accountExists(client, accountSid))) return null;
        const attachments = await client.query(
          'DELETE FROM service_operators WHERE service_sid IN (SELECT sid FROM services WHERE account_sid = $1)',
          [accountSid],
        );
        const services = await client.query('DELETE FROM services WHERE account_sid = $1', [accountSid]);
        const customOperators = await client.query('DELETE FROM custom_operators WHERE account_sid = $1', [accountSid]);
        return {
          services: services.rowCount ?? 0,
          customOperators: customOperators.rowCount ?? 0,
          attachments: attachments.rowCount ?? 0,
        };
      });
    },
  };
}
