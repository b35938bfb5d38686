// A transcript laid out as a conversation by speaker, with times; an audio player when the media is
// audio (a sentence's time plays from it); the redacted / original switch; and each operator result
// as a card, the sentences it points at highlighted. The page follows the status until it settles.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, isSettled, listAll, type Alert, type Credentials, type OperatorResult, type Sentence, type Transcript } from './api.js';
import { usePolling } from './live.js';
import { Link } from './router.js';
import { StatusBadge, when } from './transcripts.js';
import { ErrorLine, Loading, message } from './ui.js';

const seconds = (value: string | null) => (value === null ? null : Number(value));
const clock = (value: number | null) => {
  if (value === null) return '';
  const whole = Math.floor(value);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
};
const percent = (value: number | null) => (value === null ? '' : `${Math.round(value * 100)} %`);

/** The sentences a result points at: utterance results by index, extracts by the words they quote. */
function highlightedBy(result: OperatorResult, sentences: Sentence[]): Set<number> {
  const indexes = new Set<number>();
  for (const item of result.utterance_results ?? []) indexes.add(item.sentence_index);
  const quoted = Object.values(result.extract_results ?? {})
    .flat()
    .map((text) => text.toLowerCase())
    .filter((text) => text.length > 0);
  if (quoted.length > 0) {
    for (const sentence of sentences) {
      const text = (sentence.transcript ?? '').toLowerCase();
      if (quoted.some((quote) => text.includes(quote))) indexes.add(sentence.sentence_index);
    }
  }
  return indexes;
}

export function TranscriptPage({ credentials, sid }: { credentials: Credentials; sid: string }) {
  const [transcript, setTranscript] = useState<Transcript | null>(null);
  const [sentences, setSentences] = useState<Sentence[] | null>(null);
  const [results, setResults] = useState<OperatorResult[] | null>(null);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const [redacted, setRedacted] = useState(true);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);

  const loadTranscript = () =>
    api<Transcript>(credentials, 'GET', `/v2/Transcripts/${sid}`).then(setTranscript, (failure) => setError(message(failure)));
  useEffect(() => {
    void loadTranscript();
  }, [sid]);
  usePolling(transcript !== null && !isSettled(transcript.status), loadTranscript);

  const status = transcript?.status;
  useEffect(() => {
    if (status === 'completed') {
      const flag = `Redacted=${redacted}`;
      Promise.all([
        listAll<Sentence>(credentials, `/v2/Transcripts/${sid}/Sentences?PageSize=5000&${flag}`, 'sentences'),
        listAll<OperatorResult>(credentials, `/v2/Transcripts/${sid}/OperatorResults?PageSize=1000&${flag}`, 'operator_results'),
      ]).then(
        ([sentenceList, resultList]) => {
          setSentences(sentenceList);
          setResults(resultList);
        },
        (failure) => setError(message(failure)),
      );
      void loadAudio(credentials, sid, redacted).then(setAudioUrl);
    }
    if (status === 'failed') {
      listAll<Alert>(credentials, '/v1/Alerts?PageSize=1000', 'alerts').then(
        (list) => setAlerts(list.filter((alert) => alert.resource_sid === sid)),
        () => setAlerts([]),
      );
    }
  }, [status, redacted, sid]);

  if (transcript === null) return error === null ? <Loading /> : <ErrorLine error={error} />;
  const participants = transcript.channel?.participants ?? [];
  const speaker = (channel: number) => {
    const participant = participants.find((item) => item.channel_participant === channel);
    return participant?.full_name || participant?.role || (channel === 1 ? 'Agent' : 'Customer');
  };
  const highlighted =
    selected === null || sentences === null
      ? new Set<number>()
      : highlightedBy(results?.find((result) => result.operator_sid === selected) ?? ({} as OperatorResult), sentences);
  const play = (sentence: Sentence) => {
    const start = seconds(sentence.start_time);
    if (audio.current === null || start === null) return;
    audio.current.currentTime = start;
    void audio.current.play().catch(() => undefined);
  };

  return (
    <section>
      <p class="crumbs">
        <Link to="/transcripts">Transcripts</Link> /
      </p>
      <div class="heading">
        <h1>
          Transcript <span class="sid">{transcript.sid}</span>
        </h1>
        <StatusBadge status={transcript.status} />
      </div>
      <p class="muted small">
        Created {when(transcript.date_created)} · {transcript.language_code} ·{' '}
        {transcript.duration > 0 ? `${transcript.duration} s` : 'duration not known yet'}
        {transcript.customer_key ? ` · customer key ${transcript.customer_key}` : ''}
      </p>
      <ErrorLine error={error} />
      {!isSettled(transcript.status) && (
        <p role="status" class="muted">
          {transcript.status === 'queued' ? 'Waiting to be processed…' : 'Being transcribed and analysed…'} This page updates by itself.
        </p>
      )}
      {transcript.status === 'failed' && (
        <div class="card" role="alert">
          <h2>This transcript failed</h2>
          {alerts.length === 0 ? (
            <p class="muted">
              See <Link to="/alerts">Alerts</Link> for why.
            </p>
          ) : (
            alerts.map((alert) => (
              <p key={alert.sid}>
                <strong>{alert.error_code}</strong> {alert.alert_text}
              </p>
            ))
          )}
        </div>
      )}
      {transcript.status === 'completed' && (
        <>
          <div class="toolbar">
            {transcript.redaction && (
              <label>
                <input type="checkbox" checked={!redacted} onChange={(event) => setRedacted(!event.currentTarget.checked)} /> Show the
                original (not redacted)
              </label>
            )}
            {audioUrl && <audio ref={audio} controls src={audioUrl} preload="metadata" aria-label="The conversation's audio" />}
          </div>
          <div class="conversation-layout">
            <ol class="conversation" aria-label="Conversation">
              {sentences === null ? (
                <Loading />
              ) : (
                sentences.map((sentence) => (
                  <li
                    key={sentence.sid}
                    class={`sentence channel-${sentence.media_channel}${highlighted.has(sentence.sentence_index) ? ' highlighted' : ''}`}
                    data-index={sentence.sentence_index}
                  >
                    <span class="speaker">{speaker(sentence.media_channel)}</span>
                    {audioUrl && sentence.start_time !== null ? (
                      <button
                        type="button"
                        class="time"
                        onClick={() => play(sentence)}
                        aria-label={`Play from ${clock(seconds(sentence.start_time))}`}
                      >
                        {clock(seconds(sentence.start_time))}
                      </button>
                    ) : (
                      <span class="time">{clock(seconds(sentence.start_time))}</span>
                    )}
                    <span class="text">{sentence.transcript}</span>
                  </li>
                ))
              )}
            </ol>
            <div class="results" aria-label="Operator results">
              {results !== null && results.length === 0 && (
                <p class="muted">
                  No operator results: no operators were attached to the service when this transcript was created, or none could run (see
                  Alerts).
                </p>
              )}
              {results?.map((result) => (
                <ResultCard
                  key={result.operator_sid}
                  result={result}
                  selected={selected === result.operator_sid}
                  onSelect={() => setSelected(selected === result.operator_sid ? null : result.operator_sid)}
                />
              ))}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/** The temporary signed URL of the stored media when it is audio; null for documents or none. */
async function loadAudio(credentials: Credentials, sid: string, redacted: boolean): Promise<string | null> {
  try {
    const media = await api<{ media_url: string }>(credentials, 'GET', `/v2/Transcripts/${sid}/Media?Redacted=${redacted}`);
    const head = await fetch(media.media_url, { method: 'HEAD', credentials: 'omit' });
    return head.ok && (head.headers.get('content-type') ?? '').startsWith('audio/') ? media.media_url : null;
  } catch {
    return null;
  }
}

function ResultCard({ result, selected, onSelect }: { result: OperatorResult; selected: boolean; onSelect: () => void }) {
  const points =
    (result.utterance_results?.length ?? 0) > 0 || Object.values(result.extract_results ?? {}).some((values) => values.length > 0);
  return (
    <article class={`card result${selected ? ' selected' : ''}`} aria-labelledby={`result-${result.operator_sid}`}>
      <h2 id={`result-${result.operator_sid}`}>{result.name}</h2>
      <p class="muted small">{result.operator_type}</p>
      {result.predicted_label !== null && (
        <p>
          <strong class="label">{result.predicted_label}</strong> {percent(result.predicted_probability)}
        </p>
      )}
      {result.label_probabilities !== null && (
        <ul class="probabilities">
          {Object.entries(result.label_probabilities)
            .sort((a, b) => b[1] - a[1])
            .map(([label, probability]) => (
              <li key={label}>
                <span>{label}</span>
                <meter min={0} max={1} value={probability} aria-label={`${label} probability`} /> <span>{percent(probability)}</span>
              </li>
            ))}
        </ul>
      )}
      {result.extract_match !== null && <p>{result.extract_match ? `Found ${percent(result.match_probability)}` : 'Not found'}</p>}
      {result.extract_results !== null && Object.keys(result.extract_results).length > 0 && (
        <dl class="extracts">
          {Object.entries(result.extract_results).map(([name, values]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{values.join(' · ')}</dd>
            </div>
          ))}
        </dl>
      )}
      {result.utterance_results !== null && (
        <p>
          {result.utterance_results.length} sentence{result.utterance_results.length === 1 ? '' : 's'} labelled
          {result.utterance_results.length > 0 ? `: ${[...new Set(result.utterance_results.map((item) => item.label))].join(', ')}` : ''}
        </p>
      )}
      {result.text_generation_results !== null && <p class="generated">{result.text_generation_results.result}</p>}
      {result.json_results !== null && <pre class="json">{JSON.stringify(result.json_results, null, 2)}</pre>}
      {result.normalized_result !== null && <p>{result.normalized_result}</p>}
      {points && (
        <button type="button" aria-pressed={selected} onClick={onSelect}>
          {selected ? 'Hide in conversation' : 'Show in conversation'}
        </button>
      )}
    </article>
  );
}
