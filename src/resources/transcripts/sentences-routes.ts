// HTTP surface of /v2/Transcripts/{TranscriptSid}/Sentences: the transcript's sentences in index
// order, redacted or not, with or without word times; times and confidences as decimal strings.
import type { FastifyInstance } from 'fastify';
import { paramsOf, queryOf, type RouteContext } from '../../http/context.js';
import { parseIndexPageRequest, shapeIndexPage } from '../../http/index-paging.js';
import { formBoolean, listSchema, pagingQuery, parseFormBoolean } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import { JSON_CONTENT_TYPE, textPageBody } from '../../http/page-json.js';
import type { SentenceRecord } from '../../store/store.js';
import type { TranscriptRules } from './rules.js';
import { transcriptSidParams } from './routes.js';

/** Twilio's largest sentences page. */
export const MAX_SENTENCES_PAGE_SIZE = 5000;

const sentencesQuery = {
  type: 'object',
  properties: { Redacted: formBoolean, WordTimestamps: formBoolean, ...pagingQuery },
} as const;

// Times and confidences are decimal strings, rounded to the millisecond (confidence to 6 places)
// so a binary float reads "1.36", never "1.3600000000000001". A value that already is the nearest
// double to such a decimal (what a document gives) reads as itself, without toFixed's slow path.
const decimal = (value: number | null, scale: 1e3 | 1e6) => {
  if (value === null) return 'null';
  return Math.round(value * scale) / scale === value ? `"${value}"` : `"${Number(value.toFixed(scale === 1e3 ? 3 : 6))}"`;
};

/** How a page shows its sentences: redacted or not, with or without word times. */
interface SentenceOptions {
  redacted: boolean;
  wordTimestamps: boolean;
}

/** Stored words (with times) as served without them: every time null. Word texts are JSON strings, so never match. */
const WORD_TIMES = /"start_time":[^,]*,"end_time":[^}]*/g;
const withoutTimes = (wordsJson: string) => wordsJson.replace(WORD_TIMES, '"start_time":null,"end_time":null');

/**
 * One sentence's JSON (intelligence.v2.transcript.sentence, in the spec's field order), put
 * together by hand: its words are spliced in as stored, never parsed (a page holds ~13,000 words).
 */
export function sentenceJson(sentence: SentenceRecord, options: SentenceOptions): string {
  const redacted = options.redacted && sentence.redactedTranscript !== null;
  const words = redacted ? (sentence.redactedWordsJson ?? sentence.wordsJson) : sentence.wordsJson;
  return (
    `{"media_channel":${sentence.mediaChannel},"sentence_index":${sentence.sentenceIndex}` +
    `,"start_time":${decimal(sentence.startTime, 1e3)},"end_time":${decimal(sentence.endTime, 1e3)}` +
    `,"transcript":${JSON.stringify(redacted ? sentence.redactedTranscript : sentence.transcript)}` +
    `,"sid":${JSON.stringify(sentence.sid)},"confidence":${decimal(sentence.confidence, 1e6)}` +
    `,"words":${options.wordTimestamps || !sentence.wordTimes ? words : withoutTimes(words)}}`
  );
}

export function sentenceRoutes(app: FastifyInstance, rules: TranscriptRules, context: RouteContext): void {
  app.get(
    '/v2/Transcripts/:TranscriptSid/Sentences',
    {
      schema: {
        operationId: 'ListSentence',
        params: transcriptSidParams,
        querystring: sentencesQuery,
        response: { 200: listSchema('sentences', 'intelligence.v2.transcript.sentence') },
      },
    },
    async (request, reply) => {
      const query = queryOf(request);
      const pageRequest = parseIndexPageRequest(query, MAX_SENTENCES_PAGE_SIZE);
      const { TranscriptSid } = paramsOf(request);
      const { transcript, sentences } = await rules.sentences(request.accountSid, TranscriptSid!, pageRequest.keyset);
      const options = {
        // Redacted by default when the transcript has redaction [T]; without it there is nothing redacted to serve.
        redacted: (parseFormBoolean(query.Redacted) ?? transcript.redaction) && transcript.redaction,
        wordTimestamps: parseFormBoolean(query.WordTimestamps) ?? false,
      };
      const filters: Array<[string, string]> = [];
      if (query.Redacted !== undefined) filters.push(['Redacted', query.Redacted.toLowerCase()]);
      if (query.WordTimestamps !== undefined) filters.push(['WordTimestamps', query.WordTimestamps.toLowerCase()]);
      const page = shapeIndexPage(sentences, pageRequest, (sentence) => sentence.sentenceIndex, {
        base: baseUrlOf(request, context.publicBaseUrl),
        path: `/v2/Transcripts/${transcript.sid}/Sentences`,
        key: 'sentences',
        filters,
      });
      return reply.type(JSON_CONTENT_TYPE).send(textPageBody(page.items, (sentence) => sentenceJson(sentence, options), page.meta));
    },
  );
}
