// Per-account quotas: how much of each resource one account may hold, so that one tenant cannot fill
// the disk every account shares. The store checks each in the same transaction as the write it
// limits, so racing creates never over-shoot. Answered as Twilio answers a resource limit: 400 with
// the limit's own code. The data plane adds its kinds here (transcripts, counted as services are;
// stored media bytes, a sum kept with the account), each with its variable and the same error shape.
import { TwilioError } from '../../errors.js';

export interface AccountQuotas {
  services: number;
  customOperators: number;
}

export type QuotaResource = keyof AccountQuotas;

export const DEFAULT_ACCOUNT_QUOTAS: AccountQuotas = { services: 10_000, customOperators: 10_000 };

/** The largest quota a variable may set: a check counts up to the quota, so this bounds its cost. */
export const MAX_QUOTA = 1_000_000;

// 21102 is Twilio's "Reached maximum number of Services" (400), exactly this limit. Twilio has no
// code for custom operators; 59200 "Account Limit Reached" (400) is its code for "this account has
// the most resources of this type it may have", which is what a client needs to tell apart.
const QUOTA_FACTS: Record<QuotaResource, { noun: string; code: number; variable: string }> = {
  services: { noun: 'Services', code: 21102, variable: 'MAX_SERVICES_PER_ACCOUNT' },
  customOperators: { noun: 'Custom Operators', code: 59200, variable: 'MAX_CUSTOM_OPERATORS_PER_ACCOUNT' },
};

/** The quotas a configuration sets (MAX_SERVICES_PER_ACCOUNT, MAX_CUSTOM_OPERATORS_PER_ACCOUNT). */
export const accountQuotas = (config: { maxServicesPerAccount: number; maxCustomOperatorsPerAccount: number }): AccountQuotas => ({
  services: config.maxServicesPerAccount,
  customOperators: config.maxCustomOperatorsPerAccount,
});

export const quotaVariable = (resource: QuotaResource) => QUOTA_FACTS[resource].variable;

export function quotaExceeded(resource: QuotaResource, limit: number): TwilioError {
  const { noun, code } = QUOTA_FACTS[resource];
  return new TwilioError(
    400,
    code,
    `Reached maximum number of ${noun}: this account has ${limit}, the most it may have; delete ${noun} it no longer needs`,
    { limit },
  );
}
