// Custom operators: the account's list, deletion after a confirmation, and the editor whose Config
// form is generated from the operator type's config_schema (schema-form.tsx).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, listAll, type Credentials, type Operator, type OperatorType } from './api.js';
import { Link, navigate } from './router.js';
import { configOf, emptyValue, formValue, SchemaField, type ConfigError } from './schema-form.js';
import { ConfirmDialog, ErrorLine, Loading, message, ResourceTable, Submit, useResourceList } from './ui.js';

export function CustomOperatorList({ credentials }: { credentials: Credentials }) {
  const {
    items: operators,
    error,
    deleting,
    setDeleting,
    remove,
  } = useResourceList<Operator>(
    credentials,
    '/v2/Operators/Custom?PageSize=1000',
    'operators',
    (operator) => `/v2/Operators/Custom/${operator.sid}`,
  );
  return (
    <section>
      <div class="heading">
        <h1>Custom operators</h1>
        <Link to="/operators/new" class="button primary">
          New custom operator
        </Link>
      </div>
      <ErrorLine error={error} />
      {operators === null ? (
        error === null && <Loading />
      ) : operators.length === 0 ? (
        <p class="muted">No custom operators yet: phrase spotting, classification by phrase, or a prompt of your own.</p>
      ) : (
        <ResourceTable
          caption="Your custom operators"
          columns={['Name', 'Type', 'Version', 'SID']}
          classes={{ SID: 'sid' }}
          items={operators}
          cells={(operator) => [
            <Link to={`/operators/${operator.sid}`}>{operator.friendly_name}</Link>,
            operator.operator_type,
            operator.version,
            operator.sid,
          ]}
          name={(operator) => operator.friendly_name}
          onDelete={setDeleting}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this custom operator?"
          confirm="Delete operator"
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            <strong>{deleting.friendly_name}</strong> will be deleted. An operator still attached to a service cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** sid "new" creates one; an LY… SID edits it (If-Match: a change made elsewhere meanwhile is not overwritten). */
export function CustomOperatorEditor({ credentials, sid }: { credentials: Credentials; sid: string }) {
  const [types, setTypes] = useState<OperatorType[] | null>(null);
  const [operator, setOperator] = useState<Operator | null>(null);
  const [typeName, setTypeName] = useState('');
  const [name, setName] = useState('');
  const [config, setConfig] = useState<unknown>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [configErrors, setConfigErrors] = useState<ConfigError[]>([]);
  const [saved, setSaved] = useState(false);
  const isNew = sid === 'new';
  useEffect(() => {
    Promise.all([
      listAll<OperatorType>(credentials, '/v2/OperatorTypes?PageSize=1000', 'operator_types'),
      isNew ? null : api<Operator>(credentials, 'GET', `/v2/Operators/Custom/${sid}`),
    ]).then(
      ([typeList, existing]) => {
        const configurable = typeList.filter((type) => type.configurable && type.config_schema !== null);
        const type = existing ? configurable.find((item) => item.name === existing.operator_type) : configurable[0];
        setTypes(configurable);
        setOperator(existing);
        setName(existing?.friendly_name ?? '');
        setTypeName(type?.name ?? '');
        setConfig(type ? (existing ? formValue(type.config_schema!, existing.config) : emptyValue(type.config_schema!)) : undefined);
      },
      (failure) => setError(new ApiError(0, 0, message(failure))),
    );
  }, [sid]);
  if (types === null) return error === null ? <Loading /> : <ErrorLine error={error.message} />;
  const type = types.find((item) => item.name === typeName);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (type === undefined) return;
    setSaved(false);
    setError(null);
    const problems: ConfigError[] = [];
    const value = configOf(type.config_schema!, config, '', problems);
    setConfigErrors(problems);
    if (problems.length > 0) return;
    const form = { FriendlyName: name, Config: JSON.stringify(value) };
    try {
      const result = operator
        ? await api<Operator>(credentials, 'POST', `/v2/Operators/Custom/${operator.sid}`, form, { 'If-Match': String(operator.version) })
        : await api<Operator>(credentials, 'POST', '/v2/Operators/Custom', { ...form, OperatorType: type.name });
      setOperator(result);
      setSaved(true);
      if (isNew) navigate(`/operators/${result.sid}`);
    } catch (failure) {
      const apiError = failure instanceof ApiError ? failure : new ApiError(0, 0, message(failure));
      setError(apiError);
      setConfigErrors(apiError.errors);
    }
  };
  const nameError = error?.parameter === 'FriendlyName';
  return (
    <section>
      <p class="crumbs">
        <Link to="/operators">Custom operators</Link> / {operator?.friendly_name ?? 'New'}
      </p>
      <h1>{operator ? operator.friendly_name : 'New custom operator'}</h1>
      {operator && (
        <p class="sid">
          {operator.sid} · {operator.operator_type} · version {operator.version}
        </p>
      )}
      <form class="card" onSubmit={(event) => void submit(event)} noValidate>
        <div class="grid">
          <label class="field">
            <span>Friendly name</span>
            <input
              name="FriendlyName"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
              aria-invalid={nameError}
              aria-describedby={nameError ? 'name-error' : undefined}
            />
            {nameError && (
              <span class="field-error" id="name-error" role="alert">
                {error.message}
              </span>
            )}
          </label>
          <label class="field">
            <span>Operator type</span>
            <select
              name="OperatorType"
              value={typeName}
              disabled={!isNew}
              onChange={(event) => {
                const next = types.find((item) => item.name === event.currentTarget.value);
                setTypeName(event.currentTarget.value);
                setConfig(next ? emptyValue(next.config_schema!) : undefined);
                setConfigErrors([]);
              }}
            >
              {types.map((item) => (
                <option key={item.name} value={item.name}>
                  {item.friendly_name}
                </option>
              ))}
            </select>
            {!isNew && <span class="muted small">An operator's type cannot change.</span>}
          </label>
        </div>
        {type && <p class="muted">{type.config_schema!.description ?? type.description}</p>}
        {type && (
          <SchemaField schema={type.config_schema!} value={config} path="" label="Config" errors={configErrors} onChange={setConfig} />
        )}
        {error && !nameError && <ErrorLine error={configErrors.length > 0 ? `The config was refused: ${error.message}` : error.message} />}
        {configErrors.length > 0 && !error && <ErrorLine error="The config has problems: see the fields marked below." />}
        <div class="actions">
          <Submit label={isNew ? 'Create operator' : 'Save changes'} saved={saved} />
        </div>
      </form>
    </section>
  );
}
