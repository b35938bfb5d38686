// Transcripts: the list with the API's filters and live status, creating one from a media URL with
// the participants' roles, and deletion after a confirmation. The conversation page is transcript.tsx.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, isSettled, listAll, type Credentials, type Service, type Transcript } from './api.js';
import { usePolling } from './live.js';
import { Link, navigate } from './router.js';
import { ConfirmDialog, ErrorLine, FilterSelect, Loading, message, ResourceTable } from './ui.js';

const STATUSES = ['queued', 'in-progress', 'completed', 'failed'];

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

export const when = (iso: string) => new Date(iso).toLocaleString();

export function TranscriptList({ credentials }: { credentials: Credentials }) {
  const [services, setServices] = useState<Service[]>([]);
  const [transcripts, setTranscripts] = useState<Transcript[] | null>(null);
  const [serviceSid, setServiceSid] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Transcript | null>(null);

  const query = () => {
    const params = new URLSearchParams({ PageSize: '1000' });
    if (serviceSid) params.set('ServiceSid', serviceSid);
    if (status) params.set('Status', status);
    return `/v2/Transcripts?${params}`;
  };
  const load = () =>
    listAll<Transcript>(credentials, query(), 'transcripts').then(
      (list) => {
        setTranscripts(list.reverse());
        setError(null);
      },
      (failure) => setError(message(failure)),
    );
  useEffect(() => {
    listAll<Service>(credentials, '/v2/Services?PageSize=1000', 'services').then(setServices, (failure) => setError(message(failure)));
  }, []);
  useEffect(() => {
    void load();
  }, [serviceSid, status]);
  usePolling(transcripts?.some((transcript) => !isSettled(transcript.status)) ?? false, load);

  const remove = async (transcript: Transcript) => {
    setDeleting(null);
    try {
      await api(credentials, 'DELETE', `/v2/Transcripts/${transcript.sid}`);
      setTranscripts((list) => list?.filter((other) => other.sid !== transcript.sid) ?? null);
    } catch (failure) {
      setError(message(failure));
    }
  };
  const serviceName = (sid: string) => services.find((service) => service.sid === sid)?.unique_name ?? sid;

  return (
    <section>
      <div class="heading">
        <h1>Transcripts</h1>
        {!creating && (
          <button type="button" class="primary" onClick={() => setCreating(true)} disabled={services.length === 0}>
            New transcript
          </button>
        )}
      </div>
      {creating && (
        <div class="card">
          <h2>New transcript</h2>
          <TranscriptForm
            credentials={credentials}
            services={services}
            onCreated={(transcript) => navigate(`/transcripts/${transcript.sid}`)}
            onCancel={() => setCreating(false)}
          />
        </div>
      )}
      <div class="filters transcript-filters" role="search">
        <FilterSelect
          label="Service"
          unfiltered="Every service"
          values={services.map((service) => service.sid)}
          text={serviceName}
          value={serviceSid}
          onChange={setServiceSid}
        />
        <FilterSelect label="Status" unfiltered="Any status" values={STATUSES} value={status} onChange={setStatus} />
      </div>
      <ErrorLine error={error} />
      {transcripts === null ? (
        error === null && <Loading />
      ) : transcripts.length === 0 ? (
        <p class="muted">
          No transcripts
          {serviceSid || status
            ? ' match these filters'
            : ' yet. Create one from a media URL: audio (WAV, MP3, FLAC) or a WebVTT or JSON transcript'}
          .
        </p>
      ) : (
        <ResourceTable
          caption="Transcripts, newest first"
          columns={['Created', 'Service', 'Status', 'Duration', 'Customer key', 'SID']}
          classes={{ SID: 'sid' }}
          items={transcripts}
          cells={(transcript) => [
            <Link to={`/transcripts/${transcript.sid}`}>{when(transcript.date_created)}</Link>,
            serviceName(transcript.service_sid),
            <StatusBadge status={transcript.status} />,
            transcript.duration > 0 ? `${transcript.duration} s` : '—',
            transcript.customer_key ?? '—',
            transcript.sid,
          ]}
          name={(transcript) => `transcript ${transcript.sid}`}
          onDelete={setDeleting}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this transcript?"
          confirm="Delete transcript"
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Transcript <span class="sid">{deleting.sid}</span> will be deleted with its sentences, operator results and stored media. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function TranscriptForm(props: {
  credentials: Credentials;
  services: Service[];
  onCreated: (transcript: Transcript) => void;
  onCancel: () => void;
}) {
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const participants = [1, 2]
      .map((channel) => ({ channel_participant: channel, role: field(`role${channel}`), full_name: field(`name${channel}`) }))
      .filter((participant) => participant.role || participant.full_name)
      .map((participant) => ({
        channel_participant: participant.channel_participant,
        ...(participant.role ? { role: participant.role } : {}),
        ...(participant.full_name ? { full_name: participant.full_name } : {}),
      }));
    const channel = { media_properties: { media_url: field('mediaUrl') }, participants };
    setBusy(true);
    setError(null);
    try {
      const transcript = await api<Transcript>(props.credentials, 'POST', '/v2/Transcripts', {
        ServiceSid: field('serviceSid'),
        Channel: JSON.stringify(channel),
        CustomerKey: field('customerKey') || undefined,
      });
      props.onCreated(transcript);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  const invalid = (parameter: string) =>
    error instanceof ApiError && (error.parameter === parameter || (parameter === 'Channel' && [95005, 95006].includes(error.code)));
  return (
    <form onSubmit={(event) => void submit(event)} aria-describedby={error ? 'transcript-error' : undefined}>
      <div class="grid">
        <label class="field">
          <span>Service</span>
          <select name="serviceSid" required aria-invalid={invalid('ServiceSid')}>
            {props.services.map((service) => (
              <option value={service.sid} key={service.sid}>
                {service.unique_name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Media URL</span>
          <input name="mediaUrl" type="url" required placeholder="https://example.com/call.wav" aria-invalid={invalid('Channel')} />
        </label>
        <label class="field">
          <span>Customer key (optional)</span>
          <input name="customerKey" maxLength={64} />
        </label>
      </div>
      <fieldset>
        <legend>Participants (optional)</legend>
        <div class="grid">
          {[1, 2].map((channel) => (
            <div key={channel}>
              <label class="field">
                <span>Channel {channel} role</span>
                <input name={`role${channel}`} placeholder={channel === 1 ? 'Agent' : 'Customer'} />
              </label>
              <label class="field">
                <span>Channel {channel} full name</span>
                <input name={`name${channel}`} />
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <ErrorLine error={error === null ? null : error.message} id="transcript-error" />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Create transcript
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
