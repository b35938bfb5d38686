// Small pieces every page uses: the confirmation dialog, a page's error line, a loading state.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A modal <dialog>: the browser traps focus in it and Escape cancels it. */
export function ConfirmDialog(props: { title: string; children: ComponentChildren; confirm: string; onConfirm: () => void; onCancel: () => void }) {
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
