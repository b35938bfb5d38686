// Attachments in PostgreSQL: a row of service_operators each. Changes to one service's
// attachments are serialised by holding the service row FOR UPDATE, so they are counted against
// the limit and in the version exactly; a custom operator being attached is held FOR KEY SHARE,
// and a delete takes it FOR UPDATE before it looks for attachments. Outcomes that change nothing
// are answered from one statement's snapshot without locks; any write re-checks under the lock.
import type { OperatorSid, ServiceSid } from '../../sids.js';
import { hasNul, onlyRow, type PostgresContext } from '../postgres-context.js';
import type { AttachmentOperations, AttachOutcome, DetachOutcome } from '../store.js';

/** The outcome an unlocked snapshot already decides, in SQLite's order of checks; null = try to write. */
function attachOutcome(
  seen: { service: boolean; operator: boolean; attached: boolean; n: number },
  isCustomOperator: boolean,
  maxOperatorsPerService: number,
): AttachOutcome | null {
  if (!seen.service) return 'service-not-found';
  if (isCustomOperator && !seen.operator) return 'operator-not-found';
  if (seen.attached) return 'already-attached';
  if (seen.n >= maxOperatorsPerService) return 'limit-reached';
  return null;
}

export function postgresAttachments(ctx: PostgresContext): AttachmentOperations {
  return {
    async attachedOperatorSids(serviceSids) {
      const attached = new Map<ServiceSid, OperatorSid[]>();
      for (const sid of serviceSids) attached.set(sid, []);
      const searchable = serviceSids.filter((sid) => !hasNul(sid));
      if (searchable.length === 0) return attached;
      const rows = await ctx.rows<{ service_sid: ServiceSid; operator_sid: OperatorSid }>(
        'SELECT service_sid, operator_sid FROM service_operators WHERE service_sid = ANY($1::text[]) ORDER BY id',
        [searchable],
      );
      for (const row of rows) attached.get(row.service_sid)!.push(row.operator_sid);
      return attached;
    },

    async probeAttachment(accountSid, serviceSid, operatorSid) {
      if (hasNul(accountSid, serviceSid)) return null;
      const [row] = await ctx.rows<{ language_code: string; attached: boolean }>(
        `SELECT language_code,
              EXISTS (SELECT 1 FROM service_operators WHERE service_sid = services.sid AND operator_sid = $3) AS attached
       FROM services WHERE sid = $1 AND account_sid = $2`,
        [serviceSid, accountSid, hasNul(operatorSid) ? null : operatorSid],
      );
      return row === undefined ? null : { languageCode: row.language_code, attached: row.attached };
    },

    async attachOperator(request) {
      const { accountSid, serviceSid, operatorSid, isCustomOperator, maxOperatorsPerService } = request;
      if (hasNul(accountSid, serviceSid)) return 'service-not-found';
      // An operator SID holding NUL matches nothing (`= NULL` is never true).
      const operatorKey = hasNul(operatorSid) ? null : operatorSid;

      // First, without locks: one snapshot answers every outcome that writes nothing. Each such
      // answer was true at that instant, which lies within this call, so it is linearisable.
      const seen = onlyRow(
        await ctx.rows<{ service: boolean; operator: boolean; attached: boolean; n: number }>(
          `SELECT EXISTS (SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2) AS service,
              EXISTS (SELECT 1 FROM custom_operators WHERE sid = $3 AND account_sid = $2) AS operator,
              EXISTS (SELECT 1 FROM service_operators WHERE service_sid = $1 AND operator_sid = $3) AS attached,
              (SELECT count(*) FROM service_operators WHERE service_sid = $1)::int AS n`,
          [serviceSid, accountSid, operatorKey],
        ),
      );
      const decided = attachOutcome(seen, isCustomOperator, maxOperatorsPerService);
      if (decided !== null) return decided;
      if (operatorKey === null) throw new Error('PostgreSQL text cannot hold NUL characters');

      // It looks like a write: do it under the service's row lock, checking everything again.
      return ctx.transaction(async (client): Promise<AttachOutcome> => {
        const service = await client.query('SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2 FOR UPDATE', [
          serviceSid,
          accountSid,
        ]);
        if (service.rowCount === 0) return 'service-not-found';
        if (isCustomOperator) {
          // KEY SHARE blocks a concurrent delete of the operator (which takes it FOR UPDATE) until we
          // commit, but not a concurrent edit of its name or config.
          const operator = await client.query('SELECT 1 FROM custom_operators WHERE sid = $1 AND account_sid = $2 FOR KEY SHARE', [
            operatorSid,
            accountSid,
          ]);
          if (operator.rowCount === 0) return 'operator-not-found';
        }
        // A new statement after the lock: a fresh snapshot that sees every attach committed before it.
        const state = onlyRow(
          (
            await client.query<{ attached: boolean; n: number }>(
              `SELECT EXISTS (SELECT 1 FROM service_operators WHERE service_sid = $1 AND operator_sid = $2) AS attached,
                  (SELECT count(*) FROM service_operators WHERE service_sid = $1)::int AS n`,
              [serviceSid, operatorSid],
            )
          ).rows,
        );
        if (state.attached) return 'already-attached';
        if (state.n >= maxOperatorsPerService) return 'limit-reached';
        await client.query(
          `WITH attachment AS (INSERT INTO service_operators (service_sid, operator_sid) VALUES ($1, $2))
         UPDATE services SET version = version + 1, date_updated = $3 WHERE sid = $1`,
          [serviceSid, operatorSid, request.nowMs],
        );
        return 'attached';
      });
    },

    async detachOperator(accountSid, serviceSid, operatorSid, nowMs) {
      if (hasNul(accountSid, serviceSid)) return 'service-not-found';
      const seen = onlyRow(
        await ctx.rows<{ service: boolean; attached: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2) AS service,
              EXISTS (SELECT 1 FROM service_operators WHERE service_sid = $1 AND operator_sid = $3) AS attached`,
          [serviceSid, accountSid, hasNul(operatorSid) ? null : operatorSid],
        ),
      );
      if (!seen.service) return 'service-not-found';
      if (!seen.attached) return 'not-attached';

      return ctx.transaction(async (client): Promise<DetachOutcome> => {
        const service = await client.query('SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2 FOR UPDATE', [
          serviceSid,
          accountSid,
        ]);
        if (service.rowCount === 0) return 'service-not-found';
        const removed = await client.query('DELETE FROM service_operators WHERE service_sid = $1 AND operator_sid = $2', [
          serviceSid,
          operatorSid,
        ]);
        if (removed.rowCount === 0) return 'not-attached';
        await client.query('UPDATE services SET version = version + 1, date_updated = $1 WHERE sid = $2', [nowMs, serviceSid]);
        return 'detached';
      });
    },
  };
}
