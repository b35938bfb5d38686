// Paths under /console/ through the history API (the server answers index.html for each).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export function navigate(path: string): void {
  history.pushState(null, '', BASE + path);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** An in-console link: a real <a href> (keyboard, new tab), followed without reloading. */
export function Link({ to, children, class: className }: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={BASE + to}
      class={className}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname.slice(BASE.length) || '/');
  useEffect(() => {
    const update = () => setPath(location.pathname.slice(BASE.length) || '/');
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}
