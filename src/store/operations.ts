// The operations of a store, assembled from one module per resource (src/store/<resource>/): each
// backend's class hands this base the resources' operations, and every call is passed on as it is.
// Prototype methods (not own properties) so that wrappers and subclasses see ordinary methods.
import type { AccountSid, OperatorSid, ServiceSid } from '../sids.js';
import type {
  AccountData,
  AlertFilter,
  AlertRecord,
  AccountRecord,
  ApiKeyRecord,
  AttachRequest,
  ClaimRequest,
  CustomOperatorFilter,
  CustomOperatorRecord,
  ImportQuotas,
  KeysetQuery,
  NewJob,
  ServiceRecord,
  ServiceSettings,
  SentenceQuery,
  StoredOperatorResult,
  StoredSentence,
  StoreOperations,
  TranscriptFilter,
  TranscriptMedia,
  TranscriptRecord,
} from './store.js';

export abstract class ComposedStore implements StoreOperations {
  /** The resources' operations on this store's connection (or pool). */
  protected abstract readonly operations: StoreOperations;

  findCredential(sid: string) {
    return this.operations.findCredential(sid);
  }
  countAccounts() {
    return this.operations.countAccounts();
  }
  insertAccount(account: AccountRecord) {
    return this.operations.insertAccount(account);
  }
  insertBootstrapAccount(account: AccountRecord, onlyIntoEmpty: boolean) {
    return this.operations.insertBootstrapAccount(account, onlyIntoEmpty);
  }
  insertApiKey(key: ApiKeyRecord) {
    return this.operations.insertApiKey(key);
  }
  deleteApiKey(sid: string) {
    return this.operations.deleteApiKey(sid);
  }
  setAuthTokenHash(accountSid: string, authTokenHash: string, authTokenCiphertext?: string | null) {
    return this.operations.setAuthTokenHash(accountSid, authTokenHash, authTokenCiphertext);
  }
  findAuthTokenCiphertext(accountSid: string) {
    return this.operations.findAuthTokenCiphertext(accountSid);
  }
  storeAuthTokenCiphertext(accountSid: string, authTokenHash: string, authTokenCiphertext: string) {
    return this.operations.storeAuthTokenCiphertext(accountSid, authTokenHash, authTokenCiphertext);
  }

  insertService(service: ServiceRecord) {
    return this.operations.insertService(service);
  }
  insertServiceWithinQuota(service: ServiceRecord, maxServices: number) {
    return this.operations.insertServiceWithinQuota(service, maxServices);
  }
  findServiceBySid(accountSid: AccountSid, sid: ServiceSid) {
    return this.operations.findServiceBySid(accountSid, sid);
  }
  findServiceByUniqueName(accountSid: AccountSid, uniqueName: string) {
    return this.operations.findServiceByUniqueName(accountSid, uniqueName);
  }
  listServices(accountSid: AccountSid, query: KeysetQuery) {
    return this.operations.listServices(accountSid, query);
  }
  updateService(accountSid: AccountSid, sid: ServiceSid, settings: ServiceSettings, expectedVersion: number, nowMs: number) {
    return this.operations.updateService(accountSid, sid, settings, expectedVersion, nowMs);
  }
  deleteService(accountSid: AccountSid, sid: ServiceSid) {
    return this.operations.deleteService(accountSid, sid);
  }

  attachedOperatorSids(serviceSids: ServiceSid[]) {
    return this.operations.attachedOperatorSids(serviceSids);
  }
  probeAttachment(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid) {
    return this.operations.probeAttachment(accountSid, serviceSid, operatorSid);
  }
  attachOperator(request: AttachRequest) {
    return this.operations.attachOperator(request);
  }
  detachOperator(accountSid: AccountSid, serviceSid: ServiceSid, operatorSid: OperatorSid, nowMs: number) {
    return this.operations.detachOperator(accountSid, serviceSid, operatorSid, nowMs);
  }

  insertCustomOperator(operator: CustomOperatorRecord) {
    return this.operations.insertCustomOperator(operator);
  }
  insertCustomOperatorWithinQuota(operator: CustomOperatorRecord, maxCustomOperators: number) {
    return this.operations.insertCustomOperatorWithinQuota(operator, maxCustomOperators);
  }
  findCustomOperator(accountSid: AccountSid, sid: OperatorSid) {
    return this.operations.findCustomOperator(accountSid, sid);
  }
  listCustomOperators(accountSid: AccountSid, filter: CustomOperatorFilter, query: KeysetQuery) {
    return this.operations.listCustomOperators(accountSid, filter, query);
  }
  updateCustomOperator(
    accountSid: AccountSid,
    sid: OperatorSid,
    change: { friendlyName: string; configJson: string },
    expectedVersion: number,
    nowMs: number,
  ) {
    return this.operations.updateCustomOperator(accountSid, sid, change, expectedVersion, nowMs);
  }
  deleteCustomOperator(accountSid: AccountSid, sid: OperatorSid) {
    return this.operations.deleteCustomOperator(accountSid, sid);
  }

  exportAccount(accountSid: AccountSid) {
    return this.operations.exportAccount(accountSid);
  }
  importAccount(accountSid: AccountSid, data: AccountData, quotas: ImportQuotas) {
    return this.operations.importAccount(accountSid, data, quotas);
  }
  resetAccount(accountSid: AccountSid) {
    return this.operations.resetAccount(accountSid);
  }

  enqueueJob(job: NewJob) {
    return this.operations.enqueueJob(job);
  }
  claimJobs(request: ClaimRequest) {
    return this.operations.claimJobs(request);
  }
  hasDueJobs(names: string[], nowMs: number) {
    return this.operations.hasDueJobs(names, nowMs);
  }
  extendJobLease(id: number, owner: string, leaseExpiresMs: number, nowMs: number) {
    return this.operations.extendJobLease(id, owner, leaseExpiresMs, nowMs);
  }
  completeJob(id: number, owner: string, nowMs: number) {
    return this.operations.completeJob(id, owner, nowMs);
  }
  failJob(id: number, owner: string, error: string, retryAtMs: number | null, nowMs: number) {
    return this.operations.failJob(id, owner, error, retryAtMs, nowMs);
  }
  findJob(id: number) {
    return this.operations.findJob(id);
  }
  enqueueJobUnlessQueued(job: NewJob) {
    return this.operations.enqueueJobUnlessQueued(job);
  }

  insertAlert(alert: AlertRecord) {
    return this.operations.insertAlert(alert);
  }
  findAlert(accountSid: string, sid: string) {
    return this.operations.findAlert(accountSid, sid);
  }
  listAlerts(accountSid: string, filter: AlertFilter, query: KeysetQuery) {
    return this.operations.listAlerts(accountSid, filter, query);
  }
  deleteAlertsGeneratedBefore(cutoffMs: number, limit: number) {
    return this.operations.deleteAlertsGeneratedBefore(cutoffMs, limit);
  }

  insertTranscript(transcript: TranscriptRecord) {
    return this.operations.insertTranscript(transcript);
  }
  findTranscript(accountSid: string, sid: string) {
    return this.operations.findTranscript(accountSid, sid);
  }
  findTranscriptForJob(sid: string) {
    return this.operations.findTranscriptForJob(sid);
  }
  listTranscripts(accountSid: string, filter: TranscriptFilter, query: KeysetQuery) {
    return this.operations.listTranscripts(accountSid, filter, query);
  }
  deleteTranscript(accountSid: string, sid: string) {
    return this.operations.deleteTranscript(accountSid, sid);
  }
  startTranscript(sid: string, nowMs: number) {
    return this.operations.startTranscript(sid, nowMs);
  }
  setTranscriptMedia(sid: string, media: TranscriptMedia, nowMs: number) {
    return this.operations.setTranscriptMedia(sid, media, nowMs);
  }
  replaceSentences(sid: string, sentences: StoredSentence[], nowMs: number) {
    return this.operations.replaceSentences(sid, sentences, nowMs);
  }
  replaceOperatorResults(sid: string, results: StoredOperatorResult[], nowMs: number) {
    return this.operations.replaceOperatorResults(sid, results, nowMs);
  }
  completeTranscript(sid: string, nowMs: number) {
    return this.operations.completeTranscript(sid, nowMs);
  }
  failTranscript(sid: string, errorCode: number, errorMessage: string, nowMs: number) {
    return this.operations.failTranscript(sid, errorCode, errorMessage, nowMs);
  }
  listSentences(transcriptSid: string, query: SentenceQuery) {
    return this.operations.listSentences(transcriptSid, query);
  }
  listOperatorResults(transcriptSid: string) {
    return this.operations.listOperatorResults(transcriptSid);
  }
  findOperatorResult(transcriptSid: string, operatorSid: string) {
    return this.operations.findOperatorResult(transcriptSid, operatorSid);
  }
}
