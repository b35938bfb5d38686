import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSentencesJson } from '../../src/media/documents/json.js';
import { parseDocumentFile } from '../../src/media/documents/parse.js';
import { type Participant, sentenceWords } from '../../src/media/documents/sentence.js';
import { parseWebVtt } from '../../src/media/documents/vtt.js';
import { failsWith, scratchDirectory } from '../helpers/media.js';

const participants: Participant[] = [
  { channel_participant: 1, role: 'Agent', full_name: 'Anna Smith' },
  { channel_participant: 2, role: 'Customer', full_name: null },
];

describe('WebVTT documents', () => {
  test('each cue is one sentence with its times, speakers by role or full name, tags and entities stripped', () => {
    const vtt = [
      'WEBVTT - a support call',
      '',
      'NOTE written by hand',
      '',
      '1',
      '00:00:01.000 --> 00:00:03.500 align:start',
      '<v Agent>Thank you for calling, <b>how</b> can I help?</v>',
      '',
      '00:04.250 --> 00:06.000',
      '<v.loud customer>My card &amp; my PIN',
      'stopped working.',
      '',
      '01:00:07.000 --> 01:00:08.000',
      '<v ANNA SMITH>One moment.',
    ].join('\r\n');
    const sentences = parseWebVtt(vtt, participants);
    assert.deepEqual(sentences, [
      { mediaChannel: 1, startTime: 1, endTime: 3.5, confidence: null, transcript: 'Thank you for calling, how can I help?', words: null },
      { mediaChannel: 2, startTime: 4.25, endTime: 6, confidence: null, transcript: 'My card & my PIN stopped working.', words: null },
      { mediaChannel: 1, startTime: 3607, endTime: 3608, confidence: null, transcript: 'One moment.', words: null },
    ]);
    // A cue gives text alone: its words are the text's, without times.
    assert.deepEqual(
      sentences.map((sentence) => sentenceWords(sentence).map(({ word }) => word)),
      [
        ['Thank', 'you', 'for', 'calling,', 'how', 'can', 'I', 'help?'],
        ['My', 'card', '&', 'my', 'PIN', 'stopped', 'working.'],
        ['One', 'moment.'],
      ],
    );
    assert.ok(sentences.flatMap(sentenceWords).every((word) => word.startTime === null && word.endTime === null));
  });

  test('other names take the free channels in order of first appearance; no voice tag is channel 1', () => {
    const vtt =
      'WEBVTT\n\n00:05.000 --> 00:06.000\n<v Bob>later\n\n00:01.000 --> 00:02.000\n<v Customer>first\n\n00:03.000 --> 00:04.000\nno tag\n';
    const channels = parseWebVtt(vtt, participants).map((sentence) => [sentence.transcript, sentence.mediaChannel]);
    assert.deepEqual(
      channels,
      [
        ['first', 2],
        ['no tag', 1],
        ['later', 1],
      ],
      'Customer is channel 2, so Bob gets 1; sentences in time order',
    );
    const strangers = parseWebVtt(
      'WEBVTT\n\n00:01.000 --> 00:02.000\n<v Zed>a\n\n00:03.000 --> 00:04.000\n<v Ann>b\n\n00:05.000 --> 00:06.000\n<v zed>c\n',
    );
    assert.deepEqual(
      strangers.map((sentence) => sentence.mediaChannel),
      [1, 2, 1],
    );
  });

  test('a third speaker with no channel left fails with 95115', () => {
    const vtt = 'WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>a\n\n00:03.000 --> 00:04.000\n<v B>b\n\n00:05.000 --> 00:06.000\n<v C>c\n';
    assert.throws(() => parseWebVtt(vtt), failsWith(95115, /no channel left for "c"/));
  });

  const broken: Array<[string, string, number, RegExp]> = [
    ['no WEBVTT line', '00:01.000 --> 00:02.000\nhello', 95104, /first line must be "WEBVTT"/],
    ['a timestamp without milliseconds', 'WEBVTT\n\n00:01 --> 00:02.000\nhello', 95104, /bad timestamp "00:01" at line 3/],
    ['minutes past 59', 'WEBVTT\n\n00:61:00.000 --> 00:62:00.000\nhello', 95104, /bad timestamp "00:61:00.000" at line 3/],
    [
      'an end before the start',
      'WEBVTT\n\nid\n00:05.000 --> 00:04.000\nhello',
      95104,
      /cue at line 4 ends \(00:04.000\) before it starts \(00:05.000\)/,
    ],
    ['a cue block without a timing line', 'WEBVTT\n\nid\nhello\nworld', 95104, /line 3 starts a cue without a timing line/],
    ['no end time', 'WEBVTT\n\n00:01.000 -->\nhello', 95104, /bad timestamp "" at line 3/],
    ['no cues at all', 'WEBVTT\n\nNOTE nothing here\n', 95109, /no cues/],
  ];
  for (const [name, vtt, code, message] of broken) {
    test(`${name} fails with ${code}`, () => assert.throws(() => parseWebVtt(vtt, participants), failsWith(code, message)));
  }
});

describe('JSON sentences documents', () => {
  test('a page of the Sentences API replays as is: decimal-string times, words, extra fields ignored', () => {
    const page = {
      sentences: [
        {
          media_channel: 2,
          sentence_index: 1,
          start_time: '4.2',
          end_time: '5.5',
          confidence: '0.91',
          transcript: 'I need help.',
          sid: 'GX' + '0'.repeat(32),
          words: [
            { word: 'I', start_time: 4.2, end_time: 4.3 },
            { word: 'need', start_time: 4.3, end_time: 4.8 },
            { word: 'help.', start_time: null, end_time: null },
          ],
        },
        { media_channel: 1, sentence_index: 0, start_time: 1, end_time: 3.5, confidence: null, transcript: 'Hello there.' },
      ],
      meta: { page: 0, page_size: 50 },
    };
    assert.deepEqual(parseSentencesJson(JSON.stringify(page)), [
      {
        mediaChannel: 1,
        startTime: 1,
        endTime: 3.5,
        confidence: null,
        transcript: 'Hello there.',
        words: null,
      },
      {
        mediaChannel: 2,
        startTime: 4.2,
        endTime: 5.5,
        confidence: 0.91,
        transcript: 'I need help.',
        words: [
          { word: 'I', startTime: 4.2, endTime: 4.3 },
          { word: 'need', startTime: 4.3, endTime: 4.8 },
          { word: 'help.', startTime: null, endTime: null },
        ],
      },
    ]);
  });

  const invalid: Array<[string, string, number, RegExp]> = [
    ['not JSON', '{"sentences": [', 95104, /Invalid JSON sentences document: /],
    ['no sentences array', '{"sentence": []}', 95104, /an object with a "sentences" array/],
    ['an empty sentences array', '{"sentences": []}', 95109, /no sentences/],
    ['channel 3', '{"sentences": [{"media_channel": 3, "transcript": "x"}]}', 95104, /sentences\[0\]\.media_channel must be 1 or 2/],
    ['a missing transcript', '{"sentences": [{"media_channel": 1}]}', 95104, /sentences\[0\]\.transcript must be a string/],
    [
      'a time that is not a number',
      '{"sentences": [{"transcript": "x", "start_time": "soon"}]}',
      95104,
      /sentences\[0\]\.start_time must be a number/,
    ],
    [
      'an end before the start',
      '{"sentences": [{"transcript": "x", "start_time": 2, "end_time": 1}]}',
      95104,
      /sentences\[0\]\.end_time is before start_time/,
    ],
    ['a negative time', '{"sentences": [{"transcript": "x", "start_time": -1}]}', 95104, /start_time must not be negative/],
    ['a confidence above 1', '{"sentences": [{"transcript": "x", "confidence": 1.5}]}', 95104, /confidence must be between 0 and 1/],
    [
      'a word without text',
      '{"sentences": [{"transcript": "x", "words": [{"start_time": 1}]}]}',
      95104,
      /sentences\[0\]\.words\[0\]\.word must be a string/,
    ],
  ];
  for (const [name, json, code, message] of invalid) {
    test(`${name} fails with ${code}`, () => assert.throws(() => parseSentencesJson(json), failsWith(code, message)));
  }
});

describe('parseDocumentFile', () => {
  test('reads a UTF-8 file with a BOM, and refuses bytes that are not UTF-8', async () => {
    const scratch = await scratchDirectory();
    try {
      const good = join(scratch.path, 'a.vtt');
      await writeFile(good, '\uFEFFWEBVTT\n\n00:01.000 --> 00:02.500\n<v Customer>Grüße\n');
      assert.deepEqual(
        (await parseDocumentFile(good, 'vtt', participants)).map((s) => [s.mediaChannel, s.transcript]),
        [[2, 'Grüße']],
      );
      const bad = join(scratch.path, 'b.json');
      await writeFile(bad, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      await assert.rejects(parseDocumentFile(bad, 'json'), failsWith(95104, /not valid UTF-8/));
    } finally {
      await scratch.remove();
    }
  });
});
