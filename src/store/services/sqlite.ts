// Services in SQLite. A service's attachments live in its row (see attachments/sqlite.ts).
import type { OperatorSid } from '../../sids.js';
import { operatorSidsIn } from '../operator-list.js';
import { SERVICE_COLUMN_COUNT, SERVICE_COLUMNS, serviceFromRow, serviceFromValues, serviceValues, type ServiceRow } from '../rows.js';
import { countUpTo, flag, isUniqueViolation, keysetRows, type SqliteContext } from '../sqlite-context.js';
import { NO_OPERATORS, type ServiceOperations, type ServiceRecord, type UpdateOutcome } from '../store.js';

export function writeServiceRow(ctx: SqliteContext, service: ServiceRecord): void {
  ctx
    .sql(`INSERT INTO services (${SERVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(serviceValues(service, flag));
}

function insertServiceRow(ctx: SqliteContext, service: ServiceRecord): 'inserted' | 'unique-name-taken' {
  try {
    writeServiceRow(ctx, service);
    return 'inserted';
  } catch (error) {
    if (isUniqueViolation(error)) return 'unique-name-taken';
    throw error;
  }
}

export function sqliteServices(ctx: SqliteContext): ServiceOperations {
  return {
    insertService(service) {
      return ctx.autocommit(() => insertServiceRow(ctx, service));
    },

    insertServiceWithinQuota(service, maxServices) {
      // One write transaction: other writers, in this process or another, wait.
      return ctx.write(() =>
        countUpTo(ctx, 'services', service.accountSid, maxServices) >= maxServices ? 'quota-exceeded' : insertServiceRow(ctx, service),
      );
    },

    async findServiceBySid(accountSid, sid) {
      const row = ctx.sql('SELECT * FROM services WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as ServiceRow | undefined;
      return row ? serviceFromRow(row) : null;
    },

    async findServiceByUniqueName(accountSid, uniqueName) {
      const row = ctx.sql('SELECT * FROM services WHERE account_sid = ? AND unique_name = ?').get(accountSid, uniqueName) as
        ServiceRow | undefined;
      return row ? serviceFromRow(row) : null;
    },

    async listServices(accountSid, query) {
      // The attachments are a column of the row (attachments/sqlite.ts): read with it, not looked up again by SID.
      return keysetRows(ctx, 'services', `${SERVICE_COLUMNS}, operator_sids`, 'account_sid = ?', [accountSid], query).map((values) => {
        const operatorSids = values[SERVICE_COLUMN_COUNT] as string;
        return {
          record: serviceFromValues(values),
          attachedOperatorSids: operatorSids === '' ? NO_OPERATORS : (operatorSidsIn(operatorSids) as OperatorSid[]),
        };
      });
    },

    updateService(accountSid, sid, settings, expectedVersion, nowMs) {
      return ctx.write((): UpdateOutcome<ServiceRecord> => {
        const current = ctx.sql('SELECT version FROM services WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
          { version: number } | undefined;
        if (current === undefined) return { status: 'not-found' };
        if (current.version !== expectedVersion) return { status: 'version-mismatch', currentVersion: current.version };
        try {
          const row = ctx
            .sql(
              `UPDATE services SET unique_name = ?, friendly_name = ?, auto_redaction = ?, media_redaction = ?,
             auto_transcribe = ?, data_logging = ?, webhook_url = ?, webhook_http_method = ?,
             encryption_credential_sid = ?, version = version + 1, date_updated = ?
           WHERE sid = ? RETURNING *`,
            )
            .get(
              settings.uniqueName,
              settings.friendlyName,
              flag(settings.autoRedaction),
              flag(settings.mediaRedaction),
              flag(settings.autoTranscribe),
              flag(settings.dataLogging),
              settings.webhookUrl,
              settings.webhookHttpMethod,
              settings.encryptionCredentialSid,
              nowMs,
              sid,
            ) as ServiceRow;
          return { status: 'updated', record: serviceFromRow(row) };
        } catch (error) {
          if (isUniqueViolation(error)) return { status: 'unique-name-taken' };
          throw error;
        }
      });
    },

    deleteService(accountSid, sid) {
      return ctx.autocommit(() => ctx.sql('DELETE FROM services WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0);
    },
  };
}
