// The shared store: PostgreSQL through a pg connection pool, for several server processes (on one
// or many hosts) in front of one database. Behaviour is the SQLite store's, result for result; the
// rules that must hold across processes are enforced by the database itself:
//   - UniqueName per account: a UNIQUE constraint (23505 → 'unique-name-taken');
//   - attach/detach: one transaction holding the service row FOR UPDATE, so changes to one
//     service's attachments are serialised, counted against the limit and in the version exactly;
//   - a custom operator being attached is held FOR KEY SHARE, and a delete takes it FOR UPDATE
//     before it looks for attachments, so no attachment to a deleted operator can be written;
//   - If-Match: a conditional UPDATE … WHERE version = expected, so exactly one of N wins.
// Outcomes that change nothing (already attached, not found, limit reached, not attached) are
// answered from one statement's snapshot without taking locks; any write re-checks under the lock.
import pg from 'pg';
import { postgresMigrations, SERVICE_UNIQUE_NAME_CONSTRAINT } from './postgres-schema.js';
import type {
  AccountData,
  AccountRecord,
  ApiKeyRecord,
  AttachmentProbe,
  AttachOutcome,
  AttachRequest,
  CredentialRecord,
  CustomOperatorFilter,
  CustomOperatorRecord,
  DeleteOperatorOutcome,
  DetachOutcome,
  ImportOutcome,
  KeysetQuery,
  ResetCounts,
  ServiceRecord,
  ServiceSettings,
  Store,
  UpdateOutcome,
} from './store.js';
import {
  CUSTOM_OPERATOR_COLUMNS,
  customOperatorFromRow,
  customOperatorValues,
  SERVICE_COLUMNS,
  serviceFromRow,
  serviceValues,
  type CustomOperatorRow,
  type ServiceRow,
} from './rows.js';

const INT8_OID = 20;
/** int8 (BIGINT, count(*)) as a JS number, for this pool only: the global parsers are left alone. */
const parseInt8 = (text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} is outside JavaScript's safe integer range`);
  return value;
};
const poolTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && (format === undefined || format === 'text')) return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** Advisory lock class for migrations (ASCII "INTS"); the schema's name hash is the second key. */
const MIGRATION_LOCK_CLASS = 0x494e5453;
/** Advisory lock class for per-account quotas (ASCII "QUOT"); the account SID's hash is the second key. */
const QUOTA_LOCK_CLASS = 0x51554f54;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const errorCode = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;
const isUniqueNameViolation = (error: unknown) =>
  errorCode(error) === '23505' && (error as { constraint?: string }).constraint === SERVICE_UNIQUE_NAME_CONSTRAINT;
/** Deadlock or serialisation failure: the transaction was rolled back and may simply run again. */
const isRetryable = (error: unknown) => errorCode(error) === '40P01' || errorCode(error) === '40001';
const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * PostgreSQL text cannot hold NUL, so no stored value contains one: a lookup by such a string
 * finds nothing (as it would in SQLite, where it could only match a value that also holds NUL).
 */
const hasNul = (...values: string[]) => values.some((value) => value.includes('\0'));

/** One name per distinct SQL text, for the whole process: a name must always mean the same text. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `intelligence_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Adds `-c search_path=<schema>` to the connection string's startup options. */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  const existing = parsed.searchParams.get('options');
  parsed.searchParams.set('options', [existing, `-c search_path=${schema}`].filter(Boolean).join(' '));
  return parsed.toString();
}

export interface PostgresOptions {
  /** postgres://user:password@host:port/database[?options] */
  url: string;
  /** Connections in this process's pool (PG_POOL_SIZE). */
  poolSize: number;
  /**
   * A schema to keep the tables in, created when missing and made every pooled connection's
   * search_path. Without it the tables live in the connection's current schema (usually public).
   */
  schema?: string;
  /** How long to wait for a connection (new or from the pool) before failing. */
  connectionTimeoutMs?: number;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, creates the schema if asked, and applies pending migrations. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`PostgreSQL schema name must be lowercase letters, digits and _, got "${options.schema}"`);
    }
    const pool = new pg.Pool({
      connectionString: options.schema === undefined ? options.url : withSearchPath(options.url, options.schema),
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      types: poolTypes,
      application_name: 'intelligence-server',
    });
    // An idle connection that breaks (database restart, network) must not crash the process;
    // the pool drops it and the next query opens a new one.
    pool.on('error', (error) => {
      process.stderr.write(`intelligence-server: idle PostgreSQL connection failed: ${error.message}\n`);
    });
    const store = new PostgresStore(pool);
    try {
      await store.migrate(options.schema);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  private async migrate(schema: string | undefined): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const target =
        schema ?? ((await client.query<{ name: string | null }>('SELECT current_schema() AS name')).rows[0].name);
      if (target === null) {
        throw new Error(
          'PostgreSQL: no schema on the search_path exists; create it, or connect with ?options=-c%20search_path%3D<schema>',
        );
      }
      // Held until COMMIT: processes starting at once migrate one after another, and each later
      // one finds the work done. Keyed by schema, so unrelated schemas do not wait for each other.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, target]);
      if (schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
        await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
      }
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const applied = (await client.query<{ n: number }>('SELECT coalesce(max(version), 0)::int AS n FROM schema_migrations'))
        .rows[0].n;
      for (let version = applied; version < postgresMigrations.length; version++) {
        await client.query(postgresMigrations[version]);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version + 1, Date.now()]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs `work` in one transaction (READ COMMITTED plus explicit row locks), retrying deadlocks. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        if (attempt < MAX_TRANSACTION_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** A query on any pooled connection, as a named prepared statement (parsed once per connection). */
  private async rows<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query<Row>({ name: statementName(text), text, values })).rows;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Other processes' commits cannot be seen without a round trip, so nothing is cached on PostgreSQL. */
  externalChangeCounter(): null {
    return null;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async findCredential(sid: string): Promise<CredentialRecord | null> {
    if (hasNul(sid)) return null;
    if (sid.startsWith('AC')) {
      const [row] = await this.rows<{ sid: string; auth_token_hash: string }>(
        'SELECT sid, auth_token_hash FROM accounts WHERE sid = $1',
        [sid],
      );
      return row ? { sid: row.sid, accountSid: row.sid, secretHash: row.auth_token_hash } : null;
    }
    const [row] = await this.rows<{ sid: string; account_sid: string; secret_hash: string }>(
      'SELECT sid, account_sid, secret_hash FROM api_keys WHERE sid = $1',
      [sid],
    );
    return row ? { sid: row.sid, accountSid: row.account_sid, secretHash: row.secret_hash } : null;
  }

  async countAccounts(): Promise<number> {
    return (await this.rows<{ n: number }>('SELECT count(*) AS n FROM accounts'))[0].n;
  }

  async insertAccount(account: AccountRecord): Promise<void> {
    await this.pool.query('INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES ($1, $2, $3, $4)', [
      account.sid,
      account.friendlyName,
      account.authTokenHash,
      account.dateCreatedMs,
    ]);
  }

  async insertBootstrapAccount(account: AccountRecord, onlyIntoEmpty: boolean): Promise<boolean> {
    return this.transaction(async (client) => {
      // Serialises concurrent first starts: only one of them sees the table empty.
      await client.query('LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE');
      if (onlyIntoEmpty && (await client.query('SELECT 1 FROM accounts LIMIT 1')).rowCount !== 0) return false;
      const inserted = await client.query(
        `INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sid) DO NOTHING`,
        [account.sid, account.friendlyName, account.authTokenHash, account.dateCreatedMs],
      );
      return inserted.rowCount === 1;
    });
  }

  async insertApiKey(key: ApiKeyRecord): Promise<'inserted' | 'account-not-found'> {
    if (hasNul(key.accountSid)) return 'account-not-found';
    try {
      const result = await this.pool.query(
        `INSERT INTO api_keys (sid, account_sid, friendly_name, secret_hash, date_created)
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM accounts WHERE sid = $2)`,
        [key.sid, key.accountSid, key.friendlyName, key.secretHash, key.dateCreatedMs],
      );
      return result.rowCount === 1 ? 'inserted' : 'account-not-found';
    } catch (error) {
      // The account went away between the check and the write (foreign key violation).
      if (errorCode(error) === '23503') return 'account-not-found';
      throw error;
    }
  }

  async deleteApiKey(sid: string): Promise<boolean> {
    if (hasNul(sid)) return false;
    return ((await this.pool.query('DELETE FROM api_keys WHERE sid = $1', [sid])).rowCount ?? 0) > 0;
  }

  async insertService(service: ServiceRecord): Promise<'inserted' | 'unique-name-taken'> {
    try {
      await this.writeServiceRow(this.pool, service);
      return 'inserted';
    } catch (error) {
      if (isUniqueNameViolation(error)) return 'unique-name-taken';
      // SQLite checks the UniqueName before the SID, so when both are taken it answers
      // 'unique-name-taken'; PostgreSQL reported the SID (primary key) first.
      if (errorCode(error) === '23505' && !hasNul(service.accountSid, service.uniqueName)) {
        const taken = await this.pool.query('SELECT 1 FROM services WHERE account_sid = $1 AND unique_name = $2', [
          service.accountSid,
          service.uniqueName,
        ]);
        if ((taken.rowCount ?? 0) > 0) return 'unique-name-taken';
      }
      throw error;
    }
  }

  async insertServiceWithinQuota(service: ServiceRecord, maxServices: number): Promise<'inserted' | 'unique-name-taken' | 'quota-exceeded'> {
    try {
      return await this.transaction(async (client) => {
        if (!(await this.underQuota(client, 'services', service.accountSid, maxServices))) return 'quota-exceeded';
        await this.writeServiceRow(client, service);
        return 'inserted';
      });
    } catch (error) {
      if (isUniqueNameViolation(error)) return 'unique-name-taken';
      throw error;
    }
  }

  async insertCustomOperatorWithinQuota(operator: CustomOperatorRecord, maxCustomOperators: number): Promise<'inserted' | 'quota-exceeded'> {
    return this.transaction(async (client) => {
      if (!(await this.underQuota(client, 'custom_operators', operator.accountSid, maxCustomOperators))) return 'quota-exceeded';
      await this.writeCustomOperatorRow(client, operator);
      return 'inserted';
    });
  }

  /**
   * Takes the account's quota lock, held until COMMIT (so the account's creates run one after
   * another, across processes), then answers whether it holds fewer than `limit` rows of `table`,
   * counted no further than `limit`. The count is a statement after the lock: its snapshot sees
   * every create committed before.
   */
  private async underQuota(client: pg.PoolClient, table: 'services' | 'custom_operators', accountSid: string, limit: number): Promise<boolean> {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_CLASS, accountSid]);
    const counted = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE account_sid = $1 LIMIT $2) AS held`,
      [accountSid, limit],
    );
    return counted.rows[0].n < limit;
  }

  async findServiceBySid(accountSid: string, sid: string): Promise<ServiceRecord | null> {
    if (hasNul(accountSid, sid)) return null;
    const [row] = await this.rows<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE sid = $1 AND account_sid = $2`, [
      sid,
      accountSid,
    ]);
    return row ? serviceFromRow(row) : null;
  }

  async findServiceByUniqueName(accountSid: string, uniqueName: string): Promise<ServiceRecord | null> {
    if (hasNul(accountSid, uniqueName)) return null;
    const [row] = await this.rows<ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM services WHERE account_sid = $1 AND unique_name = $2`,
      [accountSid, uniqueName],
    );
    return row ? serviceFromRow(row) : null;
  }

  /**
   * Runs a keyset page query: `where` holds the filters (parameters $1…$n), and the cursor
   * condition is added. (date_created, sid) row comparison with sid in byte order, as in SQLite.
   */
  private async keysetRows<Row extends pg.QueryResultRow>(
    table: string,
    columns: string,
    where: string,
    params: unknown[],
    query: KeysetQuery,
  ): Promise<Row[]> {
    const n = params.length;
    if (query.before !== undefined) {
      if (hasNul(query.before.sid)) return [];
      const rows = await this.rows<Row>(
        `SELECT ${columns} FROM ${table} WHERE ${where} AND (date_created, sid) < ($${n + 1}::bigint, $${n + 2}::text)
         ORDER BY date_created DESC, sid DESC LIMIT $${n + 3}`,
        [...params, query.before.createdMs, query.before.sid, query.limit],
      );
      return rows.reverse();
    }
    if (query.after !== undefined) {
      if (hasNul(query.after.sid)) return [];
      return this.rows<Row>(
        `SELECT ${columns} FROM ${table} WHERE ${where} AND (date_created, sid) > ($${n + 1}::bigint, $${n + 2}::text)
         ORDER BY date_created, sid LIMIT $${n + 3}`,
        [...params, query.after.createdMs, query.after.sid, query.limit],
      );
    }
    return this.rows<Row>(`SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY date_created, sid LIMIT $${n + 1}`, [
      ...params,
      query.limit,
    ]);
  }

  async listServices(accountSid: string, query: KeysetQuery): Promise<ServiceRecord[]> {
    if (hasNul(accountSid)) return [];
    const rows = await this.keysetRows<ServiceRow>('services', SERVICE_COLUMNS, 'account_sid = $1', [accountSid], query);
    return rows.map(serviceFromRow);
  }

  async updateService(
    accountSid: string,
    sid: string,
    settings: ServiceSettings,
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<ServiceRecord>> {
    if (hasNul(accountSid, sid)) return { status: 'not-found' };
    return this.conditionalUpdate<ServiceRecord>(
      async () => {
        try {
          const [row] = await this.rows<ServiceRow>(
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
  }

  /**
   * The If-Match rule: `update` writes only while the stored version is `expectedVersion` (a
   * conditional UPDATE, so of N concurrent writers with the same expectation exactly one wins).
   * When it writes nothing, the row's current version says why: gone, or changed by someone else.
   */
  private async conditionalUpdate<T>(
    update: () => Promise<UpdateOutcome<T> | null>,
    table: 'services' | 'custom_operators',
    accountSid: string,
    sid: string,
    expectedVersion: number,
  ): Promise<UpdateOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await update();
      if (outcome !== null) return outcome;
      const [current] = await this.rows<{ version: number }>(
        `SELECT version FROM ${table} WHERE sid = $1 AND account_sid = $2`,
        [sid, accountSid],
      );
      if (current === undefined) return { status: 'not-found' };
      if (current.version !== expectedVersion || attempt >= MAX_TRANSACTION_ATTEMPTS) {
        return { status: 'version-mismatch', currentVersion: current.version };
      }
      // Only possible when the caller expected a version the row had not reached when the UPDATE
      // ran but has reached since: try again, as SQLite's single serial step would have succeeded.
    }
  }

  async deleteService(accountSid: string, sid: string): Promise<boolean> {
    if (hasNul(accountSid, sid)) return false;
    const result = await this.pool.query('DELETE FROM services WHERE sid = $1 AND account_sid = $2', [sid, accountSid]);
    return (result.rowCount ?? 0) > 0;
  }

  async attachedOperatorSids(serviceSids: string[]): Promise<Map<string, string[]>> {
    const attached = new Map<string, string[]>();
    for (const sid of serviceSids) attached.set(sid, []);
    const searchable = serviceSids.filter((sid) => !hasNul(sid));
    if (searchable.length === 0) return attached;
    const rows = await this.rows<{ service_sid: string; operator_sid: string }>(
      'SELECT service_sid, operator_sid FROM service_operators WHERE service_sid = ANY($1::text[]) ORDER BY id',
      [searchable],
    );
    for (const row of rows) attached.get(row.service_sid)!.push(row.operator_sid);
    return attached;
  }

  async probeAttachment(
    accountSid: string,
    serviceSid: string,
    operatorSid: string,
  ): Promise<AttachmentProbe | null> {
    if (hasNul(accountSid, serviceSid)) return null;
    const [row] = await this.rows<{ language_code: string; attached: boolean }>(
      `SELECT language_code,
              EXISTS (SELECT 1 FROM service_operators WHERE service_sid = services.sid AND operator_sid = $3) AS attached
       FROM services WHERE sid = $1 AND account_sid = $2`,
      [serviceSid, accountSid, hasNul(operatorSid) ? null : operatorSid],
    );
    return row === undefined ? null : { languageCode: row.language_code, attached: row.attached };
  }

  async attachOperator(request: AttachRequest): Promise<AttachOutcome> {
    const { accountSid, serviceSid, operatorSid, isCustomOperator, maxOperatorsPerService } = request;
    if (hasNul(accountSid, serviceSid)) return 'service-not-found';
    // An operator SID holding NUL matches nothing (`= NULL` is never true).
    const operatorKey = hasNul(operatorSid) ? null : operatorSid;

    // First, without locks: one snapshot answers every outcome that writes nothing. Each such
    // answer was true at that instant, which lies within this call, so it is linearisable.
    const [seen] = await this.rows<{ service: boolean; operator: boolean; attached: boolean; n: number }>(
      `SELECT EXISTS (SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2) AS service,
              EXISTS (SELECT 1 FROM custom_operators WHERE sid = $3 AND account_sid = $2) AS operator,
              EXISTS (SELECT 1 FROM service_operators WHERE service_sid = $1 AND operator_sid = $3) AS attached,
              (SELECT count(*) FROM service_operators WHERE service_sid = $1)::int AS n`,
      [serviceSid, accountSid, operatorKey],
    );
    const decided = attachOutcome(seen, isCustomOperator, maxOperatorsPerService);
    if (decided !== null) return decided;
    if (operatorKey === null) throw new Error('PostgreSQL text cannot hold NUL characters');

    // It looks like a write: do it under the service's row lock, checking everything again.
    return this.transaction(async (client): Promise<AttachOutcome> => {
      const service = await client.query('SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2 FOR UPDATE', [
        serviceSid,
        accountSid,
      ]);
      if (service.rowCount === 0) return 'service-not-found';
      if (isCustomOperator) {
        // KEY SHARE blocks a concurrent delete of the operator (which takes it FOR UPDATE) until we
        // commit, but not a concurrent edit of its name or config.
        const operator = await client.query(
          'SELECT 1 FROM custom_operators WHERE sid = $1 AND account_sid = $2 FOR KEY SHARE',
          [operatorSid, accountSid],
        );
        if (operator.rowCount === 0) return 'operator-not-found';
      }
      // A new statement after the lock: a fresh snapshot that sees every attach committed before it.
      const [state] = (
        await client.query<{ attached: boolean; n: number }>(
          `SELECT EXISTS (SELECT 1 FROM service_operators WHERE service_sid = $1 AND operator_sid = $2) AS attached,
                  (SELECT count(*) FROM service_operators WHERE service_sid = $1)::int AS n`,
          [serviceSid, operatorSid],
        )
      ).rows;
      if (state.attached) return 'already-attached';
      if (state.n >= maxOperatorsPerService) return 'limit-reached';
      await client.query(
        `WITH attachment AS (INSERT INTO service_operators (service_sid, operator_sid) VALUES ($1, $2))
         UPDATE services SET version = version + 1, date_updated = $3 WHERE sid = $1`,
        [serviceSid, operatorSid, request.nowMs],
      );
      return 'attached';
    });
  }

  async detachOperator(accountSid: string, serviceSid: string, operatorSid: string, nowMs: number): Promise<DetachOutcome> {
    if (hasNul(accountSid, serviceSid)) return 'service-not-found';
    const [seen] = await this.rows<{ service: boolean; attached: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM services WHERE sid = $1 AND account_sid = $2) AS service,
              EXISTS (SELECT 1 FROM service_operators WHERE service_sid = $1 AND operator_sid = $3) AS attached`,
      [serviceSid, accountSid, hasNul(operatorSid) ? null : operatorSid],
    );
    if (!seen.service) return 'service-not-found';
    if (!seen.attached) return 'not-attached';

    return this.transaction(async (client): Promise<DetachOutcome> => {
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
  }

  async insertCustomOperator(operator: CustomOperatorRecord): Promise<void> {
    await this.writeCustomOperatorRow(this.pool, operator);
  }

  async findCustomOperator(accountSid: string, sid: string): Promise<CustomOperatorRecord | null> {
    if (hasNul(accountSid, sid)) return null;
    const [row] = await this.rows<CustomOperatorRow>(
      `SELECT ${CUSTOM_OPERATOR_COLUMNS} FROM custom_operators WHERE sid = $1 AND account_sid = $2`,
      [sid, accountSid],
    );
    return row ? customOperatorFromRow(row) : null;
  }

  async listCustomOperators(
    accountSid: string,
    filter: CustomOperatorFilter,
    query: KeysetQuery,
  ): Promise<CustomOperatorRecord[]> {
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
    const rows = await this.keysetRows<CustomOperatorRow>('custom_operators', CUSTOM_OPERATOR_COLUMNS, where, params, query);
    return rows.map(customOperatorFromRow);
  }

  async updateCustomOperator(
    accountSid: string,
    sid: string,
    change: { friendlyName: string; configJson: string },
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<CustomOperatorRecord>> {
    if (hasNul(accountSid, sid)) return { status: 'not-found' };
    return this.conditionalUpdate<CustomOperatorRecord>(
      async () => {
        const [row] = await this.rows<CustomOperatorRow>(
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
  }

  async deleteCustomOperator(accountSid: string, sid: string): Promise<DeleteOperatorOutcome> {
    if (hasNul(accountSid, sid)) return { status: 'not-found' };
    return this.transaction(async (client): Promise<DeleteOperatorOutcome> => {
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
  }

  async schemaVersion(): Promise<{ applied: number; expected: number }> {
    const [row] = await this.rows<{ n: number }>('SELECT coalesce(max(version), 0)::int AS n FROM schema_migrations');
    return { applied: row.n, expected: postgresMigrations.length };
  }

  async exportAccount(accountSid: string): Promise<AccountData | null> {
    if (hasNul(accountSid)) return null;
    // REPEATABLE READ: the three reads share one snapshot, as SQLite's read transaction does.
    return this.transaction(async (client): Promise<AccountData | null> => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      if ((await client.query('SELECT 1 FROM accounts WHERE sid = $1', [accountSid])).rowCount === 0) return null;
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
        attachments: attachments.rows.map((row) => ({ serviceSid: row.service_sid, operatorSid: row.operator_sid })),
      };
    });
  }

  /**
   * Import and reset change many rows of one account at once; like SQLite's BEGIN IMMEDIATE they
   * hold every other writer of these tables off while they run (reads go on), so what they check
   * still holds when they write, and what they count is exactly what they changed. Both are rare
   * operator actions, so the brief pause of other writers is the simple, safe price.
   */
  private async lockOperatorPlane(client: pg.PoolClient): Promise<void> {
    await client.query('LOCK TABLE services, custom_operators, service_operators IN EXCLUSIVE MODE');
  }

  async importAccount(accountSid: string, data: AccountData): Promise<ImportOutcome> {
    if (hasNul(accountSid)) return { status: 'account-not-found' };
    return this.transaction(async (client): Promise<ImportOutcome> => {
      await this.lockOperatorPlane(client);
      if ((await client.query('SELECT 1 FROM accounts WHERE sid = $1', [accountSid])).rowCount === 0) {
        return { status: 'account-not-found' };
      }
      const existing = async (table: string, column: string, values: string[], scoped = false) => {
        const searchable = values.filter((value) => !hasNul(value));
        const result = await client.query<{ value: string }>(
          `SELECT ${column} AS value FROM ${table} WHERE ${column} = ANY($1::text[])${scoped ? ' AND account_sid = $2' : ''}
           ORDER BY ${column}`,
          scoped ? [searchable, accountSid] : [searchable],
        );
        return result.rows.map((row) => row.value);
      };
      const serviceSids = await existing('services', 'sid', data.services.map((service) => service.sid));
      const customOperatorSids = await existing('custom_operators', 'sid', data.customOperators.map((operator) => operator.sid));
      const uniqueNames = await existing('services', 'unique_name', data.services.map((service) => service.uniqueName), true);
      if (serviceSids.length + customOperatorSids.length + uniqueNames.length > 0) {
        return { status: 'conflict', serviceSids, customOperatorSids, uniqueNames };
      }
      for (const service of data.services) await this.writeServiceRow(client, { ...service, accountSid });
      for (const operator of data.customOperators) await this.writeCustomOperatorRow(client, { ...operator, accountSid });
      for (const attachment of data.attachments) {
        await client.query('INSERT INTO service_operators (service_sid, operator_sid) VALUES ($1, $2)', [
          attachment.serviceSid,
          attachment.operatorSid,
        ]);
      }
      return { status: 'imported' };
    });
  }

  async resetAccount(accountSid: string): Promise<ResetCounts | null> {
    if (hasNul(accountSid)) return null;
    return this.transaction(async (client): Promise<ResetCounts | null> => {
      await this.lockOperatorPlane(client);
      if ((await client.query('SELECT 1 FROM accounts WHERE sid = $1', [accountSid])).rowCount === 0) return null;
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
  }

  private async writeServiceRow(client: pg.Pool | pg.PoolClient, service: ServiceRecord): Promise<void> {
    await client.query(
      `INSERT INTO services (${SERVICE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      serviceValues(service, (value) => value),
    );
  }

  private async writeCustomOperatorRow(client: pg.Pool | pg.PoolClient, operator: CustomOperatorRecord): Promise<void> {
    await client.query(
      `INSERT INTO custom_operators (${CUSTOM_OPERATOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      customOperatorValues(operator),
    );
  }
}

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
