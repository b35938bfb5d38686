// The storage interface: one small set of operations that every backend (SQLite, PostgreSQL)
// implements with the same behaviour. Rules that must hold under concurrency (unique names,
// idempotent attach, the per-service limit, version counting, If-Match) are enforced here,
// inside the database, so they hold across processes too.
import type { AccountSid, OperatorSid, ServiceSid, TranscriptSid } from '../sids.js';

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
  accountSid: AccountSid;
  secretHash: string;
  /** For an account's own token: whether its encrypted copy is stored (accounts made before it was are given one at their next authentication). */
  hasTokenCiphertext?: boolean;
}

export interface AccountRecord {
  sid: AccountSid;
  friendlyName: string | null;
  authTokenHash: string;
  /** The auth token encrypted under the server key (src/resources/accounts/token-cipher.ts); null for accounts made before it was kept. */
  authTokenCiphertext?: string | null;
  dateCreatedMs: number;
}

export interface ApiKeyRecord {
  sid: string;
  accountSid: AccountSid;
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
  sid: ServiceSid;
  accountSid: AccountSid;
  version: number;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

export interface CustomOperatorRecord {
  sid: OperatorSid;
  accountSid: AccountSid;
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

export type AttachOutcome = 'attached' | 'already-attached' | 'service-not-found' | 'operator-not-found' | 'limit-reached';

export type DetachOutcome = 'detached' | 'service-not-found' | 'not-attached';

export type DeleteOperatorOutcome = { status: 'deleted' } | { status: 'not-found' } | { status: 'attached'; serviceSids: string[] };

export interface AttachRequest {
  accountSid: AccountSid;
  serviceSid: ServiceSid;
  operatorSid: OperatorSid;
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

/** A service as a page of services shows it: its record and its attached operator SIDs, in the order of attachment. */
export interface ListedService {
  record: ServiceRecord;
  attachedOperatorSids: readonly OperatorSid[];
}

/** One empty list for every listed service without operators. */
export const NO_OPERATORS: readonly OperatorSid[] = Object.freeze([]);

export interface ServiceOperations {
  insertService(service: ServiceRecord): Promise<'inserted' | 'unique-name-taken'>;
  // Per-account quotas (src/resources/accounts/quotas.ts): the count and the insert are one
  // transaction, and creates in one account are serialised, so racing creates never over-shoot.
  /** insertService, refused when the account holds `maxServices` services already. */
  insertServiceWithinQuota(service: ServiceRecord, maxServices: number): Promise<'inserted' | 'unique-name-taken' | 'quota-exceeded'>;
  findServiceBySid(accountSid: AccountSid, sid: ServiceSid): Promise<ServiceRecord | null>;
  findServiceByUniqueName(accountSid: AccountSid, uniqueName: string): Promise<ServiceRecord | null>;
  /** A page of services, each with its attached operators as one read saw them. */
  listServices(accountSid: AccountSid, query: KeysetQuery): Promise<ListedService[]>;
  /** Writes `settings` when the stored version is still `expectedVersion`, bumping it by one. */
  updateService(
    accountSid: AccountSid,
    sid: ServiceSid,
    settings: ServiceSettings,
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<ServiceRecord>>;
  deleteService(accountSid: AccountSid, sid: ServiceSid): Promise<boolean>;
}

export interface AttachmentOperations {
  /** Attached operator SIDs per service, each list in the order of attachment. */
  attachedOperatorSids(serviceSids: ServiceSid[]): Promise<Map<ServiceSid, OperatorSid[]>>;
  /**
   * One read for the attach path: the service's language (null when the account has no such
   * service) and whether the operator is attached to it already.
   */
  probeAttachment(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid): Promise<AttachmentProbe | null>;
  attachOperator(request: AttachRequest): Promise<AttachOutcome>;
  detachOperator(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid, nowMs: number): Promise<DetachOutcome>;
}

export interface OperatorOperations {
  insertCustomOperator(operator: CustomOperatorRecord): Promise<void>;
  /** insertCustomOperator (quotas: src/resources/accounts/quotas.ts), refused when the account holds `maxCustomOperators` custom operators already. */
  insertCustomOperatorWithinQuota(operator: CustomOperatorRecord, maxCustomOperators: number): Promise<'inserted' | 'quota-exceeded'>;
  findCustomOperator(accountSid: AccountSid, sid: OperatorSid): Promise<CustomOperatorRecord | null>;
  listCustomOperators(accountSid: AccountSid, filter: CustomOperatorFilter, query: KeysetQuery): Promise<CustomOperatorRecord[]>;
  updateCustomOperator(
    accountSid: AccountSid,
    sid: OperatorSid,
    change: { friendlyName: string; configJson: string },
    expectedVersion: number,
    nowMs: number,
  ): Promise<UpdateOutcome<CustomOperatorRecord>>;
  deleteCustomOperator(accountSid: AccountSid, sid: OperatorSid): Promise<DeleteOperatorOutcome>;
}

/** Operations (src/ops): snapshots and reset of one account's data. */
export interface SnapshotOperations {
  /** All that one account owns, read in one consistent transaction; null when there is no such account. */
  exportAccount(accountSid: AccountSid): Promise<AccountData | null>;
  /**
   * Writes `data` into the account in one transaction, or nothing: refused when the account does
   * not exist, or when a service or custom-operator SID exists already (in any account), or a
   * service's unique name is already used in this account. Rows keep their SIDs, versions and dates.
   */
  /** Refused, writing nothing, when it would take the account past `quotas` (as the API's creates are). */
  importAccount(accountSid: AccountSid, data: AccountData, quotas: ImportQuotas): Promise<ImportOutcome>;
  /** Deletes the account's services, custom operators and attachments (not the account nor its keys). */
  resetAccount(accountSid: AccountSid): Promise<ResetCounts | null>;
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
  /** Whether claimJobs would find a job of these names at `nowMs`; claims nothing. */
  hasDueJobs(names: string[], nowMs: number): Promise<boolean>;
  /** Extends a running job's lease; false when `owner` no longer holds it. */
  extendJobLease(id: number, owner: string, leaseExpiresMs: number, nowMs: number): Promise<boolean>;
  completeJob(id: number, owner: string, nowMs: number): Promise<boolean>;
  /** A failed attempt: queued again at `retryAtMs`, or dead when that is null; the error is kept (without NULs, which PostgreSQL text cannot hold). */
  failJob(id: number, owner: string, error: string, retryAtMs: number | null, nowMs: number): Promise<boolean>;
  findJob(id: number): Promise<JobRecord | null>;
  /**
   * enqueueJob, unless a queued job of the same name exists already (then null): however many
   * processes ask at once, one job is queued. For recurring work that each start-up schedules.
   */
  enqueueJobUnlessQueued(job: NewJob): Promise<number | null>;
}

export type AlertLogLevel = 'error' | 'warning' | 'notice' | 'debug';

/** An Alert as lists show it (the Monitor API's list items leave out the request and response details). */
export interface AlertSummary {
  /** NO… */
  sid: string;
  accountSid: string;
  /** The Intelligence Service (GA…) the alert concerns, if any. */
  serviceSid: string | null;
  /** The resource it concerns (a transcript, GT…), if any. */
  resourceSid: string | null;
  /** Twilio's error code (95xxx for Intelligence). */
  errorCode: number;
  logLevel: AlertLogLevel;
  alertText: string;
  apiVersion: string | null;
  requestMethod: 'GET' | 'POST' | null;
  requestUrl: string | null;
  /** When the condition happened. */
  dateGeneratedMs: number;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

/** An Alert with what only a fetch of one shows. */
export interface AlertRecord extends AlertSummary {
  requestVariables: string | null;
  requestHeaders: string | null;
  responseBody: string | null;
  responseHeaders: string | null;
}

/** Which alerts a list shows: all of them when a field is undefined. */
export interface AlertFilter {
  logLevel?: AlertLogLevel;
  /** Generated at or after this instant. */
  generatedFromMs?: number;
  /** Generated strictly before this instant. */
  generatedBeforeMs?: number;
}

/** Alerts (src/resources/alerts): written by the server's background work, read by the Monitor API. */
export interface AlertOperations {
  insertAlert(alert: AlertRecord): Promise<void>;
  findAlert(accountSid: string, sid: string): Promise<AlertRecord | null>;
  /**
   * A page of the account's alerts, NEWEST first (by date generated, ties by SID descending): for
   * alerts `after` a cursor means older than it, `before` newer; answered in list order either way.
   */
  listAlerts(accountSid: string, filter: AlertFilter, query: KeysetQuery): Promise<AlertSummary[]>;
  /** Deletes up to `limit` alerts (of any account) generated before `cutoffMs`; answers how many. */
  deleteAlertsGeneratedBefore(cutoffMs: number, limit: number): Promise<number>;
}

export type TranscriptStatus = 'queued' | 'in-progress' | 'completed' | 'failed';

/** A transcript (TRANSCRIPTS.md §1–2). Settings copied from its service when it was created stay as they were. */
export interface TranscriptRecord {
  sid: TranscriptSid;
  accountSid: AccountSid;
  serviceSid: ServiceSid;
  status: TranscriptStatus;
  /** The `channel` object exactly as the API serves it (every participant key present), as JSON text. */
  channelJson: string;
  /** From the channel's media_properties (also inside channelJson): what the job fetches. */
  mediaUrl: string | null;
  /** RE…: unique per account (one transcript per recording). */
  sourceSid: string | null;
  languageCode: string;
  dataLogging: boolean;
  /** The service's auto_redaction when the transcript was created. */
  redaction: boolean;
  /** The service's media_redaction when the transcript was created. */
  mediaRedaction: boolean;
  customerKey: string | null;
  mediaStartTimeMs: number | null;
  /** Whole seconds of media; 0 until known. */
  durationSeconds: number;
  /** The operators attached to the service when the transcript was created, in attachment order: the ones that run. */
  operatorSids: OperatorSid[];
  /** Why the transcript failed: a Twilio code (95xxx) and a message a person can act on; null otherwise. */
  errorCode: number | null;
  errorMessage: string | null;
  /** The stored media, relative to MEDIA_DIR, and its type; null until fetched. */
  mediaPath: string | null;
  mediaContentType: string | null;
  /** The media with silence over PII (media_redaction), relative to MEDIA_DIR. */
  redactedMediaPath: string | null;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

/** GET /v2/Transcripts filters; every one optional, all that are given must hold. */
export interface TranscriptFilter {
  serviceSid?: string;
  status?: TranscriptStatus;
  languageCode?: string;
  sourceSid?: string;
  /** date_created strictly after / before (milliseconds). */
  createdAfterMs?: number;
  createdBeforeMs?: number;
  /** media_start_time strictly after / before; transcripts without one never match these. */
  startAfterMs?: number;
  startBeforeMs?: number;
}

export interface StoredWord {
  word: string;
  startTime: number | null;
  endTime: number | null;
}

/** A sentence as stored: the original, and its redacted form when the transcript has redaction. */
export interface StoredSentence {
  /** GX… */
  sid: string;
  transcriptSid: string;
  /** 0-based, by start time across channels. */
  sentenceIndex: number;
  mediaChannel: number;
  startTime: number | null;
  endTime: number | null;
  confidence: number | null;
  transcript: string;
  /** Null when the words are the text's, split at whitespace, without times (a document that gives text alone). */
  words: StoredWord[] | null;
  /** Null when the transcript has no redaction (the original is served either way). */
  redactedTranscript: string | null;
  redactedWords: StoredWord[] | null;
}

/**
 * A sentence as read back: its words as the JSON array the Sentences API serves (`word`,
 * `start_time`, `end_time`, times in seconds rounded to the millisecond), spliced into pages as is.
 */
export interface SentenceRecord extends Omit<StoredSentence, 'words' | 'redactedWords'> {
  wordsJson: string;
  redactedWordsJson: string | null;
  /** False when neither words JSON holds a time (words written from the text): nothing to null. */
  wordTimes: boolean;
}

/** One operator's result on one transcript (TRANSCRIPTS.md §6); at most one per (transcript, operator). */
export interface StoredOperatorResult {
  transcriptSid: string;
  operatorSid: string;
  /** The operator's friendly_name when it ran. */
  name: string;
  /** The operator's place among the transcript's operatorSids: the order results are listed in. */
  position: number;
  /** The result's computed fields (operators/types.ts OperatorResultBody) as JSON text, on the original text. */
  resultJson: string;
  /** The same served with Redacted=true when the transcript has redaction; null when it has none. */
  redactedResultJson: string | null;
  dateCreatedMs: number;
}

/** Rows after or before a sentence index, in index order, at most `limit`. */
export interface SentenceQuery {
  limit: number;
  afterIndex?: number;
  beforeIndex?: number;
}

/** What the transcript job writes when it has the media. */
export interface TranscriptMedia {
  mediaPath: string;
  mediaContentType: string;
  redactedMediaPath: string | null;
  durationSeconds: number;
}

/**
 * Transcripts, their sentences and operator results. The job's writes name a transcript by SID only
 * and change nothing (answer false) once it is deleted or finished, so a job that outlives its
 * transcript writes nothing afterwards.
 */
export interface TranscriptOperations {
  /** 'source-sid-taken' when another transcript of the account has the same source_sid. */
  insertTranscript(transcript: TranscriptRecord): Promise<'inserted' | 'source-sid-taken'>;
  findTranscript(accountSid: string, sid: string): Promise<TranscriptRecord | null>;
  /** The job's read: the transcript whatever its account; null when deleted. */
  findTranscriptForJob(sid: string): Promise<TranscriptRecord | null>;
  listTranscripts(accountSid: string, filter: TranscriptFilter, query: KeysetQuery): Promise<TranscriptRecord[]>;
  /** Deletes the transcript with its sentences and results; answers its media paths (to remove), or null when there was none. */
  deleteTranscript(accountSid: string, sid: string): Promise<{ mediaPaths: string[] } | null>;
  /** queued (or in-progress, a retried job) → in-progress; false when deleted or finished. */
  startTranscript(sid: string, nowMs: number): Promise<boolean>;
  /** Records the fetched media and the duration; false when deleted or finished. */
  setTranscriptMedia(sid: string, media: TranscriptMedia, nowMs: number): Promise<boolean>;
  /** Replaces the transcript's sentences with these (a retried job leaves one set); false when deleted or finished. */
  replaceSentences(sid: string, sentences: StoredSentence[], nowMs: number): Promise<boolean>;
  /** Replaces the transcript's operator results with these; false when deleted or finished. */
  replaceOperatorResults(sid: string, results: StoredOperatorResult[], nowMs: number): Promise<boolean>;
  /** in-progress → completed; false when deleted or not in progress. */
  completeTranscript(sid: string, nowMs: number): Promise<boolean>;
  /** queued or in-progress → failed with the code and message; false when deleted or finished. */
  failTranscript(sid: string, errorCode: number, errorMessage: string, nowMs: number): Promise<boolean>;
  /** A page of a transcript's sentences in index order (the caller has checked the transcript's account). */
  listSentences(transcriptSid: string, query: SentenceQuery): Promise<SentenceRecord[]>;
  /** A transcript's results in operator order (the caller has checked the transcript's account). */
  listOperatorResults(transcriptSid: string): Promise<StoredOperatorResult[]>;
  findOperatorResult(transcriptSid: string, operatorSid: string): Promise<StoredOperatorResult | null>;
}

/** Every operation on the data, one module per resource and backend (src/store/<resource>/). */
export type StoreOperations = AccountOperations &
  ServiceOperations &
  AttachmentOperations &
  OperatorOperations &
  SnapshotOperations &
  JobOperations &
  AlertOperations &
  TranscriptOperations;

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
  serviceSid: ServiceSid;
  operatorSid: OperatorSid;
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
