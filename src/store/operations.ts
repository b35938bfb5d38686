// The operations of a store, assembled from one module per resource (src/store/<resource>/): each
// backend's class hands this base the resources' operations, and every call is passed on as it is.
// Prototype methods (not own properties) so that wrappers and subclasses see ordinary methods.
import type {
  AccountData,
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
  StoreOperations,
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
  findServiceBySid(accountSid: string, sid: string) {
    return this.operations.findServiceBySid(accountSid, sid);
  }
  findServiceByUniqueName(accountSid: string, uniqueName: string) {
    return this.operations.findServiceByUniqueName(accountSid, uniqueName);
  }
  listServices(accountSid: string, query: KeysetQuery) {
    return this.operations.listServices(accountSid, query);
  }
  updateService(accountSid: string, sid: string, settings: ServiceSettings, expectedVersion: number, nowMs: number) {
    return this.operations.updateService(accountSid, sid, settings, expectedVersion, nowMs);
  }
  deleteService(accountSid: string, sid: string) {
    return this.operations.deleteService(accountSid, sid);
  }

  attachedOperatorSids(serviceSids: string[]) {
    return this.operations.attachedOperatorSids(serviceSids);
  }
  probeAttachment(accountSid: string, serviceSid: string, operatorSid: string) {
    return this.operations.probeAttachment(accountSid, serviceSid, operatorSid);
  }
  attachOperator(request: AttachRequest) {
    return this.operations.attachOperator(request);
  }
  detachOperator(accountSid: string, serviceSid: string, operatorSid: string, nowMs: number) {
    return this.operations.detachOperator(accountSid, serviceSid, operatorSid, nowMs);
  }

  insertCustomOperator(operator: CustomOperatorRecord) {
    return this.operations.insertCustomOperator(operator);
  }
  insertCustomOperatorWithinQuota(operator: CustomOperatorRecord, maxCustomOperators: number) {
    return this.operations.insertCustomOperatorWithinQuota(operator, maxCustomOperators);
  }
  findCustomOperator(accountSid: string, sid: string) {
    return this.operations.findCustomOperator(accountSid, sid);
  }
  listCustomOperators(accountSid: string, filter: CustomOperatorFilter, query: KeysetQuery) {
    return this.operations.listCustomOperators(accountSid, filter, query);
  }
  updateCustomOperator(
    accountSid: string,
    sid: string,
    change: { friendlyName: string; configJson: string },
    expectedVersion: number,
    nowMs: number,
  ) {
    return this.operations.updateCustomOperator(accountSid, sid, change, expectedVersion, nowMs);
  }
  deleteCustomOperator(accountSid: string, sid: string) {
    return this.operations.deleteCustomOperator(accountSid, sid);
  }

  exportAccount(accountSid: string) {
    return this.operations.exportAccount(accountSid);
  }
  importAccount(accountSid: string, data: AccountData, quotas: ImportQuotas) {
    return this.operations.importAccount(accountSid, data, quotas);
  }
  resetAccount(accountSid: string) {
    return this.operations.resetAccount(accountSid);
  }

  enqueueJob(job: NewJob) {
    return this.operations.enqueueJob(job);
  }
  claimJobs(request: ClaimRequest) {
    return this.operations.claimJobs(request);
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
}
