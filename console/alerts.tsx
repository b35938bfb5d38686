// Alerts (Twilio's Monitor API, /v1/Alerts): why a transcript failed, a webhook was not delivered or
// an operator could not run, newest first, with a link to the transcript each is about.
import { useEffect, useState } from 'preact/hooks';
import { listAll, type Alert, type Credentials } from './api.js';
import { Link } from './router.js';
import { when } from './transcripts.js';
import { ErrorLine, FilterSelect, Loading, message, ResourceTable } from './ui.js';

const LEVELS = ['error', 'warning', 'notice', 'debug'];

export function AlertList({ credentials }: { credentials: Credentials }) {
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [level, setLevel] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setAlerts(null);
    listAll<Alert>(credentials, `/v1/Alerts?PageSize=1000${level ? `&LogLevel=${level}` : ''}`, 'alerts').then(
      (list) => setAlerts([...list].sort((a, b) => b.date_generated.localeCompare(a.date_generated))),
      (failure) => setError(message(failure)),
    );
  }, [level]);
  return (
    <section>
      <h1>Alerts</h1>
      <div class="filters alert-filters" role="search">
        <FilterSelect label="Log level" unfiltered="Every level" values={LEVELS} value={level} onChange={setLevel} />
      </div>
      <ErrorLine error={error} />
      {alerts === null ? (
        error === null && <Loading />
      ) : alerts.length === 0 ? (
        <p class="muted">No alerts. They appear when a transcript fails, a webhook is not delivered or an operator cannot run.</p>
      ) : (
        <ResourceTable
          caption="Alerts, newest first"
          columns={['When', 'Level', 'Code', 'What happened', 'About']}
          classes={{ 'What happened': 'alert-text', About: 'sid' }}
          items={alerts}
          cells={(alert) => [
            when(alert.date_generated),
            <span class={`badge level-${alert.log_level}`}>{alert.log_level}</span>,
            alert.error_code,
            alert.alert_text,
            alert.resource_sid?.startsWith('GT') ? (
              <Link to={`/transcripts/${alert.resource_sid}`}>{alert.resource_sid}</Link>
            ) : (
              (alert.resource_sid ?? '—')
            ),
          ]}
        />
      )}
    </section>
  );
}
