// Live status: ask again every few seconds while `active` holds, and stop once it does not (or the
// page goes away). Polling the public API keeps the console a plain client of it.
import { useEffect, useRef } from 'preact/hooks';

export const POLL_MS = 1500;

export function usePolling(active: boolean, refresh: () => Promise<void> | void, intervalMs = POLL_MS): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      }
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, intervalMs]);
}
