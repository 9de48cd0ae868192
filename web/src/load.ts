import { useEffect, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (data: T) => void;
}

/** A resource of the API for a page: fetched again when `key` changes, abandoned when it does. */
export function useLoad<T>(key: string, fetcher: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    fetcher(abort.signal)
      .then((value) => { setData(value); setError(null); })
      .catch((failure: unknown) => { if (!abort.signal.aborted) { setError(failure); setData(null); } })
      .finally(() => { if (!abort.signal.aborted) setLoading(false); });
    return () => abort.abort();
  }, [key, round]);
  return { data, error, loading, reload: () => setRound((r) => r + 1), set: setData };
}

/** Pages by the API's opaque cursors: this page's, and back to the pages before it. */
export function useCursor() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  return {
    cursor: stack[stack.length - 1] ?? null,
    previous: stack.length > 1,
    toNext: (cursor: string) => setStack((s) => [...s, cursor]),
    toPrevious: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([null]),
  };
}
