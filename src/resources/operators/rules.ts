// Operators: the catalog's operator types and pre-built operators (global, read-only) and each
// account's custom operators, listed together under /v2/Operators.
import type { CatalogIndex } from '../../catalog/load.js';
import type { OperatorType, PrebuiltOperator } from '../../catalog/types.js';
import { conflict, invalidParameter, preconditionFailed, resourceNotFound } from '../../errors.js';
import { pageInMemory } from '../../http/paging.js';
import { languageSupported } from '../../languages.js';
import { isSid, newSid, type AccountSid, type OperatorSid } from '../../sids.js';
import type { Cursor, CustomOperatorRecord, KeysetQuery, Store } from '../../store/store.js';
import { ifMatchFails, type IfMatch } from '../../versions.js';
import { quotaExceeded } from '../accounts/quotas.js';
import { parseOperatorConfig } from './config.js';

/** What every operator shows, whichever kind it is. */
export interface OperatorFacts {
  kind: 'prebuilt' | 'custom';
  accountSid: AccountSid | null;
  sid: string;
  friendlyName: string;
  description: string | null;
  author: string;
  operatorType: string;
  version: number;
  availability: string;
  config: unknown;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

export interface OperatorFilter {
  availability?: string;
  languageCode?: string;
}

const CUSTOM_OPERATOR_AVAILABILITY = 'public';
const MAX_UPDATE_ATTEMPTS = 20;

export const cursorOfOperator = (facts: OperatorFacts): Cursor => ({ createdMs: facts.dateCreatedMs, sid: facts.sid });
export const cursorOfType = (type: OperatorType): Cursor => ({ createdMs: type.dateCreated.getTime(), sid: type.sid });

function prebuiltFacts(operator: PrebuiltOperator): OperatorFacts {
  return {
    kind: 'prebuilt',
    accountSid: null,
    sid: operator.sid,
    friendlyName: operator.friendlyName,
    description: operator.description,
    author: operator.author,
    operatorType: operator.operatorType,
    version: operator.version,
    availability: operator.availability,
    config: null,
    dateCreatedMs: operator.dateCreated.getTime(),
    dateUpdatedMs: operator.dateUpdated.getTime(),
  };
}

function customFacts(record: CustomOperatorRecord): OperatorFacts {
  return {
    kind: 'custom',
    accountSid: record.accountSid,
    sid: record.sid,
    friendlyName: record.friendlyName,
    description: record.description,
    author: record.accountSid,
    operatorType: record.operatorType,
    version: record.version,
    availability: record.availability,
    config: JSON.parse(record.configJson),
    dateCreatedMs: record.dateCreatedMs,
    dateUpdatedMs: record.dateUpdatedMs,
  };
}

const olderOperator = (x: OperatorFacts, y: OperatorFacts) =>
  x.dateCreatedMs !== y.dateCreatedMs ? x.dateCreatedMs < y.dateCreatedMs : x.sid < y.sid;

/** Merges two keyset pages (each oldest first) into one of at most `limit` rows. */
function mergePages(a: OperatorFacts[], b: OperatorFacts[], query: KeysetQuery): OperatorFacts[] {
  const merged: OperatorFacts[] = [];
  let i = 0;
  let j = 0;
  for (let x = a[i], y = b[j]; x !== undefined || y !== undefined; x = a[i], y = b[j]) {
    if (y !== undefined && (x === undefined || olderOperator(y, x))) {
      merged.push(y);
      j++;
    } else if (x !== undefined) {
      merged.push(x);
      i++;
    }
  }
  return query.before !== undefined ? merged.slice(Math.max(0, merged.length - query.limit)) : merged.slice(0, query.limit);
}

/** The configurable operator type a custom operator may have, by name or SID, or why `nameOrSid` names none. */
export function configurableType(catalog: CatalogIndex, nameOrSid: string): { type: OperatorType } | { problem: string } {
  const type = isSid('EY', nameOrSid) ? catalog.typeBySid.get(nameOrSid) : catalog.typeByName.get(nameOrSid);
  if (type === undefined) return { problem: `"${nameOrSid}" is not an operator type` };
  if (!type.configurable) return { problem: `"${type.name}" is not configurable; custom operators need a configurable type` };
  return { type };
}

export class OperatorRules {
  private readonly prebuiltFactsSorted: OperatorFacts[];
  private readonly prebuiltFactsBySid: Map<string, OperatorFacts>;
  /**
   * Facts per stored record: a record the store's read cache hands out again is not parsed again
   * (its config is JSON text), and its facts keep their serialised form (src/http/page-json.ts).
   */
  private readonly customFactsByRecord = new WeakMap<CustomOperatorRecord, OperatorFacts>();

  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogIndex,
    private readonly maxCustomOperatorsPerAccount: number,
  ) {
    this.prebuiltFactsSorted = catalog.prebuiltOperators.map(prebuiltFacts);
    this.prebuiltFactsBySid = new Map(this.prebuiltFactsSorted.map((facts) => [facts.sid, facts]));
  }

  private customFacts(record: CustomOperatorRecord): OperatorFacts {
    let facts = this.customFactsByRecord.get(record);
    if (facts === undefined) {
      facts = customFacts(record);
      this.customFactsByRecord.set(record, facts);
    }
    return facts;
  }

  operatorType(sidOrName: string): OperatorType {
    const type = isSid('EY', sidOrName) ? this.catalog.typeBySid.get(sidOrName) : this.catalog.typeByName.get(sidOrName);
    if (type === undefined) throw resourceNotFound();
    return type;
  }

  listOperatorTypes(languageCode: string | undefined, query: KeysetQuery): OperatorType[] {
    const types =
      languageCode === undefined
        ? this.catalog.operatorTypes
        : this.catalog.operatorTypes.filter((type) => languageSupported(type.supportedLanguages, languageCode));
    return pageInMemory(types, query, cursorOfType);
  }

  private matchesFilter(facts: OperatorFacts, filter: OperatorFilter): boolean {
    if (filter.availability !== undefined && facts.availability !== filter.availability) return false;
    if (filter.languageCode !== undefined) {
      const type = this.catalog.typeByName.get(facts.operatorType);
      if (type === undefined || !languageSupported(type.supportedLanguages, filter.languageCode)) return false;
    }
    return true;
  }

  prebuiltOperator(sid: string): OperatorFacts {
    const facts = this.prebuiltOrUndefined(sid);
    if (facts === undefined) throw resourceNotFound();
    return facts;
  }

  listPrebuiltOperators(filter: OperatorFilter, query: KeysetQuery): OperatorFacts[] {
    const matching = this.prebuiltFactsSorted.filter((facts) => this.matchesFilter(facts, filter));
    return pageInMemory(matching, query, cursorOfOperator);
  }

  /** The operator types a custom operator may have to pass `filter`'s language; undefined = any. */
  private customTypesFor(filter: OperatorFilter): string[] | undefined {
    if (filter.languageCode === undefined) return undefined;
    const languageCode = filter.languageCode;
    return this.catalog.operatorTypes
      .filter((type) => type.configurable && languageSupported(type.supportedLanguages, languageCode))
      .map((type) => type.name);
  }

  async listCustomOperators(accountSid: AccountSid, filter: OperatorFilter, query: KeysetQuery): Promise<OperatorFacts[]> {
    const records = await this.store.listCustomOperators(
      accountSid,
      { availability: filter.availability, operatorTypes: this.customTypesFor(filter) },
      query,
    );
    return records.map((record) => this.customFacts(record));
  }

  async listOperators(accountSid: AccountSid, filter: OperatorFilter, query: KeysetQuery): Promise<OperatorFacts[]> {
    const custom = await this.listCustomOperators(accountSid, filter, query);
    return mergePages(this.listPrebuiltOperators(filter, query), custom, query);
  }

  async customOperator(accountSid: AccountSid, sid: string): Promise<OperatorFacts> {
    const record = isSid('LY', sid) ? await this.store.findCustomOperator(accountSid, sid) : null;
    if (record === null) throw resourceNotFound();
    return this.customFacts(record);
  }

  /** A pre-built operator, or one of this account's custom operators. */
  async operator(accountSid: AccountSid, sid: string): Promise<OperatorFacts> {
    return this.prebuiltOrUndefined(sid) ?? this.customOperator(accountSid, sid);
  }

  /** The pre-built operator `sid`, if it is one: known at once, with no promise to wait for. */
  prebuiltOrUndefined(sid: string): OperatorFacts | undefined {
    return this.prebuiltFactsBySid.get(sid);
  }

  typeOf(facts: OperatorFacts): OperatorType | undefined {
    return this.catalog.typeByName.get(facts.operatorType);
  }

  private configurableType(nameOrSid: string): OperatorType {
    const found = configurableType(this.catalog, nameOrSid);
    if ('problem' in found) throw invalidParameter(`Invalid parameter OperatorType: ${found.problem}`);
    return found.type;
  }

  async createCustomOperator(
    accountSid: AccountSid,
    input: { friendlyName: string; operatorType: string; config: string },
  ): Promise<OperatorFacts> {
    const type = this.configurableType(input.operatorType);
    const config = parseOperatorConfig(type, input.config);
    const now = Date.now();
    const record: CustomOperatorRecord = {
      sid: newSid('LY'),
      accountSid,
      friendlyName: input.friendlyName,
      description: null,
      operatorType: type.name,
      configJson: JSON.stringify(config),
      availability: CUSTOM_OPERATOR_AVAILABILITY,
      version: 1,
      dateCreatedMs: now,
      dateUpdatedMs: now,
    };
    if ((await this.store.insertCustomOperatorWithinQuota(record, this.maxCustomOperatorsPerAccount)) === 'quota-exceeded') {
      throw quotaExceeded('customOperators', this.maxCustomOperatorsPerAccount);
    }
    return customFacts(record);
  }

  async updateCustomOperator(
    accountSid: AccountSid,
    sid: string,
    input: { friendlyName: string; config: string },
    ifMatch: IfMatch,
  ): Promise<OperatorFacts> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.customOperator(accountSid, sid);
      if (ifMatchFails(ifMatch, current.version)) throw preconditionFailed(current.version);
      const type = this.catalog.typeByName.get(current.operatorType);
      if (type === undefined) throw invalidParameter(`Operator type ${current.operatorType} is no longer in the catalog`);
      const config = parseOperatorConfig(type, input.config);
      const outcome = await this.store.updateCustomOperator(
        accountSid,
        // customOperator answered with a stored custom operator's facts: its SID is one.
        current.sid as OperatorSid,
        { friendlyName: input.friendlyName, configJson: JSON.stringify(config) },
        current.version,
        Date.now(),
      );
      switch (outcome.status) {
        case 'updated':
          return customFacts(outcome.record);
        case 'not-found':
        case 'unique-name-taken':
          throw resourceNotFound();
        case 'version-mismatch':
          if (ifMatch !== undefined) throw preconditionFailed(outcome.currentVersion);
      }
    }
    throw conflict('The Custom Operator is being changed by too many concurrent requests; try again');
  }

  async deleteCustomOperator(accountSid: AccountSid, sid: string): Promise<void> {
    if (!isSid('LY', sid)) throw resourceNotFound();
    const outcome = await this.store.deleteCustomOperator(accountSid, sid);
    if (outcome.status === 'not-found') throw resourceNotFound();
    if (outcome.status === 'attached') {
      throw conflict(
        `Custom Operator ${sid} is attached to ${outcome.serviceSids.length === 1 ? 'Service' : 'Services'} ${outcome.serviceSids.join(', ')}; detach it first`,
        { service_sids: outcome.serviceSids },
      );
    }
  }
}
