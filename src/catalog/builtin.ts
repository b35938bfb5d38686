// The catalog shipped with the server: Twilio's configurable operator types, the types behind the
// pre-built operators, and the pre-built operators themselves. Data, identical on every install.
import { TRANSCRIPTION_LANGUAGES } from '../languages.js';
import { configSchemas, type ConfigurableTypeName } from './config-schemas.js';
import { catalogSid } from './sids.js';
import type {
  Catalog,
  OperatorAvailability,
  OperatorType,
  OperatorTypeAvailability,
  OperatorTypeOutputType,
  OperatorTypeProvider,
  PrebuiltOperator,
} from './types.js';

/** Every entry carries the same fixed date, so listings order by SID and never drift. */
export const CATALOG_DATE = '2024-05-01T00:00:00Z';

export { TRANSCRIPTION_LANGUAGES };

const DOCS = 'https://www.twilio.com/docs/conversational-intelligence';

interface TypeEntry {
  name: string;
  friendlyName: string;
  description: string;
  docsLink: string;
  outputType: OperatorTypeOutputType;
  provider: OperatorTypeProvider;
  supportedLanguages: string[];
  availability?: OperatorTypeAvailability;
}

function operatorType(entry: TypeEntry, configSchema: Record<string, unknown> | null): OperatorType {
  return {
    sid: catalogSid('EY', entry.name),
    name: entry.name,
    friendlyName: entry.friendlyName,
    description: entry.description,
    docsLink: entry.docsLink,
    outputType: entry.outputType,
    supportedLanguages: entry.supportedLanguages,
    provider: entry.provider,
    availability: entry.availability ?? 'general-availability',
    configurable: configSchema !== null,
    configSchema,
    dateCreated: new Date(CATALOG_DATE),
    dateUpdated: new Date(CATALOG_DATE),
  };
}

const configurableType = (entry: Omit<TypeEntry, 'name' | 'supportedLanguages'> & { name: ConfigurableTypeName }) =>
  operatorType({ ...entry, supportedLanguages: [...TRANSCRIPTION_LANGUAGES] }, configSchemas[entry.name]);

const prebuiltType = (entry: TypeEntry) => operatorType(entry, null);

function prebuiltOperator(
  friendlyName: string,
  operatorType: string,
  description: string,
  availability: OperatorAvailability = 'general-availability',
): PrebuiltOperator {
  return {
    sid: catalogSid('LY', friendlyName),
    friendlyName,
    description,
    author: 'twilio',
    operatorType,
    version: 1,
    availability,
    dateCreated: new Date(CATALOG_DATE),
    dateUpdated: new Date(CATALOG_DATE),
  };
}

const ENGLISH = ['en'];
const customOperatorsDocs = `${DOCS}/language-operators`;
const generativeDocs = `${DOCS}/generative-custom-operators`;
const prebuiltDocs = (anchor: string) => `${DOCS}/pre-built-operators#${anchor}`;

const operatorTypes: OperatorType[] = [
  configurableType({
    name: 'LiteralSpot',
    friendlyName: 'Phrase Matching',
    description: 'Finds where the words or phrases of your phrase sets are said in a conversation, by exact or fuzzy match.',
    docsLink: customOperatorsDocs,
    outputType: 'text-extraction',
    provider: 'twilio',
  }),
  configurableType({
    name: 'LiteralClassification',
    friendlyName: 'Classify by Phrases',
    description: 'Classifies a conversation, or each of its sentences, into your classes according to the phrases said.',
    docsLink: customOperatorsDocs,
    outputType: 'text-classification',
    provider: 'twilio',
  }),
  configurableType({
    name: 'Generative',
    friendlyName: 'Generative',
    description: 'Answers your prompt about a conversation in free text, using a large language model.',
    docsLink: generativeDocs,
    outputType: 'text-generation',
    provider: 'openai',
  }),
  configurableType({
    name: 'GenerativeJSON',
    friendlyName: 'Generative JSON',
    description:
      'Answers your prompt about a conversation with a JSON object that follows the schema you give, using a large language model.',
    docsLink: generativeDocs,
    outputType: 'json',
    provider: 'openai',
  }),
  prebuiltType({
    name: 'Sentiment',
    friendlyName: 'Sentiment Analysis',
    description: 'Classifies the overall sentiment of a conversation as positive, negative, neutral or mixed.',
    docsLink: prebuiltDocs('sentiment-analysis'),
    outputType: 'text-classification',
    provider: 'openai',
    supportedLanguages: [...TRANSCRIPTION_LANGUAGES],
  }),
  prebuiltType({
    name: 'Summarization',
    friendlyName: 'Summarization',
    description: 'Writes a short summary of the key points of a conversation.',
    docsLink: prebuiltDocs('summarization'),
    outputType: 'text-generation',
    provider: 'openai',
    supportedLanguages: [...TRANSCRIPTION_LANGUAGES],
  }),
  prebuiltType({
    name: 'EntityRecognition',
    friendlyName: 'Entity Recognition',
    description: 'Extracts entities such as people, places, organizations, dates and quantities, each with its category.',
    docsLink: prebuiltDocs('entity-recognition'),
    outputType: 'text-extraction-normalized',
    provider: 'amazon',
    supportedLanguages: ['de', 'en', 'es', 'fr', 'it', 'pt'],
  }),
  ...(
    [
      ['AgentIntroduction', 'Agent Introduction', 'Detects whether a participant introduced themselves.'],
      ['EscalationRequest', 'Escalation Request', 'Detects requests to speak to a supervisor or manager.'],
      ['RecordingDisclosure', 'Recording Disclosure', 'Detects a disclosure that the call is being recorded.'],
      ['DoNotContactMe', 'Do Not Contact Me', 'Detects requests not to be contacted again.'],
      ['PasswordReset', 'Password Reset', 'Detects requests to reset a password.'],
    ] as const
  ).map(([name, friendlyName, description]) =>
    prebuiltType({
      name,
      friendlyName,
      description: `${description} Phrase matching trained by Twilio.`,
      docsLink: prebuiltDocs(friendlyName.toLowerCase().replace(/ /g, '-')),
      outputType: 'text-extraction',
      provider: 'twilio',
      supportedLanguages: ENGLISH,
    }),
  ),
  ...(
    [
      ['OutboundCallDisposition', 'Outbound Call Disposition', 'Classifies the outcome of an outbound call.'],
      ['VoicemailDetection', 'Voicemail Detection', 'Classifies whether a call reached voicemail or a person.'],
      ['UnavailablePartyDetector', 'Unavailable Party Detector', 'Classifies whether the called party was unavailable.'],
      ['NonEnglishCall', 'Non English Call', 'Classifies whether a conversation was held in a language other than English.'],
      ['CallTransfer', 'Call Transfer', 'Classifies whether a call was transferred to another agent.'],
    ] as const
  ).map(([name, friendlyName, description]) =>
    prebuiltType({
      name,
      friendlyName,
      description: `${description} Classifier trained by Twilio.`,
      docsLink: prebuiltDocs(friendlyName.toLowerCase().replace(/ /g, '-')),
      outputType: 'text-classification',
      provider: 'twilio',
      supportedLanguages: ENGLISH,
    }),
  ),
  prebuiltType({
    name: 'CallReason',
    friendlyName: 'Call Reason',
    description: 'Classifies why the customer called into a fixed set of reasons. Superseded by Generative operators.',
    docsLink: prebuiltDocs('call-reason'),
    outputType: 'text-classification',
    provider: 'twilio',
    supportedLanguages: ['en', 'es', 'fr', 'de'],
    availability: 'deprecated',
  }),
];

const prebuiltOperators: PrebuiltOperator[] = [
  prebuiltOperator(
    'Sentiment Analysis',
    'Sentiment',
    'Classifies the sentiment of the conversation as positive, negative, neutral or mixed.',
  ),
  prebuiltOperator('Summarization', 'Summarization', 'Creates a summary of the conversation.'),
  prebuiltOperator(
    'Entity Recognition',
    'EntityRecognition',
    'Identifies and extracts entities mentioned in the conversation, such as people, places and dates.',
  ),
  prebuiltOperator(
    'Agent Introduction',
    'AgentIntroduction',
    'Detects whether a participant introduced themselves during the conversation.',
  ),
  prebuiltOperator(
    'Escalation Request',
    'EscalationRequest',
    'Detects whether a participant asked for an escalation, such as to a supervisor.',
  ),
  prebuiltOperator(
    'Recording Disclosure',
    'RecordingDisclosure',
    'Detects whether a participant disclosed that the call was being recorded.',
  ),
  prebuiltOperator('Do Not Contact Me', 'DoNotContactMe', 'Detects whether a participant asked not to be contacted again.'),
  prebuiltOperator(
    'Outbound Call Disposition',
    'OutboundCallDisposition',
    'Classifies the outcome of an outbound call into a general category.',
  ),
  prebuiltOperator('Voicemail Detection', 'VoicemailDetection', 'Classifies whether a call went to voicemail or was answered by a person.'),
  prebuiltOperator('Unavailable Party Detector', 'UnavailablePartyDetector', 'Classifies whether the party being called was unavailable.'),
  prebuiltOperator('Non English Call', 'NonEnglishCall', 'Classifies whether or not the conversation is in English.'),
  prebuiltOperator('Password Reset', 'PasswordReset', 'Detects whether a participant asked for a password reset.'),
  prebuiltOperator('Call Transfer', 'CallTransfer', 'Classifies whether the call was transferred to another agent.'),
  // The spec's pre-built availability enum has no `deprecated`, so the catalog ships none; a
  // CATALOG_FILE may still mark one deprecated (it stays attachable).
  prebuiltOperator('Call Reason', 'CallReason', 'Classifies why the customer called. In beta: categories may change.', 'beta'),
  prebuiltOperator(
    'Sentiment Analysis (Legacy)',
    'Sentiment',
    'Classifies sentiment as positive, negative or neutral with an earlier model. Retired: use Sentiment Analysis.',
    'retired',
  ),
];

export const builtinCatalog: Catalog = deepFreeze({ operatorTypes, prebuiltOperators });

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Date || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
