import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import {
  type ActivityState,
  type ActivityView,
  type AggregateResult,
  aggregateParams,
  type EnrichedEvent,
  type FacetSpec,
  groupValue,
} from '../activity-view';
import { ApiError, useApi } from '../api';
import type { Window } from '../time-range';
import { listOf } from '../url-state';

/** GET /activities. */
export interface SearchPage {
  data: EnrichedEvent[];
  next_cursor: string | null;
}

/** The dimensions whose values the directory names, and the search parameter finding an event of one. */
const NAMED: Partial<Record<FacetSpec['dimension'], 'user_id' | 'app_id' | 'actor_id'>> = {
  user_id: 'user_id',
  app_id: 'app_id',
  actor_id: 'actor_id',
};

/** Values per facet. */
const TOP = 5;

/**
 * The facet column ("group by"): for each of the view's facets, the top values for the current filters
 * (GET /activities/aggregate with group_by and top), each a button that filters by it (or, when it is the
 * filter already, removes it). A facet the API cannot count (more than 20,000 events through the indexes)
 * shows the API's reason instead.
 */
interface FacetsProps {
  view: ActivityView;
  state: ActivityState;
  window: Window;
  /** A value's label (display name of a type, name of an app, email of a user). */
  label: (facet: FacetSpec, value: string) => string;
  onPick: (facet: FacetSpec, value: string, active: boolean) => void;
  refetchInterval: number | false;
}

export function Facets(props: FacetsProps) {
  return (
    <aside className="panel facets" aria-labelledby="facets-heading">
      <h2 id="facets-heading">Group by</h2>
      <p className="muted small">Top values for the current filters. Choose one to filter by it.</p>
      {props.view.facets.map((f) => (
        <Facet key={f.dimension} facet={f} {...props} />
      ))}
    </aside>
  );
}

function Facet(props: FacetsProps & { facet: FacetSpec }) {
  const api = useApi();
  const { facet } = props;
  const params = aggregateParams(props.view, props.state, props.window, {
    groupBy: facet.dimension,
    top: TOP,
  });
  const query = useQuery({
    queryKey: ['activities', props.view.id, 'facet', params],
    queryFn: ({ signal }) => api.get<AggregateResult>('/activities/aggregate', params, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: props.refetchInterval,
  });
  const current = facet.filter === 'type' ? listOf(props.state.type) : [props.state[facet.filter] ?? ''];
  // Users, apps and actors are named by the directory (through an enriched event of each).
  const lookup = NAMED[facet.dimension];
  const ids =
    lookup && query.data
      ? query.data.groups
          .map((g) => groupValue(g, facet.dimension))
          .filter((v) => v !== '(none)' && props.label(facet, v) === v)
      : [];
  const looked = useDirectoryNames(lookup ?? 'user_id', ids);
  const label = (f: FacetSpec, v: string) => looked.get(v) ?? props.label(f, v);
  const headingId = `facet-${facet.dimension}`;
  return (
    <section className="facet" aria-labelledby={headingId} aria-busy={query.isFetching}>
      <h3 id={headingId}>{facet.title}</h3>
      <FacetBody query={query} {...props} label={label} current={current} />
    </section>
  );
}

function FacetBody(props: {
  facet: FacetSpec;
  query: { data: AggregateResult | undefined; error: unknown; isPending: boolean };
  current: string[];
  label: (facet: FacetSpec, value: string) => string;
  onPick: (facet: FacetSpec, value: string, active: boolean) => void;
}) {
  const { facet, query } = props;
  if (query.error) {
    const err = query.error;
    const reason =
      err instanceof ApiError && err.status === 400
        ? (err.details[0]?.message ?? err.message)
        : `could not be counted: ${(err as Error).message}`;
    return <p className="facet-note">Not counted: {reason}</p>;
  }
  if (query.isPending || !query.data) {
    return (
      <p className="facet-note muted">
        <span className="spinner" aria-hidden="true" /> Counting…
      </p>
    );
  }
  const agg = query.data;
  const values = agg.groups.map((g) => ({ value: groupValue(g, facet.dimension), count: g.count }));
  if (values.length === 0) return <p className="facet-note muted">No events.</p>;
  const max = Math.max(...values.map((v) => v.count));
  return (
    <>
      <ol>
        {values.map(({ value, count }) => {
          const none = value === '(none)';
          const active = props.current.includes(value);
          const text = none ? '(none)' : props.label(facet, value);
          return (
            <li key={value}>
              <button
                type="button"
                aria-pressed={active}
                disabled={none}
                title={none ? 'Events without a value cannot be filtered on' : undefined}
                onClick={() => props.onPick(facet, value, active)}
              >
                <span className="facet-value">
                  <span className="visually-hidden">{facet.title}: </span>
                  {text}
                </span>
                <span className="count">{count.toLocaleString('en')}</span>
                <span className="facet-bar" aria-hidden="true" style={{ width: `${(count / max) * 100}%` }} />
              </button>
            </li>
          );
        })}
      </ol>
      {agg.other > 0 && (
        <p className="facet-other muted">
          Others: {agg.other.toLocaleString('en')} of {agg.total.toLocaleString('en')}
        </p>
      )}
    </>
  );
}

/** Ids of a dimension looked up in the directory through the newest event naming them (enriched). */
export function useDirectoryNames(param: 'user_id' | 'app_id' | 'actor_id', ids: readonly string[]) {
  const api = useApi();
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['directory-name', param, id],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<SearchPage>('/activities', { [param]: id, limit: 1, enrich: 'true' }, { signal }),
      staleTime: Number.POSITIVE_INFINITY,
    })),
  });
  const out = new Map<string, string>();
  results.forEach((r, i) => {
    const e = r.data?.data[0];
    const id = ids[i] as string;
    const name = param === 'user_id' ? e?.user_email : param === 'app_id' ? e?.app_name : e?.actor_email;
    if (name) out.set(id, name);
  });
  return out;
}
