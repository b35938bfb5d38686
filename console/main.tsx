// The console's shell: sign-in, navigation and the page for the current path (history API under
// /console/; the server answers index.html for every such path).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, storeCredentials, storedCredentials, type Credentials } from './api.js';
import { AlertList } from './alerts.js';
import { CustomOperatorEditor, CustomOperatorList } from './operators.js';
import { ServiceList, ServicePage } from './services.js';
import { BASE, Link, usePath } from './router.js';
import { TranscriptPage } from './transcript.js';
import { TranscriptList } from './transcripts.js';
import './style.css';

function SignIn({ onSignedIn }: { onSignedIn: (credentials: Credentials) => void }) {
  const [mode, setMode] = useState<'token' | 'key'>('token');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const credentials =
      mode === 'token'
        ? { username: field('accountSid'), password: field('authToken'), accountSid: field('accountSid') }
        : { username: field('keySid'), password: field('keySecret'), accountSid: field('accountSid') };
    setBusy(true);
    setError(null);
    try {
      await api(credentials, 'GET', '/v2/Services?PageSize=1');
      storeCredentials(credentials);
      onSignedIn(credentials);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'These credentials were refused (Authenticate).'
          : String((failure as Error).message),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>Intelligence console</h1>
      <form onSubmit={(event) => void submit(event)} class="card" aria-describedby={error ? 'signin-error' : undefined}>
        <fieldset class="switch">
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} /> Account SID and auth token
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} /> API key
          </label>
        </fieldset>
        {mode === 'token' ? (
          <>
            <Field label="Account SID" name="accountSid" placeholder="AC…" />
            <Field label="Auth token" name="authToken" type="password" />
          </>
        ) : (
          <>
            <Field label="API key SID" name="keySid" placeholder="SK…" />
            <Field label="API key secret" name="keySecret" type="password" />
            <Field label="Account SID" name="accountSid" placeholder="AC…" />
          </>
        )}
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p class="hint">The console calls the same /v2 API as any client; your credentials stay in this tab only.</p>
    </main>
  );
}

function Field({
  label,
  name,
  type = 'text',
  placeholder,
}: {
  label: string;
  name: string;
  type?: 'text' | 'password';
  placeholder?: string;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      {/* preact's input typings take one literal type at a time; the lint rule does not see that. */}
      {/* eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion */}
      <input name={name} type={type as 'text'} placeholder={placeholder} required autocomplete="off" spellcheck={false} />
    </label>
  );
}

function Page({ path, credentials }: { path: string; credentials: Credentials }) {
  const parts = path.split('/').filter(Boolean);
  const sid = parts[1] ?? '';
  if (parts.length === 0 || (parts[0] === 'services' && parts.length === 1)) return <ServiceList credentials={credentials} />;
  if (parts[0] === 'services' && parts.length === 2) return <ServicePage key={sid} credentials={credentials} sid={sid} />;
  if (parts[0] === 'operators' && parts.length === 1) return <CustomOperatorList credentials={credentials} />;
  if (parts[0] === 'operators' && parts.length === 2) return <CustomOperatorEditor key={sid} credentials={credentials} sid={sid} />;
  if (parts[0] === 'transcripts' && parts.length === 1) return <TranscriptList credentials={credentials} />;
  if (parts[0] === 'transcripts' && parts.length === 2) return <TranscriptPage key={sid} credentials={credentials} sid={sid} />;
  if (parts[0] === 'alerts' && parts.length === 1) return <AlertList credentials={credentials} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no console page at {BASE + path}. <Link to="/">Services</Link>
      </p>
    </section>
  );
}

const SECTIONS: Record<string, string> = {
  services: 'Services',
  operators: 'Custom operators',
  transcripts: 'Transcripts',
  alerts: 'Alerts',
};

function App() {
  const [credentials, setCredentials] = useState(storedCredentials());
  const path = usePath();
  useEffect(() => {
    const section = SECTIONS[path.split('/')[1] ?? ''] ?? 'Services';
    document.title = `${section} · Intelligence console`;
  }, [path]);
  if (credentials === null) return <SignIn onSignedIn={setCredentials} />;
  const current = (section: string) => (path.split('/')[1] || 'services') === section;
  return (
    <>
      <a href="#main" class="skip">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Intelligence console</span>
        <nav aria-label="Main">
          <Link to="/services" class={current('services') ? 'active' : ''}>
            Services
          </Link>
          <Link to="/operators" class={current('operators') ? 'active' : ''}>
            Custom operators
          </Link>
          <Link to="/transcripts" class={current('transcripts') ? 'active' : ''}>
            Transcripts
          </Link>
          <Link to="/alerts" class={current('alerts') ? 'active' : ''}>
            Alerts
          </Link>
        </nav>
        <span class="account" title="Signed in account">
          {credentials.accountSid || credentials.username}
        </span>
        <button
          type="button"
          onClick={() => {
            storeCredentials(null);
            setCredentials(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} credentials={credentials} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
