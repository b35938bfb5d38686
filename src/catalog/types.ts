// The shape of the operator catalog: operator types (EY…) and pre-built operators (LY…).
// Catalog entries are global and read-only; they are data, not rows in an account's database.

export type OperatorTypeOutputType = 'text-classification' | 'text-extraction' | 'text-extraction-normalized' | 'text-generation' | 'json';

export type OperatorTypeProvider = 'twilio' | 'amazon' | 'openai';

export type OperatorTypeAvailability = 'internal' | 'beta' | 'general-availability' | 'retired' | 'deprecated';

export type OperatorAvailability = 'internal' | 'beta' | 'public' | 'retired' | 'general-availability' | 'deprecated';

export interface OperatorType {
  sid: string;
  name: string;
  friendlyName: string;
  description: string;
  docsLink: string | null;
  outputType: OperatorTypeOutputType;
  supportedLanguages: string[];
  provider: OperatorTypeProvider;
  availability: OperatorTypeAvailability;
  configurable: boolean;
  configSchema: Record<string, unknown> | null;
  /** A CATALOG_FILE type's engine: the runner it uses and its fixed config (e.g. phrase sets). */
  engine?: { runner: string; config?: Record<string, unknown> };
  dateCreated: Date;
  dateUpdated: Date;
}

export interface PrebuiltOperator {
  sid: string;
  friendlyName: string;
  description: string;
  author: string;
  /** The `name` of an operator type in the same catalog. */
  operatorType: string;
  version: number;
  availability: OperatorAvailability;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface Catalog {
  operatorTypes: OperatorType[];
  prebuiltOperators: PrebuiltOperator[];
}
