import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openAiEngine } from '../../src/engines/speech/openai.js';
import { NO_TRANSCRIBER_MESSAGE, selectSpeechEngine } from '../../src/engines/speech/select.js';
import { transcribeAudio } from '../../src/engines/speech/transcribe.js';
import { decodeAudioFile } from '../../src/media/audio/decode.js';
import type { DecodedAudio } from '../../src/media/audio/pcm.js';
import { createThreadPool } from '../../src/threads.js';
import { failsWith, scratchDirectory, writeWav } from '../helpers/media.js';

interface Received {
  path: string;
  authorization: string | undefined;
  fields: Record<string, string[]>;
  file: { name: string; type: string; bytes: Buffer };
}

/** An OpenAI-compatible transcription server on loopback; `answer` decides each response. */
async function stubServer(answer: (received: Received, response: ServerResponse) => void) {
  const requests: Received[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } catch {
      return; // the client gave up mid-upload (the timeout tests): there is nothing to answer
    }
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const fields: Record<string, string[]> = {};
    let file: Received['file'] | undefined;
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') (fields[key] ??= []).push(value);
      else file = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
    }
    const received = { path: request.url ?? '', authorization: request.headers.authorization, fields, file: file! };
    requests.push(received);
    answer(received, response);
  };
  // A request the stub cannot read ends its connection; the engine under test sees the failure.
  const server = createServer((request, response) => void handle(request, response).catch((error: Error) => response.destroy(error)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * A verbose_json answer that depends on the audio sent: the test's channel 1 is a 440 Hz tone and
 * channel 2 an 880 Hz one, so the answer says which it heard (and channel 2's words come 1 s later).
 */
function verboseAnswer(received: Received) {
  const rate = received.file.bytes.readUInt32LE(24);
  const samples = new Int16Array(
    received.file.bytes.buffer.slice(received.file.bytes.byteOffset + 44, received.file.bytes.byteOffset + 44 + rate * 2),
  );
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  const [tag, shift] = crossings / 2 < 660 ? ['low', 0] : ['high', 1];
  return {
    task: 'transcribe',
    language: 'english',
    duration: 5,
    text: `hello ${tag} tone. goodbye now.`,
    segments: [
      { id: 0, start: 0.5 + shift, end: 1.6 + shift, text: ` hello ${tag} tone.`, avg_logprob: -0.2 },
      { id: 1, start: 2.0 + shift, end: 2.9 + shift, text: ' goodbye now.', avg_logprob: -0.5 },
    ],
    words: [
      { word: 'hello', start: 0.5 + shift, end: 0.8 + shift, probability: 0.9 },
      { word: tag, start: 0.8 + shift, end: 1.2 + shift, probability: 0.8 },
      { word: 'tone.', start: 1.2 + shift, end: 1.6 + shift, probability: 0.7 },
      { word: 'goodbye', start: 2.0 + shift, end: 2.5 + shift },
      { word: 'now.', start: 2.5 + shift, end: 2.9 + shift },
    ],
  };
}

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let stereo: DecodedAudio;
before(async () => {
  scratch = await scratchDirectory();
  const path = join(scratch.path, 'stereo.wav');
  await writeWav(path, { sampleRate: 8000, channels: 2, frames: 8000 * 5 });
  stereo = await decodeAudioFile(path, 'wav', join(scratch.path, 'stereo'));
});
// The engines' worker threads (pocketsphinx resamples on them); none starts in these tests.
const threads = createThreadPool(1);
after(async () => {
  await threads.close();
  await scratch.remove();
});

describe('openai engine', () => {
  test('posts each channel as a WAV with verbose_json and segment+word timestamps, and keeps the channels apart', async () => {
    const stub = await stubServer((received, response) => json(response, 200, verboseAnswer(received)));
    try {
      const engine = openAiEngine({ url: stub.url, apiKey: 'sk-test', model: 'Systran/faster-whisper-small', maxRetries: 0 });
      const sentences = await transcribeAudio(engine, stereo, 'en-US');
      assert.equal(stub.requests.length, 2, 'one request per channel');
      for (const request of stub.requests) {
        assert.equal(request.path, '/v1/audio/transcriptions');
        assert.equal(request.authorization, 'Bearer sk-test');
        assert.deepEqual(request.fields.model, ['Systran/faster-whisper-small']);
        assert.deepEqual(request.fields.response_format, ['verbose_json']);
        assert.deepEqual(request.fields.language, ['en']);
        assert.deepEqual(request.fields['timestamp_granularities[]'], ['segment', 'word']);
        assert.equal(request.file.type, 'audio/wav');
        assert.equal(request.file.bytes.toString('latin1', 0, 4), 'RIFF');
        assert.equal(request.file.bytes.readUInt16LE(22), 1, 'one channel per request');
        assert.equal(request.file.bytes.readUInt32LE(24), 8000);
        assert.equal(request.file.bytes.length, 44 + 8000 * 5 * 2);
      }
      assert.deepEqual(
        sentences.map((s) => [s.mediaChannel, s.transcript, s.startTime, s.endTime]),
        [
          [1, 'hello low tone.', 0.5, 1.6],
          [2, 'hello high tone.', 1.5, 2.6],
          [1, 'goodbye now.', 2, 2.9],
          [2, 'goodbye now.', 3, 3.9],
        ],
      );
      assert.deepEqual(sentences[0]!.words, [
        { word: 'hello', startTime: 0.5, endTime: 0.8 },
        { word: 'low', startTime: 0.8, endTime: 1.2 },
        { word: 'tone.', startTime: 1.2, endTime: 1.6 },
      ]);
      assert.ok(Math.abs(sentences[0]!.confidence! - 0.8) < 1e-9, "the mean of the words' probabilities");
      assert.ok(Math.abs(sentences[2]!.confidence! - Math.exp(-0.5)) < 1e-9, 'else exp(avg_logprob)');
    } finally {
      await stub.close();
    }
  });

  test('a base URL that already ends in /v1 is used as is', async () => {
    const stub = await stubServer((received, response) => json(response, 200, verboseAnswer(received)));
    try {
      await openAiEngine({ url: `${stub.url}/v1/`, maxRetries: 0 }).transcribe({
        pcmFile: stereo.channelFiles[0]!,
        sampleRate: 8000,
        languageCode: 'en-US',
      });
      assert.equal(stub.requests[0]!.path, '/v1/audio/transcriptions');
      assert.deepEqual(stub.requests[0]!.fields.model, ['whisper-1']);
    } finally {
      await stub.close();
    }
  });

  test('a server error → 95106 naming the status, after the retries', async () => {
    const stub = await stubServer((_, response) => json(response, 500, { error: { message: 'model not loaded' } }));
    try {
      const engine = openAiEngine({ url: stub.url, maxRetries: 1 });
      await assert.rejects(
        engine.transcribe({ pcmFile: stereo.channelFiles[0]!, sampleRate: 8000, languageCode: 'en-US' }),
        failsWith(95106, /transcriber at http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions answered 500: .*model not loaded/),
      );
      assert.equal(stub.requests.length, 2, 'the request and one retry');
    } finally {
      await stub.close();
    }
  });

  test('a server that never answers → 95106 once the timeout passes', async () => {
    const stub = await stubServer(() => undefined);
    try {
      const engine = openAiEngine({ url: stub.url, timeoutMs: 300, maxRetries: 0 });
      await assert.rejects(
        engine.transcribe({ pcmFile: stereo.channelFiles[0]!, sampleRate: 8000, languageCode: 'en-US' }),
        failsWith(95106, /did not answer within 0\.3 s/),
      );
    } finally {
      await stub.close();
    }
  });

  test('an answer without verbose_json segments → 95106; an unreachable server → 95106', async () => {
    const stub = await stubServer((_, response) => json(response, 200, { text: 'hello' }));
    try {
      const engine = openAiEngine({ url: stub.url, maxRetries: 0 });
      await assert.rejects(
        engine.transcribe({ pcmFile: stereo.channelFiles[0]!, sampleRate: 8000, languageCode: 'en-US' }),
        failsWith(95106, /without verbose_json segments/),
      );
    } finally {
      await stub.close();
    }
    const closed = openAiEngine({ url: stub.url, maxRetries: 0 });
    await assert.rejects(
      closed.transcribe({ pcmFile: stereo.channelFiles[0]!, sampleRate: 8000, languageCode: 'en-US' }),
      failsWith(95106, /could not be reached/),
    );
  });
});

describe('engine selection (TRANSCRIBER)', () => {
  test('openai when TRANSCRIBER_URL is set, pocketsphinx when installed, none on request', () => {
    assert.equal(selectSpeechEngine(threads, { TRANSCRIBER_URL: 'http://127.0.0.1:9/v1' }).name, 'openai');
    assert.equal(selectSpeechEngine(threads, {}).name, 'pocketsphinx', 'this machine has pocketsphinx (.ci/run installs it)');
    assert.equal(selectSpeechEngine(threads, { TRANSCRIBER: 'pocketsphinx', TRANSCRIBER_URL: 'http://127.0.0.1:9' }).name, 'pocketsphinx');
    assert.equal(selectSpeechEngine(threads, { TRANSCRIBER: 'none', TRANSCRIBER_URL: 'http://127.0.0.1:9' }).name, 'none');
  });

  test('none fails every transcription with 95106 saying how to configure a recogniser', async () => {
    await assert.rejects(
      selectSpeechEngine(threads, { TRANSCRIBER: 'none' }).transcribe({
        pcmFile: stereo.channelFiles[0]!,
        sampleRate: 8000,
        languageCode: 'en-US',
      }),
      failsWith(95106, /no speech recogniser is configured\. Set TRANSCRIBER_URL .* pocketsphinx-en-us/),
    );
    assert.match(NO_TRANSCRIBER_MESSAGE, /TRANSCRIBER_API_KEY, TRANSCRIBER_MODEL/);
  });

  test('an unknown TRANSCRIBER, or openai without a URL, is a configuration error', () => {
    assert.throws(
      () => selectSpeechEngine(threads, { TRANSCRIBER: 'whisper' }),
      /TRANSCRIBER must be one of openai, pocketsphinx, none, got "whisper"/,
    );
    assert.throws(() => selectSpeechEngine(threads, { TRANSCRIBER: 'openai' }), /TRANSCRIBER=openai needs TRANSCRIBER_URL/);
  });
});
