// Attachments in SQLite: a service's operators are a text column of its own row, in attach order
// (operator-list.ts); custom operators also keep a row each, so deleting one can be refused while
// a service uses it (pre-built operators are never deleted).
import type { OperatorSid, ServiceSid } from '../../sids.js';
// Two storage models, one contract (issue #21): PostgreSQL's row per attachment gave 9–17 % less attach/detach here (this model 1.10–1.21×), beyond the 5 % allowed (bench/README.md).
import { operatorCount, operatorIndex, operatorSidsIn, withOperator, withoutOperatorAt } from '../operator-list.js';
import type { SqliteContext } from '../sqlite-context.js';
import type { AttachmentOperations, AttachOutcome, DetachOutcome } from '../store.js';

export function sqliteAttachments(ctx: SqliteContext): AttachmentOperations {
  /** The account's service's row and attachments (undefined: no such service), read for a write. */
  const serviceOperators = (accountSid: string, serviceSid: string): { rowid: number; operatorSids: string } | undefined => {
    const row = ctx.sql('SELECT rowid, operator_sids FROM services WHERE sid = ? AND account_sid = ?').raw().get(serviceSid, accountSid) as
      [number, string] | undefined;
    return row === undefined ? undefined : { rowid: row[0], operatorSids: row[1] };
  };
  /** An attach or detach is one more version of its service. */
  const writeServiceOperators = (serviceRow: number, operatorSids: string, nowMs: number): void => {
    ctx
      .sql('UPDATE services SET operator_sids = ?, version = version + 1, date_updated = ? WHERE rowid = ?')
      .run(operatorSids, nowMs, serviceRow);
  };

  return {
    async attachedOperatorSids(serviceSids) {
      const attached = new Map<ServiceSid, OperatorSid[]>();
      for (const sid of serviceSids) attached.set(sid, []);
      if (serviceSids.length === 1) {
        const [only] = serviceSids as [ServiceSid];
        const column = ctx.sql('SELECT operator_sids FROM services WHERE sid = ?').pluck().get(only) as string | undefined;
        if (column !== undefined) attached.set(only, operatorSidsIn(column) as OperatorSid[]);
        return attached;
      }
      if (serviceSids.length === 0) return attached;
      const rows = ctx
        .sql('SELECT sid, operator_sids FROM services WHERE sid IN (SELECT value FROM json_each(?))')
        .raw()
        .all(JSON.stringify(serviceSids)) as Array<[ServiceSid, string]>;
      for (const [sid, column] of rows) attached.set(sid, operatorSidsIn(column) as OperatorSid[]);
      return attached;
    },

    async probeAttachment(accountSid, serviceSid, operatorSid) {
      const row = ctx
        .sql('SELECT language_code, operator_sids FROM services WHERE sid = ? AND account_sid = ?')
        .raw()
        .get(serviceSid, accountSid) as [string, string] | undefined;
      return row === undefined ? null : { languageCode: row[0], attached: operatorIndex(row[1], operatorSid) !== -1 };
    },

    attachOperator(request) {
      return ctx.write((): AttachOutcome => {
        const { accountSid, serviceSid, operatorSid } = request;
        const service = serviceOperators(accountSid, serviceSid);
        if (service === undefined) return 'service-not-found';
        if (
          request.isCustomOperator &&
          ctx.sql('SELECT 1 FROM custom_operators WHERE sid = ? AND account_sid = ?').get(operatorSid, accountSid) === undefined
        ) {
          return 'operator-not-found';
        }
        if (operatorIndex(service.operatorSids, operatorSid) !== -1) return 'already-attached';
        if (operatorCount(service.operatorSids) >= request.maxOperatorsPerService) return 'limit-reached';
        if (request.isCustomOperator) {
          ctx.sql('INSERT INTO custom_operator_attachments (service_sid, operator_sid) VALUES (?, ?)').run(serviceSid, operatorSid);
        }
        writeServiceOperators(service.rowid, withOperator(service.operatorSids, operatorSid), request.nowMs);
        return 'attached';
      });
    },

    detachOperator(accountSid, serviceSid, operatorSid, nowMs) {
      return ctx.write((): DetachOutcome => {
        const service = serviceOperators(accountSid, serviceSid);
        if (service === undefined) return 'service-not-found';
        const at = operatorIndex(service.operatorSids, operatorSid);
        if (at === -1) return 'not-attached';
        // Only a custom operator has a row here; for a pre-built one this finds nothing in a small index.
        ctx.sql('DELETE FROM custom_operator_attachments WHERE service_sid = ? AND operator_sid = ?').run(serviceSid, operatorSid);
        writeServiceOperators(service.rowid, withoutOperatorAt(service.operatorSids, at, operatorSid), nowMs);
        return 'detached';
      });
    },
  };
}
