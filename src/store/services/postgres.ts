// Services in PostgreSQL.
import { SERVICE_UNIQUE_NAME_CONSTRAINT } from '../postgres-schema.js';
import { conditionalUpdate, errorCode, hasNul, keysetRows, underQuota, type PostgresContext, type Queryable } from '../postgres-context.js';
import { SERVICE_COLUMNS, serviceFromRow, serviceValues, type ServiceRow } from '../rows.js';
import type { OperatorSid } from '../../sids.js';
import { NO_OPERATORS, type ServiceOperations, type ServiceRecord } from '../store.js';

const isUniqueNameViolation = (error: unknown) =>
  errorCode(error) === '23505' && (error as { constraint?: string }).constraint === SERVICE_UNIQUE_NAME_CONSTRAINT;

export async function writeServiceRow(client: Queryable, service: ServiceRecord): Promise<void> {
  await client.query(
    `INSERT INTO services (${SERVICE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    serviceValues(service, (value) => value),
  );
}

export function postgresServices(ctx: PostgresContext): ServiceOperations {
  return {
    async insertServiceWithinQuota(service, maxServices) {
      try {
        return await ctx.transaction(async (client) => {
          if (!(await underQuota(client, 'services', service.accountSid, maxServices))) return 'quota-exceeded';
          await writeServiceRow(client, service);
          return 'inserted';
        });
      } catch (error) {
        if (isUniqueNameViolation(error)) return 'unique-name-taken';
        throw error;
      }
    },

    async insertService(service) {
      try {
        await ctx.attempt(() => writeServiceRow(ctx, service));
        return 'inserted';
      } catch (error) {
        if (isUniqueNameViolation(error)) return 'unique-name-taken';
        // SQLite checks the UniqueName before the SID, so when both are taken it answers
        // 'unique-name-taken'; PostgreSQL reported the SID (primary key) first.
        if (errorCode(error) === '23505' && !hasNul(service.accountSid, service.uniqueName)) {
          const taken = await ctx.query('SELECT 1 FROM services WHERE account_sid = $1 AND unique_name = $2', [
            service.accountSid,
            service.uniqueName,
          ]);
          if ((taken.rowCount ?? 0) > 0) return 'unique-name-taken';
        }
        throw error;
      }
    },

    async findServiceBySid(accountSid, sid) {
      if (hasNul(accountSid, sid)) return null;
      const [row] = await ctx.rows<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE sid = $1 AND account_sid = $2`, [
        sid,
        accountSid,
      ]);
      return row ? serviceFromRow(row) : null;
    },

    async findServiceByUniqueName(accountSid, uniqueName) {
      if (hasNul(accountSid, uniqueName)) return null;
      const [row] = await ctx.rows<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE account_sid = $1 AND unique_name = $2`, [
        accountSid,
        uniqueName,
      ]);
      return row ? serviceFromRow(row) : null;
    },

    async listServices(accountSid, query) {
      if (hasNul(accountSid)) return [];
      // Each service's attachments in the same statement, so from the same snapshot as its row.
      const rows = await keysetRows<ServiceRow & { operator_sids: OperatorSid[] | null }>(
        ctx,
        'services',
        `${SERVICE_COLUMNS}, (SELECT array_agg(operator_sid ORDER BY id) FROM service_operators WHERE service_sid = services.sid) AS operator_sids`,
        'account_sid = $1',
        [accountSid],
        query,
      );
      return rows.map((row) => ({ record: serviceFromRow(row), attachedOperatorSids: row.operator_sids ?? NO_OPERATORS }));
    },

    async updateService(accountSid, sid, settings, expectedVersion, nowMs) {
      if (hasNul(accountSid, sid)) return { status: 'not-found' };
      return conditionalUpdate<ServiceRecord>(
        ctx,
        async () => {
          try {
            const [row] = await ctx.attempt(() =>
              ctx.rows<ServiceRow>(
                `UPDATE services SET unique_name = $1, friendly_name = $2, auto_redaction = $3, media_redaction = $4,
               auto_transcribe = $5, data_logging = $6, webhook_url = $7, webhook_http_method = $8,
               encryption_credential_sid = $9, version = version + 1, date_updated = $10
             WHERE sid = $11 AND account_sid = $12 AND version = $13
             RETURNING ${SERVICE_COLUMNS}`,
                [
                  settings.uniqueName,
                  settings.friendlyName,
                  settings.autoRedaction,
                  settings.mediaRedaction,
                  settings.autoTranscribe,
                  settings.dataLogging,
                  settings.webhookUrl,
                  settings.webhookHttpMethod,
                  settings.encryptionCredentialSid,
                  nowMs,
                  sid,
                  accountSid,
                  expectedVersion,
                ],
              ),
            );
            return row ? { status: 'updated', record: serviceFromRow(row) } : null;
          } catch (error) {
            if (isUniqueNameViolation(error)) return { status: 'unique-name-taken' };
            throw error;
          }
        },
        'services',
        accountSid,
        sid,
        expectedVersion,
      );
    },

    async deleteService(accountSid, sid) {
      if (hasNul(accountSid, sid)) return false;
      const result = await ctx.query('DELETE FROM services WHERE sid = $1 AND account_sid = $2', [sid, accountSid]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
