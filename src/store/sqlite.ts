// The embedded store: SQLite through better-sqlite3, WAL mode. Every operation is one synchronous
// transaction, so within a process each rule is checked and written atomically; BEGIN IMMEDIATE
// keeps that true when a second process (the CLI) writes to the same file.
import Database from 'better-sqlite3';
import { operatorCount, operatorIndex, operatorSidsIn, withOperator, withoutOperatorAt } from './operator-list.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { prepareOwnerOnlyFiles } from './sqlite-files.js';
import { GroupCommit } from './sqlite-group-commit.js';
import { sqliteMigrations } from './sqlite-schema.js';
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
  customOperatorFromValues,
  customOperatorValues,
  SERVICE_COLUMNS,
  serviceFromRow,
  serviceFromValues,
  serviceValues,
  type CustomOperatorRow,
  type ServiceRow,
} from './rows.js';

const flag = (value: boolean) => (value ? 1 : 0);

type ServiceRowWithOperators = ServiceRow & { operator_sids: string };

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** How long a statement waits for another process's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;
/** The same while this store opens the database and applies migrations (see the constructor). */
const MIGRATION_BUSY_TIMEOUT_MS = 600_000;

/** The page size of a database this store creates, bytes. */
export const NEW_DATABASE_PAGE_SIZE = 2048;

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /** NORMAL survives a process crash (kill -9); FULL also survives power loss, at a write cost. */
  synchronous?: 'NORMAL' | 'FULL';
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly checkpointer: SqliteCheckpointer | null = null;
  /** Every write goes through it: one transaction and one commit per turn of the event loop. */
  private readonly writes: GroupCommit;

  constructor(options: SqliteOptions) {
    if (options.filename !== ':memory:') prepareOwnerOnlyFiles(options.filename);
    this.db = new Database(options.filename);
    this.writes = new GroupCommit(this.db, (text) => this.sql(text), () => this.checkpointIfChanged());
    // Only a new database takes this (an existing one keeps its page size: changing it would
    // rewrite the file). A write dirties pages at random places in big tables' indexes, and the
    // log gets each dirty page whole: at 1,000,000 services, attach/detach ran ~8 % faster with
    // 2 KB pages than with SQLite's 4 KB (A/B on the same machine), with no change at small sizes.
    // That was while attachments were rows of their own index; since they live in the services'
    // rows, 4 KB pages measured the same as 2 KB at 1,000,000 services (1.01×, 6 alternating pairs).
    // A service's list of operators spills to overflow pages beyond ~50 operators at 2 KB.
    this.db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    // Migrating a big database holds the write lock for seconds (moving 1,000,000 services'
    // attachments into their rows took ~10 s), and a process starting meanwhile waits for it.
    this.db.pragma(`busy_timeout = ${MIGRATION_BUSY_TIMEOUT_MS}`);
    this.migrate();
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (options.filename !== ':memory:') {
      // Checkpoints run on a worker thread (see sqlite-checkpointer.ts), never inside our commits.
      this.db.pragma('wal_autocheckpoint = 0');
      this.changesSeen = this.sql('SELECT total_changes()').pluck().get() as number;
      this.checkpointer = new SqliteCheckpointer({
        filename: options.filename,
        synchronous: options.synchronous ?? 'NORMAL',
        onFailure: (pages) => {
          if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${pages}`);
        },
      });
    }
  }

  /** For tests and tools: checkpoints the log now, on the worker (null for an in-memory database). */
  get checkpoints(): SqliteCheckpointer | null {
    return this.checkpointer;
  }

  /** Each step reads the version inside its write lock, so processes starting together agree. */
  private migrate(): void {
    const step = this.db.transaction((): boolean => {
      const applied = this.db.pragma('user_version', { simple: true }) as number;
      if (applied >= sqliteMigrations.length) return false;
      this.db.exec(sqliteMigrations[applied]);
      this.db.pragma(`user_version = ${applied + 1}`);
      return true;
    });
    while (step.immediate()) {
      // one migration per write transaction
    }
  }

  /** Statements are prepared once and reused; SQL text is the cache key. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** SQLite's total_changes() after the last batch. */
  private changesSeen = 0;

  /** Only a batch that changed rows needs a checkpoint (the bootstrap insert at start-up usually doesn't). */
  private checkpointIfChanged(): void {
    const changes = this.sql('SELECT total_changes()').pluck().get() as number;
    if (changes !== this.changesSeen) {
      this.changesSeen = changes;
      this.checkpointer?.committed();
    }
  }

  /** For tests and tools: the raw database. */
  get database(): Database.Database {
    return this.db;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  /** SQLite's data_version: changes when another connection commits, never for this one's own commits. */
  externalChangeCounter(): number {
    return this.sql('PRAGMA data_version').pluck().get() as number;
  }

  async close(): Promise<void> {
    this.writes.flush();
    // The worker's connection first: the last connection to close checkpoints and removes the log.
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  async findCredential(sid: string): Promise<CredentialRecord | null> {
    if (sid.startsWith('AC')) {
      const row = this.sql('SELECT sid, auth_token_hash FROM accounts WHERE sid = ?').get(sid) as
        | { sid: string; auth_token_hash: string }
        | undefined;
      return row ? { sid: row.sid, accountSid: row.sid, secretHash: row.auth_token_hash } : null;
    }
    const row = this.sql('SELECT sid, account_sid, secret_hash FROM api_keys WHERE sid = ?').get(sid) as
      | { sid: string; account_sid: string; secret_hash: string }
      | undefined;
    return row ? { sid: row.sid, accountSid: row.account_sid, secretHash: row.secret_hash } : null;
  }

  async countAccounts(): Promise<number> {
    return (this.sql('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
  }

  async insertAccount(account: AccountRecord): Promise<void> {
    this.checkpointer?.committed();
    this.sql('INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES (?, ?, ?, ?)').run(
      account.sid,
      account.friendlyName,
      account.authTokenHash,
      account.dateCreatedMs,
    );
  }

  async insertBootstrapAccount(account: AccountRecord, onlyIntoEmpty: boolean): Promise<boolean> {
    return this.writes.run(() => {
      if (onlyIntoEmpty && this.sql('SELECT 1 FROM accounts LIMIT 1').get() !== undefined) return false;
      return (
        this.sql(
          'INSERT INTO accounts (sid, friendly_name, auth_token_hash, date_created) VALUES (?, ?, ?, ?) ON CONFLICT (sid) DO NOTHING',
        ).run(account.sid, account.friendlyName, account.authTokenHash, account.dateCreatedMs).changes > 0
      );
    });
  }

  async insertApiKey(key: ApiKeyRecord): Promise<'inserted' | 'account-not-found'> {
    return this.writes.run(() => {
      if (this.sql('SELECT 1 FROM accounts WHERE sid = ?').get(key.accountSid) === undefined) return 'account-not-found';
      this.sql(
        'INSERT INTO api_keys (sid, account_sid, friendly_name, secret_hash, date_created) VALUES (?, ?, ?, ?, ?)',
      ).run(key.sid, key.accountSid, key.friendlyName, key.secretHash, key.dateCreatedMs);
      return 'inserted';
    });
  }

  async deleteApiKey(sid: string): Promise<boolean> {
    this.checkpointer?.committed();
    return this.sql('DELETE FROM api_keys WHERE sid = ?').run(sid).changes > 0;
  }

  async insertService(service: ServiceRecord): Promise<'inserted' | 'unique-name-taken'> {
    this.checkpointer?.committed();
    try {
      this.writeServiceRow(service);
      return 'inserted';
    } catch (error) {
      if (isUniqueViolation(error)) return 'unique-name-taken';
      throw error;
    }
  }

  async findServiceBySid(accountSid: string, sid: string): Promise<ServiceRecord | null> {
    const row = this.sql('SELECT * FROM services WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
      | ServiceRow
      | undefined;
    return row ? serviceFromRow(row) : null;
  }

  async findServiceByUniqueName(accountSid: string, uniqueName: string): Promise<ServiceRecord | null> {
    const row = this.sql('SELECT * FROM services WHERE account_sid = ? AND unique_name = ?').get(
      accountSid,
      uniqueName,
    ) as ServiceRow | undefined;
    return row ? serviceFromRow(row) : null;
  }

  /** Runs a keyset page query: `where` holds the filters, and the cursor condition is added. */
  private keysetRows(table: string, columns: string, where: string, params: unknown[], query: KeysetQuery): unknown[][] {
    const select = `SELECT ${columns} FROM ${table} WHERE ${where}`;
    if (query.before !== undefined) {
      const rows = this.sql(`${select} AND (date_created, sid) < (?, ?) ORDER BY date_created DESC, sid DESC LIMIT ?`)
        .raw()
        .all(...params, query.before.createdMs, query.before.sid, query.limit) as unknown[][];
      return rows.reverse();
    }
    if (query.after !== undefined) {
      return this.sql(`${select} AND (date_created, sid) > (?, ?) ORDER BY date_created, sid LIMIT ?`)
        .raw()
        .all(...params, query.after.createdMs, query.after.sid, query.limit) as unknown[][];
    }
    return this.sql(`${select} ORDER BY date_created, sid LIMIT ?`).raw().all(...params, query.limit) as unknown[][];
  }

  async listServices(accountSid: string, query: KeysetQuery): Promise<ServiceRecord[]> {
    return this.keysetRows('services', SERVICE_COLUMNS, 'account_sid = ?', [accountSid], query).map(serviceFromValues);
  }

  async updateService(
    accountSid: string,
    sid: string,
    settings: ServiceSettings,
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<ServiceRecord>> {
    return this.writes.run((): UpdateOutcome<ServiceRecord> => {
      const current = this.sql('SELECT version FROM services WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
        | { version: number }
        | undefined;
      if (current === undefined) return { status: 'not-found' };
      if (current.version !== expectedVersion) return { status: 'version-mismatch', currentVersion: current.version };
      try {
        const row = this.sql(
          `UPDATE services SET unique_name = ?, friendly_name = ?, auto_redaction = ?, media_redaction = ?,
             auto_transcribe = ?, data_logging = ?, webhook_url = ?, webhook_http_method = ?,
             encryption_credential_sid = ?, version = version + 1, date_updated = ?
           WHERE sid = ? RETURNING *`,
        ).get(
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
  }

  async deleteService(accountSid: string, sid: string): Promise<boolean> {
    this.checkpointer?.committed();
    return this.sql('DELETE FROM services WHERE sid = ? AND account_sid = ?').run(sid, accountSid).changes > 0;
  }

  async attachedOperatorSids(serviceSids: string[]): Promise<Map<string, string[]>> {
    const attached = new Map<string, string[]>();
    for (const sid of serviceSids) attached.set(sid, []);
    if (serviceSids.length === 1) {
      const column = this.sql('SELECT operator_sids FROM services WHERE sid = ?').pluck().get(serviceSids[0]) as
        | string
        | undefined;
      if (column !== undefined) attached.set(serviceSids[0], operatorSidsIn(column));
      return attached;
    }
    if (serviceSids.length === 0) return attached;
    const rows = this.sql('SELECT sid, operator_sids FROM services WHERE sid IN (SELECT value FROM json_each(?))')
      .raw()
      .all(JSON.stringify(serviceSids)) as Array<[string, string]>;
    for (const [sid, column] of rows) attached.set(sid, operatorSidsIn(column));
    return attached;
  }

  async probeAttachment(
    accountSid: string,
    serviceSid: string,
    operatorSid: string,
  ): Promise<AttachmentProbe | null> {
    const row = this.sql('SELECT language_code, operator_sids FROM services WHERE sid = ? AND account_sid = ?')
      .raw()
      .get(serviceSid, accountSid) as [string, string] | undefined;
    return row === undefined ? null : { languageCode: row[0], attached: operatorIndex(row[1], operatorSid) !== -1 };
  }

  async attachOperator(request: AttachRequest): Promise<AttachOutcome> {
    return this.writes.run((): AttachOutcome => {
      const { accountSid, serviceSid, operatorSid } = request;
      const service = this.serviceOperators(accountSid, serviceSid);
      if (service === undefined) return 'service-not-found';
      if (
        request.isCustomOperator &&
        this.sql('SELECT 1 FROM custom_operators WHERE sid = ? AND account_sid = ?').get(operatorSid, accountSid) ===
          undefined
      ) {
        return 'operator-not-found';
      }
      if (operatorIndex(service.operatorSids, operatorSid) !== -1) return 'already-attached';
      if (operatorCount(service.operatorSids) >= request.maxOperatorsPerService) return 'limit-reached';
      if (request.isCustomOperator) {
        this.sql('INSERT INTO custom_operator_attachments (service_sid, operator_sid) VALUES (?, ?)').run(serviceSid, operatorSid);
      }
      this.writeServiceOperators(service.rowid, withOperator(service.operatorSids, operatorSid), request.nowMs);
      return 'attached';
    });
  }

  /** The account's service's row and attachments (undefined: no such service), read for a write. */
  private serviceOperators(accountSid: string, serviceSid: string): { rowid: number; operatorSids: string } | undefined {
    const row = this.sql('SELECT rowid, operator_sids FROM services WHERE sid = ? AND account_sid = ?')
      .raw()
      .get(serviceSid, accountSid) as [number, string] | undefined;
    return row === undefined ? undefined : { rowid: row[0], operatorSids: row[1] };
  }

  /** An attach or detach is one more version of its service. */
  private writeServiceOperators(serviceRow: number, operatorSids: string, nowMs: number): void {
    this.sql('UPDATE services SET operator_sids = ?, version = version + 1, date_updated = ? WHERE rowid = ?').run(
      operatorSids,
      nowMs,
      serviceRow,
    );
  }

  async detachOperator(accountSid: string, serviceSid: string, operatorSid: string, nowMs: number): Promise<DetachOutcome> {
    return this.writes.run((): DetachOutcome => {
      const service = this.serviceOperators(accountSid, serviceSid);
      if (service === undefined) return 'service-not-found';
      const at = operatorIndex(service.operatorSids, operatorSid);
      if (at === -1) return 'not-attached';
      // Only a custom operator has a row here; for a pre-built one this finds nothing in a small index.
      this.sql('DELETE FROM custom_operator_attachments WHERE service_sid = ? AND operator_sid = ?').run(serviceSid, operatorSid);
      this.writeServiceOperators(service.rowid, withoutOperatorAt(service.operatorSids, at, operatorSid), nowMs);
      return 'detached';
    });
  }

  async insertCustomOperator(operator: CustomOperatorRecord): Promise<void> {
    this.checkpointer?.committed();
    this.writeCustomOperatorRow(operator);
  }

  async findCustomOperator(accountSid: string, sid: string): Promise<CustomOperatorRecord | null> {
    const row = this.sql('SELECT * FROM custom_operators WHERE sid = ? AND account_sid = ?').get(sid, accountSid) as
      | CustomOperatorRow
      | undefined;
    return row ? customOperatorFromRow(row) : null;
  }

  async listCustomOperators(
    accountSid: string,
    filter: CustomOperatorFilter,
    query: KeysetQuery,
  ): Promise<CustomOperatorRecord[]> {
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
    return this.keysetRows('custom_operators', CUSTOM_OPERATOR_COLUMNS, where, params, query).map(customOperatorFromValues);
  }

  async updateCustomOperator(
    accountSid: string,
    sid: string,
    change: { friendlyName: string; configJson: string },
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<CustomOperatorRecord>> {
    return this.writes.run((): UpdateOutcome<CustomOperatorRecord> => {
      const current = this.sql('SELECT version FROM custom_operators WHERE sid = ? AND account_sid = ?').get(
        sid,
        accountSid,
      ) as { version: number } | undefined;
      if (current === undefined) return { status: 'not-found' };
      if (current.version !== expectedVersion) return { status: 'version-mismatch', currentVersion: current.version };
      const row = this.sql(
        `UPDATE custom_operators SET friendly_name = ?, config = ?, version = version + 1, date_updated = ?
         WHERE sid = ? RETURNING *`,
      ).get(change.friendlyName, change.configJson, nowMs, sid) as CustomOperatorRow;
      return { status: 'updated', record: customOperatorFromRow(row) };
    });
  }

  async deleteCustomOperator(accountSid: string, sid: string): Promise<DeleteOperatorOutcome> {
    return this.writes.run((): DeleteOperatorOutcome => {
      if (this.sql('SELECT 1 FROM custom_operators WHERE sid = ? AND account_sid = ?').get(sid, accountSid) === undefined) {
        return { status: 'not-found' };
      }
      const serviceSids = this.sql('SELECT service_sid FROM custom_operator_attachments WHERE operator_sid = ? ORDER BY id')
        .pluck()
        .all(sid) as string[];
      if (serviceSids.length > 0) return { status: 'attached', serviceSids };
      this.sql('DELETE FROM custom_operators WHERE sid = ?').run(sid);
      return { status: 'deleted' };
    });
  }

  async schemaVersion(): Promise<{ applied: number; expected: number }> {
    return { applied: this.db.pragma('user_version', { simple: true }) as number, expected: sqliteMigrations.length };
  }

  async exportAccount(accountSid: string): Promise<AccountData | null> {
    // A deferred transaction: one consistent read of the three tables.
    return this.db.transaction((): AccountData | null => {
      if (this.sql('SELECT 1 FROM accounts WHERE sid = ?').get(accountSid) === undefined) return null;
      const services = this.sql('SELECT * FROM services WHERE account_sid = ? ORDER BY date_created, sid').all(
        accountSid,
      ) as ServiceRowWithOperators[];
      const operators = this.sql('SELECT * FROM custom_operators WHERE account_sid = ? ORDER BY date_created, sid').all(
        accountSid,
      ) as CustomOperatorRow[];
      return {
        services: services.map(serviceFromRow),
        customOperators: operators.map(customOperatorFromRow),
        attachments: services.flatMap((row) =>
          operatorSidsIn(row.operator_sids).map((operatorSid) => ({ serviceSid: row.sid, operatorSid })),
        ),
      };
    })();
  }

  async importAccount(accountSid: string, data: AccountData): Promise<ImportOutcome> {
    return this.writes.run((): ImportOutcome => {
      if (this.sql('SELECT 1 FROM accounts WHERE sid = ?').get(accountSid) === undefined) return { status: 'account-not-found' };
      const existing = (table: string, column: string, values: string[], scope = '') =>
        this.sql(`SELECT ${column} FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?))${scope} ORDER BY ${column}`)
          .pluck()
          .all(JSON.stringify(values), ...(scope ? [accountSid] : [])) as string[];
      const serviceSids = existing('services', 'sid', data.services.map((service) => service.sid));
      const customOperatorSids = existing('custom_operators', 'sid', data.customOperators.map((operator) => operator.sid));
      const uniqueNames = existing(
        'services',
        'unique_name',
        data.services.map((service) => service.uniqueName),
        ' AND account_sid = ?',
      );
      if (serviceSids.length + customOperatorSids.length + uniqueNames.length > 0) {
        return { status: 'conflict', serviceSids, customOperatorSids, uniqueNames };
      }
      for (const service of data.services) this.writeServiceRow({ ...service, accountSid });
      for (const operator of data.customOperators) this.writeCustomOperatorRow({ ...operator, accountSid });
      const operatorsByService = new Map<string, string>();
      for (const { serviceSid, operatorSid } of data.attachments) {
        operatorsByService.set(serviceSid, withOperator(operatorsByService.get(serviceSid) ?? '', operatorSid));
      }
      const setOperators = this.sql('UPDATE services SET operator_sids = ? WHERE sid = ? AND account_sid = ?');
      const imported = new Set(data.services.map((service) => service.sid));
      for (const [serviceSid, operatorSids] of operatorsByService) {
        // As a foreign key would: an attachment names a service of this import (the rules check it first).
        if (!imported.has(serviceSid)) throw new Error(`an attachment names ${serviceSid}, which is not among the imported services`);
        setOperators.run(operatorSids, serviceSid, accountSid);
      }
      const attachCustom = this.sql(
        `INSERT INTO custom_operator_attachments (service_sid, operator_sid)
         SELECT ?, ? WHERE EXISTS (SELECT 1 FROM custom_operators WHERE sid = ?)`,
      );
      for (const { serviceSid, operatorSid } of data.attachments) attachCustom.run(serviceSid, operatorSid, operatorSid);
      return { status: 'imported' };
    });
  }

  async resetAccount(accountSid: string): Promise<ResetCounts | null> {
    return this.writes.run((): ResetCounts | null => {
      if (this.sql('SELECT 1 FROM accounts WHERE sid = ?').get(accountSid) === undefined) return null;
      // Deleting the services deletes their custom operators' attachment rows too (ON DELETE CASCADE).
      const attachments = this.sql(
        `SELECT coalesce(sum(length(operator_sids) - length(replace(operator_sids, ',', '')) + 1), 0)
         FROM services WHERE account_sid = ? AND operator_sids != ''`,
      )
        .pluck()
        .get(accountSid) as number;
      const services = this.sql('DELETE FROM services WHERE account_sid = ?').run(accountSid).changes;
      const customOperators = this.sql('DELETE FROM custom_operators WHERE account_sid = ?').run(accountSid).changes;
      return { services, customOperators, attachments };
    });
  }

  private writeServiceRow(service: ServiceRecord): void {
    this.sql(`INSERT INTO services (${SERVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      serviceValues(service, flag),
    );
  }

  private writeCustomOperatorRow(operator: CustomOperatorRecord): void {
    this.sql(`INSERT INTO custom_operators (${CUSTOM_OPERATOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      customOperatorValues(operator),
    );
  }
}
