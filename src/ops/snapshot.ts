// Snapshots and reset of one account, for test suites and backups: export what an account owns,
// import it all-or-nothing (refusing SIDs and unique names that exist already), or delete it.
// Used by the admin HTTP API and the CLI alike; knows nothing of either.
import type { CatalogIndex } from '../catalog/load.js';
import { conflict, TwilioError } from '../errors.js';
import { isSid } from '../sids.js';
import { quotaExceeded } from '../resources/accounts/quotas.js';
import type { ImportQuotas, ResetCounts, Store } from '../store/store.js';
import { parseSnapshot, toSnapshot, type Snapshot } from './snapshot-format.js';

export interface ImportSummary {
  account_sid: string;
  services: number;
  custom_operators: number;
  attachments: number;
}

export interface ResetSummary {
  account_sid: string;
  deleted: { services: number; custom_operators: number; attachments: number };
}

const noSuchAccount = (accountSid: string) => new TwilioError(404, 20404, `No account ${accountSid} in this database`);

const listed = (label: string, values: string[]) => (values.length === 0 ? [] : [`${label} ${values.join(', ')}`]);

export class SnapshotRules {
  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogIndex,
    private readonly maxOperatorsPerService: number,
    /** The per-account quotas the API's creates respect; an import may not take an account past them. */
    private readonly quotas: ImportQuotas,
  ) {}

  async export(accountSid: string): Promise<Snapshot> {
    const data = isSid('AC', accountSid) ? await this.store.exportAccount(accountSid) : null;
    if (data === null) throw noSuchAccount(accountSid);
    return toSnapshot(accountSid, data, Date.now());
  }

  /**
   * Imports into `targetAccountSid`, or the account the snapshot names. The whole snapshot is
   * checked first; then one transaction writes all of it or, on any conflict, nothing.
   */
  async import(snapshot: unknown, targetAccountSid?: string): Promise<ImportSummary> {
    const parsed = parseSnapshot(snapshot, this.catalog, this.maxOperatorsPerService);
    const accountSid = targetAccountSid ?? parsed.accountSid;
    if (!isSid('AC', accountSid)) throw noSuchAccount(accountSid);
    const outcome = await this.store.importAccount(accountSid, parsed.data, this.quotas);
    if (outcome.status === 'account-not-found') throw noSuchAccount(accountSid);
    if (outcome.status === 'quota-exceeded') throw quotaExceeded(outcome.resource, outcome.limit);
    if (outcome.status === 'conflict') {
      const clashes = [...listed('services', outcome.serviceSids), ...listed('custom operators', outcome.customOperatorSids)];
      const names = outcome.uniqueNames.map((name) => JSON.stringify(name)).join(', ');
      const parts = [
        ...(clashes.length > 0 ? [`these SIDs exist already: ${clashes.join('; ')}`] : []),
        ...(names !== '' ? [`these unique names are taken in ${accountSid}: ${names}`] : []),
      ];
      throw conflict(`Snapshot not imported, nothing was changed: ${parts.join('; and ')}`, {
        service_sids: outcome.serviceSids,
        custom_operator_sids: outcome.customOperatorSids,
        unique_names: outcome.uniqueNames,
      });
    }
    return {
      account_sid: accountSid,
      services: parsed.data.services.length,
      custom_operators: parsed.data.customOperators.length,
      attachments: parsed.data.attachments.length,
    };
  }

  async reset(accountSid: string): Promise<ResetSummary> {
    const counts: ResetCounts | null = isSid('AC', accountSid) ? await this.store.resetAccount(accountSid) : null;
    if (counts === null) throw noSuchAccount(accountSid);
    return {
      account_sid: accountSid,
      deleted: { services: counts.services, custom_operators: counts.customOperators, attachments: counts.attachments },
    };
  }
}
