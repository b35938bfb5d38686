// Custom operators in PostgreSQL.
import { conditionalUpdate, hasNul, keysetRows, underQuota, type PostgresContext, type Queryable } from '../postgres-context.js';
import { CUSTOM_OPERATOR_COLUMNS, customOperatorFromRow, customOperatorValues, type CustomOperatorRow } from '../rows.js';
import type { CustomOperatorRecord, DeleteOperatorOutcome, OperatorOperations } from '../store.js';

export async function writeCustomOperatorRow(client: Queryable, operator: CustomOperatorRecord): Promise<void> {
  await client.query(
    `INSERT INTO custom_operators (${CUSTOM_OPERATOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    customOperatorValues(operator),
  );
}

export function postgresOperators(ctx: PostgresContext): OperatorOperations {
  return {
    async insertCustomOperator(operator) {
      await writeCustomOperatorRow(ctx, operator);
    },

    insertCustomOperatorWithinQuota(operator, maxCustomOperators) {
      return ctx.transaction(async (client): Promise<'inserted' | 'quota-exceeded'> => {
        if (!(await underQuota(client, 'custom_operators', operator.accountSid, maxCustomOperators))) return 'quota-exceeded';
        await writeCustomOperatorRow(client, operator);
        return 'inserted';
      });
    },

    async findCustomOperator(accountSid, sid) {
      if (hasNul(accountSid, sid)) return null;
      const [row] = await ctx.rows<CustomOperatorRow>(
        `SELECT ${CUSTOM_OPERATOR_COLUMNS} FROM custom_operators WHERE sid = $1 AND account_sid = $2`,
        [sid, accountSid],
      );
      return row ? customOperatorFromRow(row) : null;
    },

    async listCustomOperators(accountSid, filter, query) {
      if (hasNul(accountSid)) return [];
      let where = 'account_sid = $1';
      const params: unknown[] = [accountSid];
      if (filter.availability !== undefined) {
        if (hasNul(filter.availability)) return [];
        params.push(filter.availability);
        where += ` AND availability = $${params.length}`;
      }
      if (filter.operatorTypes !== undefined) {
        params.push(filter.operatorTypes.filter((type) => !hasNul(type)));
        where += ` AND operator_type = ANY($${params.length}::text[])`;
      }
      const rows = await keysetRows<CustomOperatorRow>(ctx, 'custom_operators', CUSTOM_OPERATOR_COLUMNS, where, params, query);
      return rows.map(customOperatorFromRow);
    },

    async updateCustomOperator(accountSid, sid, change, expectedVersion, nowMs) {
      if (hasNul(accountSid, sid)) return { status: 'not-found' };
      return conditionalUpdate<CustomOperatorRecord>(
        ctx,
        async () => {
          const [row] = await ctx.rows<CustomOperatorRow>(
            `UPDATE custom_operators SET friendly_name = $1, config = $2, version = version + 1, date_updated = $3
           WHERE sid = $4 AND account_sid = $5 AND version = $6
           RETURNING ${CUSTOM_OPERATOR_COLUMNS}`,
            [change.friendlyName, change.configJson, nowMs, sid, accountSid, expectedVersion],
          );
          return row ? { status: 'updated', record: customOperatorFromRow(row) } : null;
        },
        'custom_operators',
        accountSid,
        sid,
        expectedVersion,
      );
    },

    async deleteCustomOperator(accountSid, sid) {
      if (hasNul(accountSid, sid)) return { status: 'not-found' };
      return ctx.transaction(async (client): Promise<DeleteOperatorOutcome> => {
        // FOR UPDATE waits for attaches holding the operator FOR KEY SHARE; the next statement's
        // snapshot then sees the attachments they wrote.
        const operator = await client.query('SELECT 1 FROM custom_operators WHERE sid = $1 AND account_sid = $2 FOR UPDATE', [
          sid,
          accountSid,
        ]);
        if (operator.rowCount === 0) return { status: 'not-found' };
        const attached = await client.query<{ service_sid: string }>(
          'SELECT service_sid FROM service_operators WHERE operator_sid = $1 ORDER BY id',
          [sid],
        );
        if (attached.rows.length > 0) return { status: 'attached', serviceSids: attached.rows.map((row) => row.service_sid) };
        await client.query('DELETE FROM custom_operators WHERE sid = $1', [sid]);
        return { status: 'deleted' };
      });
    },
  };
}
