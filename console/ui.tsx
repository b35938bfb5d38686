// Small pieces every page uses: the confirmation dialog, a page's error line, a loading state, a list's
// table, filters and state.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, listAll, type Credentials } from './api.js';

/** A modal <dialog>: the browser traps focus in it and Escape cancels it. */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onCancel={props.onCancel} onClose={props.onCancel}>
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <div class="actions">
        <button type="button" onClick={props.onCancel} autofocus>
          Cancel
        </button>
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}

export function ErrorLine({ error, id }: { error: string | null; id?: string }) {
  return error === null ? null : (
    <p class="error" role="alert" id={id}>
      {error}
    </p>
  );
}

export const Loading = () => (
  <p class="muted" role="status">
    Loading…
  </p>
);

export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** For deletable resources: a Delete button ending each row, calling `onDelete`, named `Delete ${name(item)}`. */
type Deletion<T> = { onDelete: (item: T) => void; name: (item: T) => string } | { onDelete?: undefined; name?: undefined };

/**
 * A list page's table: one row per resource and its cells, a column's cells with the class `classes`
 * gives it (a SID's typeface, a long text's width), and a Delete button on each row of deletable ones.
 */
export function ResourceTable<T extends { sid: string }>(
  props: {
    caption: string;
    columns: string[];
    classes?: Record<string, string>;
    items: T[];
    cells: (item: T) => ComponentChildren[];
  } & Deletion<T>,
) {
  const { onDelete, name } = props;
  return (
    <table>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          {onDelete && (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.items.map((item) => (
          <tr key={item.sid}>
            {props.cells(item).map((cell, index) => (
              <td key={index} class={props.classes?.[props.columns[index] ?? '']}>
                {cell}
              </td>
            ))}
            {onDelete && (
              <td class="actions">
                <button type="button" class="danger" onClick={() => onDelete(item)} aria-label={`Delete ${name(item)}`}>
                  Delete
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A list's filter: a select of `values`, shown as `text` gives them, after `unfiltered`, the option ('') that filters nothing. */
export function FilterSelect(props: {
  label: string;
  unfiltered: string;
  values: readonly string[];
  text?: (value: string) => string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        <option value="">{props.unfiltered}</option>
        {props.values.map((value) => (
          <option value={value} key={value}>
            {props.text ? props.text(value) : value}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A list page's state: the resources (every page), the one whose deletion awaits confirmation, and its deletion. */
export function useResourceList<T extends { sid: string }>(
  credentials: Credentials,
  listPath: string,
  key: string,
  pathOf: (item: T) => string,
) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  useEffect(() => {
    listAll<T>(credentials, listPath, key).then(setItems, (failure) => setError(message(failure)));
  }, []);
  const remove = async (item: T) => {
    setDeleting(null);
    setError(null);
    try {
      await api(credentials, 'DELETE', pathOf(item));
      setItems((list) => list?.filter((other) => other.sid !== item.sid) ?? null);
    } catch (failure) {
      setError(message(failure));
    }
  };
  return { items, error, deleting, setDeleting, remove };
}

/** A form's submit button, and "Saved" announced after it once the server took the change. */
export const Submit = ({ label, saved }: { label: string; saved: boolean }) => (
  <>
    <button type="submit" class="primary">
      {label}
    </button>
    {saved && (
      <span role="status" class="ok">
        Saved
      </span>
    )}
  </>
);
