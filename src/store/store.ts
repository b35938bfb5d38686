// The storage interface: one small set of operations that every backend (SQLite, PostgreSQL)
// implements with the same behaviour. Rules that must hold under concurrency (unique names,
// idempotent attach, the per-service limit, version counting, If-Match) are enforced here,
// inside the database, so they hold across processes too.
/** A position in a list: rows are ordered by creation time, ties by SID. */
export interface Cursor {
  createdMs: number;
  sid: string;
}

/** Rows strictly after or before a cursor, oldest first, at most `limit` of them. */
export interface KeysetQuery {
  limit: number;
  after?: Cursor;
  before?: Cursor;
}

export interface CredentialRecord {
  /** AC… (an account's own token) or SK… (an API key). */
  sid: string;
  accountSid: string;
  secretHash: string;
  /** For an account's own token: whether its encrypted copy is stored (accounts made before it was are given one at their next authentication). */
  hasTokenCiphertext?: boolean;
}

export interface AccountRecord {
  sid: string;
  friendlyName: string | null;
  authTokenHash: string;
  /** The auth token encrypted under the server key (src/resources/accounts/token-cipher.ts); null for accounts made before it was kept. */
  authTokenCiphertext?: string | null;
  dateCreatedMs: number;
}

export interface ApiKeyRecord {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  secretHash: string;
  dateCreatedMs: number;
}

export type WebhookHttpMethod = 'GET' | 'POST' | 'NULL';

export interface ServiceSettings {
  uniqueName: string;
  friendlyName: string | null;
  languageCode: string;
  autoRedaction: boolean;
  mediaRedaction: boolean;
  autoTranscribe: boolean;
  dataLogging: boolean;
  webhookUrl: string | null;
  webhookHttpMethod: WebhookHttpMethod | null;
  encryptionCredentialSid: string | null;
}

export interface ServiceRecord extends ServiceSettings {
  sid: string;
  accountSid: string;
  version: number;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

export interface CustomOperatorRecord {
  sid: string;
  accountSid: string;
  friendlyName: string;
  description: string | null;
  operatorType: string;
  /** The operator's configuration as JSON text, exactly as validated. */
  configJson: string;
  availability: string;
  version: number;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

export type UpdateOutcome<T> =
  | { status: 'updated'; record: T }
  | { status: 'not-found' }
  | { status: 'version-mismatch'; currentVersion: number }
  | { status: 'unique-name-taken' };

export type AttachOutcome =
  | 'attached'
  | 'already-attached'
  | 'service-not-found'
  | 'operator-not-found'
  | 'limit-reached';

export type DetachOutcome = 'detached' | 'service-not-found' | 'not-attached';

export type DeleteOperatorOutcome =
  | { status: 'deleted' }
  | { status: 'not-found' }
  | { status: 'attached'; serviceSids: string[] };

export interface AttachRequest {
  accountSid: string;
  serviceSid: string;
  operatorSid: string;
  /** Custom operators must still exist (and be the account's) when the attachment is written. */
  isCustomOperator: boolean;
  maxOperatorsPerService: number;
  nowMs: number;
}

export interface CustomOperatorFilter {
  availability?: string;
  /** Only operators of these types; undefined means any type. */
  operatorTypes?: string[];
}

/** What the attach path reads in one go: the service's language and whether the operator is attached to it. */
export interface AttachmentProbe {
  languageCode: string;
  attached: boolean;
}

/** Accounts, their API keys, and the credentials requests authenticate with. */
export interface AccountOperations {
  findCredential(sid: string): Promise<CredentialRecord | null>;
  countAccounts(): Promise<number>;
  insertAccount(account: AccountRecord): Promise<void>;
  /**
   * The bootstrap account, safe when several processes start at once: inserted only when no
   * account exists yet (`onlyIntoEmpty`), or else only when its SID is absent. Answers whether it was.
   */
  insertBootstrapAccount(account: AccountRecord, onlyIntoEmpty: boolean): Promise<boolean>;
  insertApiKey(key: ApiKeyRecord): Promise<'inserted' | 'account-not-found'>;
  deleteApiKey(sid: string): Promise<boolean>;
  /** Replaces an account's auth token (its digest and its encrypted copy, null when none); answers whether the account exists. */
  setAuthTokenHash(accountSid: string, authTokenHash: string, authTokenCiphertext?: string | null): Promise<boolean>;
  /** The account's encrypted auth token; null when the account or the copy does not exist. */
  findAuthTokenCiphertext(accountSid: string): Promise<string | null>;
  /** Stores the encrypted copy of the account's token only while its digest is still `authTokenHash` (a token changed meanwhile keeps its own); answers whether it did. */
  storeAuthTokenCiphertext(accountSid: string, authTokenHash: string, authTokenCiphertext: string): Promise<boolean>;
}

export interface ServiceOperations {
  insertService(service: ServiceRecord): Promise<'inserted' | 'unique-name-taken'>;
  // Per-account quotas (src/resources/accounts/quotas.ts): the count and the insert are one
  // transaction, and creates in one account are serialised, so racing creates never over-shoot.
  /** insertService, refused when the account holds `maxServices` services already. */
  insertServiceWithinQuota(service: ServiceRecord, maxServices: number): Promise<'inserted' | 'unique-name-taken' | 'quota-exceeded'>;
  findServiceBySid(accountSid: string, sid: string): Promise<ServiceRecord | null>;
  findServiceByUniqueName(accountSid: string, uniqueName: string): Promise<ServiceRecord | null>;
  listServices(accountSid: string, query: KeysetQuery): Promise<ServiceRecord[]>;
  /** Writes `settings` when the stored version is still `expectedVersion`, bumping it by one. */
  updateService(
    accountSid: string,
    sid: string,
    settings: ServiceSettings,
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<ServiceRecord>>;
  deleteService(accountSid: string, sid: string): Promise<boolean>;
}

export interface AttachmentOperations {
  /** Attached operator SIDs per service, each list in the order of attachment. */
  attachedOperatorSids(serviceSids: string[]): Promise<Map<string, string[]>>;
  /**
   * One read for the attach path: the service's language (null when the account has no such
   * service) and whether the operator is attached to it already.
   */
  probeAttachment(
    accountSid: string,
    serviceSid: string,
    operatorSid: string,
  ): Promise<AttachmentProbe | null>;
  attachOperator(request: AttachRequest): Promise<AttachOutcome>;
  detachOperator(accountSid: string, serviceSid: string, operatorSid: string, nowMs: number): Promise<DetachOutcome>;
}

export interface OperatorOperations {
  insertCustomOperator(operator: CustomOperatorRecord): Promise<void>;
  /** insertCustomOperator (quotas: src/resources/accounts/quotas.ts), refused when the account holds `maxCustomOperators` custom operators already. */
  insertCustomOperatorWithinQuota(operator: CustomOperatorRecord, maxCustomOperators: number): Promise<'inserted' | 'quota-exceeded'>;
  findCustomOperator(accountSid: string, sid: string): Promise<CustomOperatorRecord | null>;
  listCustomOperators(accountSid: string, filter: CustomOperatorFilter, query: KeysetQuery): Promise<CustomOperatorRecord[]>;
  updateCustomOperator(
    accountSid: string,
    sid: string,
    change: { friendlyName: string; configJson: string },
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<CustomOperatorRecord>>;
  deleteCustomOperator(accountSid: string, sid: string): Promise<DeleteOperatorOutcome>;
}

/** Operations (src/ops): snapshots and reset of one account's data. */
export interface SnapshotOperations {
  /** All that one account owns, read in one consistent transaction; null when there is no such account. */
  exportAccount(accountSid: string): Promise<AccountData | null>;
  /**
   * Writes `data` into the account in one transaction, or nothing: refused when the account does
   * not exist, or when a service or custom-operator SID exists already (in any account), or a
   * service's unique name is already used in this account. Rows keep their SIDs, versions and dates.
   */
  /** Refused, writing nothing, when it would take the account past `quotas` (as the API's creates are). */
  importAccount(accountSid: string, data: AccountData, quotas: ImportQuotas): Promise<ImportOutcome>;
  /** Deletes the account's services, custom operators and attachments (not the account nor its keys). */
  resetAccount(accountSid: string): Promise<ResetCounts | null>;
}

export type JobState = 'queued' | 'running' | 'done' | 'dead';

/** A durable job (src/jobs): work to do in the background, at least once, by a handler registered under `name`. */
export interface JobRecord {
  id: number;
  name: string;
  /** The handler's input as JSON text. */
  payloadJson: string;
  state: JobState;
  /** Claims so far, a lease that expired included. */
  attempts: number;
  maxAttempts: number;
  /** Not claimed before this time (a retry's backoff). */
  runAtMs: number;
  leaseOwner: string | null;
  /** A running job whose lease has expired (its process died) is claimable again. */
  leaseExpiresMs: number | null;
  lastError: string | null;
  createdMs: number;
  updatedMs: number;
}

export interface NewJob {
  name: string;
  payloadJson: string;
  maxAttempts: number;
  runAtMs: number;
  nowMs: number;
}

export interface ClaimRequest {
  /** Only jobs with these names (the handlers this process has). */
  names: string[];
  owner: string;
  limit: number;
  nowMs: number;
  leaseMs: number;
}

/** The job queue's rows. Every change to a claimed job names its lease owner: one that lost its lease changes nothing. */
export interface JobOperations {
  /** Inserts a queued job; answers its id. Inside a unit of work it exists only if that commits. */
  enqueueJob(job: NewJob): Promise<number>;
  /**
   * Claims up to `limit` jobs, oldest due first, each once among all processes: queued ones that
   * are due, and running ones whose lease expired (each claim counts as an attempt). An expired
   * job that had no attempt left is marked dead instead.
   */
  claimJobs(request: ClaimRequest): Promise<JobRecord[]>;
  /** Extends a running job's lease; false when `owner` no longer holds it. */
  extendJobLease(id: number, owner: string, leaseExpiresMs: number, nowMs: number): Promise<boolean>;
  completeJob(id: number, owner: string, nowMs: number): Promise<boolean>;
  /** A failed attempt: queued again at `retryAtMs`, or dead when that is null; the error is kept (without NULs, which PostgreSQL text cannot hold). */
  failJob(id: number, owner: string, error: string, retryAtMs: number | null, nowMs: number): Promise<boolean>;
  findJob(id: number): Promise<JobRecord | null>;
}

/** Every operation on the data, one module per resource and backend (src/store/<resource>/). */
export type StoreOperations = AccountOperations &
  ServiceOperations &
  AttachmentOperations &
  OperatorOperations &
  SnapshotOperations &
  JobOperations;

export interface Store extends StoreOperations {
  readonly kind: 'sqlite' | 'postgres';
  /** Answers when the database does; throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * A number that changes whenever another connection (another process) commits to the database,
   * read synchronously; null when the store cannot tell cheaply. Lets this process cache reads.
   */
  externalChangeCounter(): number | null;
  /** How many schema migrations this database has applied, and how many this build knows. */
  schemaVersion(): Promise<{ applied: number; expected: number }>;
  /**
   * A unit of work: every operation `work` makes through `tx` commits together or not at all
   * (a throw rolls all back). `work` must wait only on `tx`'s operations, never on other I/O:
   * SQLite refuses one that does, since its one connection is every request's. PostgreSQL may
   * run `work` again after a deadlock, so it must not have effects outside `tx`.
   */
  transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` soon after a job may have been enqueued (PostgreSQL: LISTEN/NOTIFY, from any
   * process; SQLite: this process's enqueues only, others are found by polling). Answers a stop.
   */
  watchJobs(listener: () => void): Promise<() => Promise<void>>;
}

export interface AttachmentRecord {
  serviceSid: string;
  operatorSid: string;
}

export interface AccountData {
  /** Oldest first (date created, then SID); on import, every row goes to the named account. */
  services: ServiceRecord[];
  customOperators: CustomOperatorRecord[];
  /**
   * By service, in the order of `services`; within a service, in attachment order (the order of its
   * `read_only_attached_operator_sids`).
   */
  attachments: AttachmentRecord[];
}

/** The per-account quotas (src/resources/accounts/quotas.ts) an import must respect. */
export interface ImportQuotas {
  services: number;
  customOperators: number;
}

export type ImportOutcome =
  | { status: 'imported' }
  | { status: 'quota-exceeded'; resource: keyof ImportQuotas; limit: number }
  | { status: 'account-not-found' }
  | { status: 'conflict'; serviceSids: string[]; customOperatorSids: string[]; uniqueNames: string[] };

export interface ResetCounts {
  services: number;
  customOperators: number;
  attachments: number;
}
