// Services: create, read, update (optimistically, by version), delete. Addressable by SID or UniqueName.
import { conflict, invalidParameter, preconditionFailed, resourceNotFound } from '../../errors.js';
import { isTranscriptionLanguage, TRANSCRIPTION_LANGUAGES } from '../../languages.js';
import { isSid, newSid, type AccountSid } from '../../sids.js';
import type { KeysetQuery, ListedService, ServiceRecord, ServiceSettings, Store, WebhookHttpMethod } from '../../store/store.js';
import { ifMatchFails, type IfMatch } from '../../versions.js';
import { quotaExceeded } from '../accounts/quotas.js';

export interface ServiceInput {
  uniqueName?: string;
  friendlyName?: string;
  languageCode?: string;
  autoTranscribe?: boolean;
  dataLogging?: boolean;
  autoRedaction?: boolean;
  mediaRedaction?: boolean;
  webhookUrl?: string;
  webhookHttpMethod?: WebhookHttpMethod;
  encryptionCredentialSid?: string;
}

/** A service with its attached operators, as every Service answer shows it (a page's come from the store as they are). */
export type ServiceView = ListedService;

const MAX_UPDATE_ATTEMPTS = 20;

/** A rule a Service's settings break: the API parameter it concerns, and why. */
export interface SettingsProblem {
  parameter: 'UniqueName' | 'LanguageCode' | 'MediaRedaction' | 'WebhookUrl';
  message: string;
}

/** Every rule `settings` break, in parameter order (the snapshot import checks rows with it too). */
export function serviceSettingsProblems(settings: ServiceSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (isSid('GA', settings.uniqueName)) {
    problems.push({ parameter: 'UniqueName', message: 'must not have the form of a Service SID (GA…)' });
  }
  if (!isTranscriptionLanguage(settings.languageCode)) {
    problems.push({
      parameter: 'LanguageCode',
      message: `"${settings.languageCode}" is not a supported language (${TRANSCRIPTION_LANGUAGES.join(', ')})`,
    });
  }
  if (settings.mediaRedaction && !settings.autoRedaction) {
    problems.push({ parameter: 'MediaRedaction', message: 'media redaction requires AutoRedaction to be true' });
  }
  if (settings.webhookUrl !== null && !isHttpUrl(settings.webhookUrl)) {
    problems.push({ parameter: 'WebhookUrl', message: 'must be an absolute http or https URL' });
  }
  return problems;
}

function isHttpUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function checkSettings(settings: ServiceSettings): void {
  const [first] = serviceSettingsProblems(settings);
  if (first !== undefined) throw invalidParameter(`Invalid parameter ${first.parameter}: ${first.message}`);
}

function applyInput(settings: ServiceSettings, input: ServiceInput): ServiceSettings {
  const next = { ...settings };
  if (input.uniqueName !== undefined) next.uniqueName = input.uniqueName;
  if (input.friendlyName !== undefined) next.friendlyName = input.friendlyName;
  if (input.autoTranscribe !== undefined) next.autoTranscribe = input.autoTranscribe;
  if (input.dataLogging !== undefined) next.dataLogging = input.dataLogging;
  if (input.autoRedaction !== undefined) next.autoRedaction = input.autoRedaction;
  if (input.mediaRedaction !== undefined) next.mediaRedaction = input.mediaRedaction;
  if (input.webhookUrl !== undefined) next.webhookUrl = input.webhookUrl === '' ? null : input.webhookUrl;
  if (input.webhookHttpMethod !== undefined) next.webhookHttpMethod = input.webhookHttpMethod;
  if (input.encryptionCredentialSid !== undefined) {
    next.encryptionCredentialSid = input.encryptionCredentialSid === '' ? null : input.encryptionCredentialSid;
  }
  return next;
}

const namesAnyParameter = (input: ServiceInput) => Object.values(input).some((value) => value !== undefined);

const uniqueNameTaken = (uniqueName: string) => conflict(`A Service with UniqueName "${uniqueName}" already exists in this account`);

export class ServiceRules {
  constructor(
    private readonly store: Store,
    private readonly maxServicesPerAccount: number,
  ) {}

  async create(accountSid: AccountSid, input: ServiceInput): Promise<ServiceView> {
    if (input.uniqueName === undefined) throw invalidParameter('Missing required parameter UniqueName in the post body');
    const settings = applyInput(
      {
        uniqueName: input.uniqueName,
        friendlyName: null,
        languageCode: input.languageCode ?? 'en-US',
        autoRedaction: false,
        mediaRedaction: false,
        autoTranscribe: false,
        dataLogging: false,
        webhookUrl: null,
        webhookHttpMethod: 'POST',
        encryptionCredentialSid: null,
      },
      input,
    );
    checkSettings(settings);
    const now = Date.now();
    const record: ServiceRecord = { ...settings, sid: newSid('GA'), accountSid, version: 1, dateCreatedMs: now, dateUpdatedMs: now };
    const outcome = await this.store.insertServiceWithinQuota(record, this.maxServicesPerAccount);
    if (outcome === 'unique-name-taken') throw uniqueNameTaken(settings.uniqueName);
    if (outcome === 'quota-exceeded') throw quotaExceeded('services', this.maxServicesPerAccount);
    return { record, attachedOperatorSids: [] };
  }

  /** A service of this account by SID or UniqueName; another account's is answered as missing. */
  async find(accountSid: AccountSid, sidOrUniqueName: string): Promise<ServiceRecord> {
    const record = isSid('GA', sidOrUniqueName)
      ? await this.store.findServiceBySid(accountSid, sidOrUniqueName)
      : await this.store.findServiceByUniqueName(accountSid, sidOrUniqueName);
    if (record === null) throw resourceNotFound();
    return record;
  }

  async fetch(accountSid: AccountSid, sidOrUniqueName: string): Promise<ServiceView> {
    const record = await this.find(accountSid, sidOrUniqueName);
    const attached = await this.store.attachedOperatorSids([record.sid]);
    return { record, attachedOperatorSids: attached.get(record.sid) ?? [] };
  }

  async list(accountSid: AccountSid, query: KeysetQuery): Promise<ServiceView[]> {
    return this.store.listServices(accountSid, query);
  }

  async update(accountSid: AccountSid, sidOrUniqueName: string, input: ServiceInput, ifMatch: IfMatch): Promise<ServiceView> {
    if (input.languageCode !== undefined) {
      throw invalidParameter('Invalid parameter LanguageCode: the language of a Service cannot be changed after it is created');
    }
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.find(accountSid, sidOrUniqueName);
      if (ifMatchFails(ifMatch, current.version)) throw preconditionFailed(current.version);
      if (!namesAnyParameter(input)) return this.fetch(accountSid, current.sid);
      const settings = applyInput(current, input);
      checkSettings(settings);
      const outcome = await this.store.updateService(accountSid, current.sid, settings, current.version, Date.now());
      switch (outcome.status) {
        case 'updated': {
          const attached = await this.store.attachedOperatorSids([current.sid]);
          return { record: outcome.record, attachedOperatorSids: attached.get(current.sid) ?? [] };
        }
        case 'not-found':
          throw resourceNotFound();
        case 'unique-name-taken':
          throw uniqueNameTaken(settings.uniqueName);
        case 'version-mismatch':
          // Someone else changed it since we read it: a conditional update loses, an unconditional one retries.
          if (ifMatch !== undefined) throw preconditionFailed(outcome.currentVersion);
      }
    }
    throw conflict('The Service is being changed by too many concurrent requests; try again');
  }

  async delete(accountSid: AccountSid, sidOrUniqueName: string): Promise<void> {
    const record = await this.find(accountSid, sidOrUniqueName);
    if (!(await this.store.deleteService(accountSid, record.sid))) throw resourceNotFound();
  }
}
