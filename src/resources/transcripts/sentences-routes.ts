// HTTP surface of /v2/Transcripts/{TranscriptSid}/Sentences: the transcript's sentences in index
// order, redacted or not, with or without word times; times and confidences as decimal strings.
import type { FastifyInstance } from 'fastify';
import { paramsOf, queryOf, type RouteContext } from '../../http/context.js';
import { parseIndexPageRequest, shapeIndexPage } from '../../http/index-paging.js';
import { formBoolean, listSchema, pagingQuery, parseFormBoolean } from '../../http/schemas.js';
import { baseUrlOf } from '../../http/urls.js';
import type { StoredSentence, StoredWord } from '../../store/store.js';
import type { TranscriptRules } from './rules.js';
import { transcriptSidParams } from './routes.js';

/** Twilio's largest sentences page. */
export const MAX_SENTENCES_PAGE_SIZE = 5000;

const sentencesQuery = {
  type: 'object',
  properties: { Redacted: formBoolean, WordTimestamps: formBoolean, ...pagingQuery },
} as const;

// Stored times are binary floats: rounded to the millisecond (confidence to 6 places) before
// they are written as decimals, so 1.36 reads "1.36", never "1.3600000000000001".
const rounded = (value: number, places: number) => Number(value.toFixed(places));
const decimal = (value: number | null, places: number) => (value === null ? null : String(rounded(value, places)));
const seconds = (value: number | null) => (value === null ? null : rounded(value, 3));

function wordBody(word: StoredWord, withTimes: boolean) {
  return {
    word: word.word,
    start_time: withTimes ? seconds(word.startTime) : null,
    end_time: withTimes ? seconds(word.endTime) : null,
  };
}

export function sentenceBody(sentence: StoredSentence, options: { redacted: boolean; wordTimestamps: boolean }) {
  const redacted = options.redacted && sentence.redactedTranscript !== null;
  const words = redacted ? (sentence.redactedWords ?? sentence.words) : sentence.words;
  return {
    media_channel: sentence.mediaChannel,
    sentence_index: sentence.sentenceIndex,
    start_time: decimal(sentence.startTime, 3),
    end_time: decimal(sentence.endTime, 3),
    transcript: redacted ? sentence.redactedTranscript : sentence.transcript,
    sid: sentence.sid,
    confidence: decimal(sentence.confidence, 6),
    words: words.map((word) => wordBody(word, options.wordTimestamps)),
  };
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
    async (request) => {
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
      return { sentences: page.items.map((sentence) => sentenceBody(sentence, options)), meta: page.meta };
    },
  );
}
