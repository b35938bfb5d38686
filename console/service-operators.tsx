// A service's operators: the attached ones, and the catalog to attach from (pre-built and the
// account's custom operators), searchable and filtered; an operator the service cannot run is
// listed with the reason. Attach and detach are one click each and show at once.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, listAll, type Credentials, type Operator, type OperatorType, type Service } from './api.js';
import { ErrorLine, FilterSelect, Loading, message } from './ui.js';

/** Why the service cannot run this operator (as the API would refuse the attach), or null. */
export function cannotRun(operator: Operator, type: OperatorType | undefined, service: Service): string | null {
  if (operator.availability === 'retired') return 'Retired: it can no longer be attached.';
  if (type === undefined) return null;
  const base = service.language_code.split('-')[0];
  if (!type.supported_languages.some((language) => language === service.language_code || language === base)) {
    return `Not available in ${service.language_code} (supports ${type.supported_languages.join(', ')}).`;
  }
  return null;
}

const KINDS: Record<string, string> = {
  'text-classification': 'Classification',
  'text-extraction': 'Extraction',
  'text-extraction-normalized': 'Extraction (normalized)',
  'text-generation': 'Generation',
  json: 'JSON',
};

export function ServiceOperators(props: { credentials: Credentials; service: Service; onChanged: (service: Service) => void }) {
  const { credentials, service } = props;
  const [operators, setOperators] = useState<Operator[] | null>(null);
  const [types, setTypes] = useState<Map<string, OperatorType>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState('');
  const [availability, setAvailability] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([
      listAll<Operator>(credentials, '/v2/Operators?PageSize=1000', 'operators'),
      listAll<OperatorType>(credentials, '/v2/OperatorTypes?PageSize=1000', 'operator_types'),
    ]).then(
      ([operatorList, typeList]) => {
        setTypes(new Map(typeList.map((type) => [type.name, type])));
        setOperators(operatorList);
      },
      (failure) => setError(message(failure)),
    );
  }, []);
  const attached = service.read_only_attached_operator_sids;
  const byId = useMemo(() => new Map((operators ?? []).map((operator) => [operator.sid, operator])), [operators]);
  const kindOf = (operator: Operator) => types.get(operator.operator_type)?.output_type ?? '';

  const change = async (operator: Operator, attach: boolean) => {
    setBusy(operator.sid);
    setError(null);
    try {
      await api(credentials, attach ? 'POST' : 'DELETE', `/v2/Services/${service.sid}/Operators/${operator.sid}`);
      // Shown at once; the service is then read again for its new version.
      const sids = attach
        ? [...attached.filter((sid) => sid !== operator.sid), operator.sid]
        : attached.filter((sid) => sid !== operator.sid);
      props.onChanged({ ...service, read_only_attached_operator_sids: sids });
      props.onChanged(await api<Service>(credentials, 'GET', `/v2/Services/${service.sid}`));
    } catch (failure) {
      setError(message(failure));
    } finally {
      setBusy(null);
    }
  };

  if (operators === null) return error === null ? <Loading /> : <ErrorLine error={error} />;
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const catalog = operators.filter(
    (operator) =>
      !attached.includes(operator.sid) &&
      (kind === '' || kindOf(operator) === kind) &&
      (availability === '' || operator.availability === availability) &&
      words.every((word) =>
        `${operator.friendly_name} ${operator.description ?? ''} ${operator.operator_type}`.toLowerCase().includes(word),
      ),
  );
  // What the service can run first; what it cannot after, still listed with the reason.
  const runnable = (operator: Operator) => (cannotRun(operator, types.get(operator.operator_type), service) === null ? 0 : 1);
  catalog.sort((a, b) => runnable(a) - runnable(b));
  const availabilities = [...new Set(operators.map((operator) => operator.availability))].sort();
  const kinds = [...new Set(operators.map(kindOf))].filter(Boolean).sort();
  const row = (operator: Operator, isAttached: boolean) => {
    const reason = isAttached ? null : cannotRun(operator, types.get(operator.operator_type), service);
    return (
      <li key={operator.sid} class={reason ? 'operator unavailable' : 'operator'}>
        <div class="operator-text">
          <strong>{operator.friendly_name}</strong>
          <span class="badges">
            <span class="badge">{KINDS[kindOf(operator)] ?? kindOf(operator)}</span>
            <span class={`badge ${operator.availability}`}>{operator.availability}</span>
            {operator.author !== 'twilio' && <span class="badge custom">custom</span>}
          </span>
          {operator.description && <span class="muted small">{operator.description}</span>}
          {reason && <span class="reason">{reason}</span>}
        </div>
        {isAttached ? (
          <button
            type="button"
            onClick={() => void change(operator, false)}
            disabled={busy === operator.sid}
            aria-label={`Detach ${operator.friendly_name}`}
          >
            Detach
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            onClick={() => void change(operator, true)}
            disabled={reason !== null || busy === operator.sid}
            aria-label={`Attach ${operator.friendly_name}`}
          >
            Attach
          </button>
        )}
      </li>
    );
  };
  return (
    <div class="operators">
      <ErrorLine error={error} />
      <section aria-labelledby="attached-title" class="card">
        <h2 id="attached-title">Attached operators ({attached.length})</h2>
        {attached.length === 0 ? (
          <p class="muted">None yet: attach operators from the catalog.</p>
        ) : (
          <ul class="operator-list" aria-label="Attached operators">
            {attached
              .map((sid) => byId.get(sid))
              .map((operator, index) =>
                operator ? (
                  row(operator, true)
                ) : (
                  <li key={attached[index]} class="sid">
                    {attached[index]}
                  </li>
                ),
              )}
          </ul>
        )}
      </section>
      <section aria-labelledby="catalog-title" class="card">
        <h2 id="catalog-title">Catalog</h2>
        <div class="filters">
          <label class="field">
            <span>Search</span>
            <input
              type="search"
              value={search}
              onInput={(event) => setSearch(event.currentTarget.value)}
              placeholder="Name or description"
            />
          </label>
          <FilterSelect
            label="Kind"
            unfiltered="All kinds"
            values={kinds}
            text={(value) => KINDS[value] ?? value}
            value={kind}
            onChange={setKind}
          />
          <FilterSelect label="Availability" unfiltered="Any" values={availabilities} value={availability} onChange={setAvailability} />
        </div>
        <p class="muted small" role="status">
          {catalog.length} of {operators.length - attached.length} operators
        </p>
        <ul class="operator-list" aria-label="Catalog">
          {catalog.map((operator) => row(operator, false))}
        </ul>
      </section>
    </div>
  );
}
