import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** How a change of the URL state is made. */
export interface UrlStateOptions {
  /** Replace the history entry instead of adding one (for changes not worth a Back step). */
  replace?: boolean;
  /** History state stored with the entry (react-router's location.state), e.g. the cursors paged through. */
  state?: unknown;
  /** Keep the page (`cursor`): for changes that do not change what is searched (the open event, time zone). */
  keepPage?: boolean;
}

/**
 * A page's filters, kept in the URL's query string so that a link (or a reload) reproduces the view. Values
 * are strings; lists are comma-separated. Setting a value to '' or undefined removes it; every change but
 * `cursor` pages back to the start (the cursor belongs to the filters it was issued for), unless `keepPage`.
 */
export function useUrlState<K extends string>(
  defaults: Partial<Record<K, string>> = {},
): [
  Record<K, string | undefined>,
  (patch: Partial<Record<K, string | undefined | null>>, opts?: UrlStateOptions) => void,
] {
  const [params, setParams] = useSearchParams();
  // Defaults are a literal per page: compared by content, so a new object each render changes nothing.
  const defaultsKey = JSON.stringify(defaults);
  const values = useMemo(() => {
    const out: Record<string, string | undefined> = JSON.parse(defaultsKey);
    for (const [k, v] of params) out[k] = v;
    return out as Record<K, string | undefined>;
  }, [params, defaultsKey]);
  const set = useCallback(
    (patch: Partial<Record<K, string | undefined | null>>, opts: UrlStateOptions = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch) as Array<[string, string | undefined | null]>) {
            if (v === undefined || v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          if (!('cursor' in patch) && !opts.keepPage) next.delete('cursor');
          return next;
        },
        { replace: opts.replace ?? false, ...(opts.state === undefined ? {} : { state: opts.state }) },
      );
    },
    [setParams],
  );
  return [values, set];
}

export { listOf } from './lists';
