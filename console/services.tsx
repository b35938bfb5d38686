// Services: the list, the create and edit form (the API's own validation messages beside the field
// they name), deletion after a confirmation, and a service's page with its operators.
import { useEffect, useState } from 'preact/hooks';
import { TRANSCRIPTION_LANGUAGES } from '../src/languages.js';
import { api, ApiError, type Credentials, type Service } from './api.js';
import { Link, navigate } from './router.js';
import { ServiceOperators } from './service-operators.js';
import { ConfirmDialog, ErrorLine, Loading, message, ResourceTable, Submit, useResourceList } from './ui.js';

export function ServiceList({ credentials }: { credentials: Credentials }) {
  const {
    items: services,
    error,
    deleting,
    setDeleting,
    remove,
  } = useResourceList<Service>(credentials, '/v2/Services?PageSize=1000', 'services', (service) => `/v2/Services/${service.sid}`);
  const [creating, setCreating] = useState(false);
  return (
    <section>
      <div class="heading">
        <h1>Services</h1>
        {!creating && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New service
          </button>
        )}
      </div>
      {creating && (
        <div class="card">
          <h2>New service</h2>
          <ServiceForm
            credentials={credentials}
            onSaved={(service) => navigate(`/services/${service.sid}`)}
            onCancel={() => setCreating(false)}
          />
        </div>
      )}
      <ErrorLine error={error} />
      {services === null ? (
        error === null && <Loading />
      ) : services.length === 0 ? (
        <p class="muted">No services yet. A service holds the settings and operators that transcripts are analysed with.</p>
      ) : (
        <ResourceTable
          caption="Your services"
          columns={['Unique name', 'Friendly name', 'Language', 'Operators', 'SID']}
          classes={{ SID: 'sid' }}
          items={services}
          cells={(service) => [
            <Link to={`/services/${service.sid}`}>{service.unique_name}</Link>,
            service.friendly_name ?? '—',
            service.language_code,
            service.read_only_attached_operator_sids.length,
            service.sid,
          ]}
          name={(service) => service.unique_name}
          onDelete={setDeleting}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this service?"
          confirm="Delete service"
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            <strong>{deleting.unique_name}</strong> will be deleted, with its attached operators (
            {deleting.read_only_attached_operator_sids.length}). This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

type Values = { UniqueName: string; FriendlyName: string; LanguageCode: string; WebhookUrl: string; WebhookHttpMethod: string } & Record<
  'AutoTranscribe' | 'DataLogging' | 'AutoRedaction' | 'MediaRedaction',
  boolean
>;

const valuesOf = (service?: Service): Values => ({
  UniqueName: service?.unique_name ?? '',
  FriendlyName: service?.friendly_name ?? '',
  LanguageCode: service?.language_code ?? 'en-US',
  WebhookUrl: service?.webhook_url ?? '',
  WebhookHttpMethod: service?.webhook_http_method ?? 'POST',
  AutoTranscribe: service?.auto_transcribe ?? false,
  DataLogging: service?.data_logging ?? false,
  AutoRedaction: service?.auto_redaction ?? false,
  MediaRedaction: service?.media_redaction ?? false,
});

const CHECKBOXES = [
  ['AutoTranscribe', 'Transcribe every recording automatically'],
  ['DataLogging', 'Allow data logging (to improve the models)'],
  ['AutoRedaction', 'Redact personal data in transcripts'],
  ['MediaRedaction', 'Redact personal data in the media too (needs redaction)'],
] as const;

/** Creates a service, or updates one with only the fields that changed (If-Match: a change made elsewhere meanwhile is not overwritten). */
export function ServiceForm(props: {
  credentials: Credentials;
  service?: Service;
  onSaved: (service: Service) => void;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState(valuesOf(props.service));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const set = (name: keyof Values, value: string | boolean) => {
    setSaved(false);
    setValues({ ...values, [name]: value });
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const original = valuesOf(props.service);
    const form: Record<string, string | boolean> = {};
    for (const [name, value] of Object.entries(values) as Array<[keyof Values, string | boolean]>) {
      if (props.service === undefined ? value !== '' : value !== original[name]) form[name] = value;
    }
    setError(null);
    try {
      const service = props.service
        ? await api<Service>(props.credentials, 'POST', `/v2/Services/${props.service.sid}`, form, {
            'If-Match': String(props.service.version),
          })
        : await api<Service>(props.credentials, 'POST', '/v2/Services', form);
      setSaved(props.service !== undefined);
      props.onSaved(service);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 0, message(failure)));
    }
  };
  const fieldError = (name: string) =>
    error?.parameter === name ? (
      <span class="field-error" id={`${name}-error`} role="alert">
        {error.message}
      </span>
    ) : null;
  const described = (name: string) => (error?.parameter === name ? `${name}-error` : undefined);
  const text = (name: 'UniqueName' | 'FriendlyName' | 'WebhookUrl', label: string, hint?: string) => (
    <label class="field">
      <span>{label}</span>
      <input
        name={name}
        value={values[name]}
        onInput={(event) => set(name, event.currentTarget.value)}
        aria-invalid={error?.parameter === name}
        aria-describedby={described(name)}
        placeholder={hint}
      />
      {fieldError(name)}
    </label>
  );
  const unplaced =
    error !== null &&
    !['UniqueName', 'FriendlyName', 'WebhookUrl', 'LanguageCode', 'WebhookHttpMethod', ...CHECKBOXES.map(([name]) => name)].includes(
      error.parameter ?? '',
    );
  return (
    <form onSubmit={(event) => void submit(event)} class="service-form" noValidate>
      <div class="grid">
        {text('UniqueName', 'Unique name')}
        {text('FriendlyName', 'Friendly name')}
        <label class="field">
          <span>Language</span>
          <select
            name="LanguageCode"
            value={values.LanguageCode}
            disabled={props.service !== undefined}
            onChange={(event) => set('LanguageCode', event.currentTarget.value)}
            aria-describedby={described('LanguageCode')}
          >
            {TRANSCRIPTION_LANGUAGES.map((language) => (
              <option key={language}>{language}</option>
            ))}
          </select>
          {props.service !== undefined && <span class="muted small">A service's language cannot change.</span>}
          {fieldError('LanguageCode')}
        </label>
        {text('WebhookUrl', 'Webhook URL', 'https://…')}
        <label class="field">
          <span>Webhook method</span>
          <select
            name="WebhookHttpMethod"
            value={values.WebhookHttpMethod}
            onChange={(event) => set('WebhookHttpMethod', event.currentTarget.value)}
          >
            <option>POST</option>
            <option>GET</option>
          </select>
          {fieldError('WebhookHttpMethod')}
        </label>
      </div>
      <fieldset class="checks">
        <legend>Processing</legend>
        {CHECKBOXES.map(([name, label]) => (
          <div key={name}>
            <label>
              <input
                type="checkbox"
                name={name}
                checked={values[name]}
                onChange={(event) => set(name, event.currentTarget.checked)}
                aria-describedby={described(name)}
              />{' '}
              {label}
            </label>
            {fieldError(name)}
          </div>
        ))}
      </fieldset>
      {unplaced && <ErrorLine error={error.message} />}
      <div class="actions">
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <Submit label={props.service ? 'Save changes' : 'Create service'} saved={saved} />
      </div>
    </form>
  );
}

export function ServicePage({ credentials, sid }: { credentials: Credentials; sid: string }) {
  const [service, setService] = useState<Service | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Service>(credentials, 'GET', `/v2/Services/${sid}`).then(setService, (failure) => setError(message(failure)));
  }, [sid]);
  if (service === null) return error === null ? <Loading /> : <ErrorLine error={error} />;
  return (
    <section>
      <p class="crumbs">
        <Link to="/services">Services</Link> / {service.unique_name}
      </p>
      <h1>{service.friendly_name || service.unique_name}</h1>
      <p class="sid">
        {service.sid} · {service.language_code} · version {service.version}
      </p>
      <details class="card">
        <summary>Settings</summary>
        <ServiceForm credentials={credentials} service={service} onSaved={setService} />
      </details>
      <ServiceOperators credentials={credentials} service={service} onChanged={setService} />
    </section>
  );
}
