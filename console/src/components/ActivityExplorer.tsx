import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type FormEvent,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Link, useLocation } from 'react-router';
import { SOURCE_NAMES } from '../../../functions/shared/model/sources.js';
import {
  ACTOR_TYPES,
  type ActivityState,
  type ActivityView,
  type AggregateResult,
  activeChips,
  aggregateParams,
  bucketRange,
  clearFilters,
  describeWindow,
  type EnrichedEvent,
  type FacetSpec,
  type FilterKey,
  filterParams,
  type GroupDimension,
  groupOf,
  histogramInterval,
  nextPage,
  PAGE_SIZES,
  type PageKey,
  pageNumber,
  pageSize,
  previousPage,
  removeChip,
  reportLink,
  searchParams,
  typeName,
} from '../activity-view';
import { ApiError, useApi } from '../api';
import { MARKS, markOnce } from '../perf-marks';
import { formatTime, resolveRange, type TimeZoneMode } from '../time-range';
import { listOf, useUrlState } from '../url-state';
import type { Column } from './DataTable';
import { DataTable } from './DataTable';
import { EventDetails } from './EventDetails';
import { Facets, type SearchPage } from './Facets';
import { FilterChips } from './FilterChips';
import { ErrorMessage, StateView } from './StateView';
import { TimeRangePicker } from './TimeRangePicker';
import { TypePicker } from './TypePicker';

// The chart (and chart.js) load on demand: the first rows of a page never wait for them. The download starts
// with the page (beside its API calls), not when the histogram's numbers arrive.
const loadHistogram = () => import('./Histogram');
const Histogram = lazy(loadHistogram);

/** Kept with each history entry of a page: the cursors paged through, and the instant the window ends at. */
interface HistoryState {
  back?: string[];
  at?: number;
}

/** Live mode's refresh period. */
const LIVE_MS = 5_000;

/** Names of ids learned from enriched events (users' emails, apps' names, actors' emails). */
export interface Names {
  user(id: string): string | undefined;
  app(id: string): string | undefined;
  actor(id: string): string | undefined;
}

/** What the page's columns need to draw rows. */
export interface ExplorerContext {
  tz: TimeZoneMode;
  /** The button opening an event's Details (in the first cell, so keyboard users reach it). */
  openButton(e: EnrichedEvent): ReactNode;
}

/**
 * An activity page's body, shared by User activity and Admin activity: filters (time range, types, the view's
 * fields, chips), the histogram, the events table with cursor paging and live mode, the facet column, and
 * the open event's Details. Everything the page shows follows from its URL.
 */
export function ActivityExplorer(props: {
  view: ActivityView;
  intro: ReactNode;
  columns: (ctx: ExplorerContext) => Array<Column<EnrichedEvent>>;
}) {
  const { view } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const location = useLocation();
  const [state, set] = useUrlState<FilterKey | PageKey>({ range: '24h', tz: 'utc' });
  const history = (location.state ?? {}) as HistoryState;
  const tz: TimeZoneMode = state.tz === 'local' ? 'local' : 'utc';
  const range = state.range ?? '24h';
  const live = state.live === '1' && range !== 'custom';

  // The instant a relative window ends at: fixed while the filters stay the same (so paging keeps its
  // window, which the cursors are bound to), renewed by Refresh and by live mode.
  const [refresh, setRefresh] = useState(0);
  const filters = filterParams(view, state);
  const filterSig = JSON.stringify([filters, range, state.from, state.to]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new instant when the filters change or on refresh
  const now = useMemo(() => Date.now(), [filterSig, refresh]);
  // Paging keeps the instant in the URL too, so a link to page 3 shows the window its cursor belongs to.
  const pinned = Number(state.at);
  const at = state.cursor
    ? Number.isFinite(pinned) && pinned > 0
      ? pinned
      : typeof history.at === 'number'
        ? history.at
        : now
    : now;
  const timeWindow = resolveRange(range, state.from, state.to, at);
  const windowText = describeWindow(range, timeWindow, tz);
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setRefresh((n) => n + 1), LIVE_MS);
    return () => clearInterval(t);
  }, [live]);

  // The events page.
  const params = searchParams(view, state, timeWindow);
  const search = useQuery({
    queryKey: ['activities', view.id, 'search', params],
    queryFn: ({ signal }) => api.get<SearchPage>('/activities', params, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: live && !state.cursor ? LIVE_MS : false,
  });
  const rows = search.data?.data ?? [];
  const back = state.cursor ? (history.back ?? []) : [];
  const page = pageNumber(back, state.cursor);

  // Names learned from the events seen (labels of facets and histogram groups).
  const learned = useRef({
    user: new Map<string, string>(),
    app: new Map<string, string>(),
    actor: new Map<string, string>(),
  });
  for (const e of rows) {
    if (e.user_id && e.user_email) learned.current.user.set(e.user_id, e.user_email);
    if (e.app_id && e.app_name) learned.current.app.set(e.app_id, e.app_name);
    if (e.actor_id && e.actor_email) learned.current.actor.set(e.actor_id, e.actor_email);
  }
  const names: Names = {
    user: (id) => learned.current.user.get(id),
    app: (id) => learned.current.app.get(id),
    actor: (id) => learned.current.actor.get(id),
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: names are learned from the rows (kept in a ref)
  const labelOf = useCallback(
    (dimension: GroupDimension, value: string): string => {
      switch (dimension) {
        case 'type':
          return typeName(value);
        case 'app_id':
          return names.app(value) ?? value;
        case 'user_id':
          return names.user(value) ?? value;
        case 'actor_id':
          return names.actor(value) ?? value;
        case 'source':
          return SOURCE_NAMES[value as keyof typeof SOURCE_NAMES] ?? value;
        default:
          return value;
      }
    },
    [rows],
  );

  useEffect(() => {
    void loadHistogram();
  }, []);
  // The first rows of this page load, for `npm run bench` (performance marks are relative to navigation).
  useEffect(() => {
    if (rows.length > 0) markOnce(MARKS.firstRows);
  }, [rows.length]);

  // Live mode: newly arrived rows are marked for a moment and announced politely (once per refresh).
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef<{ sig: string; ids: Set<string> } | null>(null);
  useEffect(() => {
    const data = search.data;
    if (!data || search.isPlaceholderData || state.cursor) return;
    const ids = data.data.map((e) => e.id);
    const prev = seen.current;
    if (live && prev && prev.sig === filterSig) {
      const arrived = ids.filter((id) => !prev.ids.has(id));
      if (arrived.length > 0) {
        setFresh(new Set(arrived));
        setAnnouncement(
          `${arrived.length === data.data.length ? `${arrived.length}+` : arrived.length} new ${view.noun} at ${formatTime(new Date().toISOString(), tz)}`,
        );
      }
    }
    seen.current = { sig: filterSig, ids: new Set(ids) };
  }, [search.data, search.isPlaceholderData, state.cursor, live, filterSig, tz, view.noun]);
  useEffect(() => {
    if (fresh.size === 0) return;
    const t = setTimeout(() => setFresh(new Set()), 4_000);
    return () => clearTimeout(t);
  }, [fresh]);

  // Details: the open event is the URL's `event`; focus returns to its row (or the heading) on close.
  const openId = state.event;
  const heading = useRef<HTMLHeadingElement>(null);
  const lastOpen = useRef<{ id: string; sig: string } | undefined>(undefined);
  useEffect(() => {
    const last = lastOpen.current;
    if (last && !openId) {
      // Closed: back to its row; after a link to other filters (other rows), to the page's heading.
      const row =
        last.sig === filterSig
          ? document.querySelector<HTMLElement>(`[data-event-id="${CSS.escape(last.id)}"]`)
          : null;
      (row ?? heading.current)?.focus();
    }
    lastOpen.current = openId ? { id: openId, sig: filterSig } : undefined;
  }, [openId, filterSig]);
  const keep = { keepPage: true, state: location.state } as const;
  const open = (id: string) => set({ event: id }, keep);
  const close = () => set({ event: undefined }, keep);

  // Columns are made once per time zone: new cell renderers would remount the cells (and lose focus).
  const openRef = useRef(open);
  openRef.current = open;
  const columns = useMemo(() => {
    const ctx: ExplorerContext = {
      tz,
      openButton: (e) => (
        <button
          type="button"
          className="button-link open-event"
          data-event-id={e.id}
          aria-haspopup="dialog"
          onClick={() => openRef.current(e.id)}
        >
          {formatTime(e.timestamp, tz)}
          <span className="visually-hidden">, {typeName(e.type)}: show details</span>
        </button>
      ),
    };
    return props.columns(ctx);
  }, [tz, props.columns]);

  const setFilter = (patch: Partial<Record<FilterKey, string | undefined>>) => set(patch);
  const onFacet = (facet: FacetSpec, value: string, active: boolean) => {
    if (active) {
      if (facet.filter === 'type') {
        const rest = listOf(state.type).filter((t) => t !== value);
        setFilter({ type: rest.join(',') || undefined });
      } else setFilter({ [facet.filter]: undefined });
    } else setFilter({ [facet.filter]: value });
  };
  const chips = activeChips(view, state);
  const searchError = search.error instanceof ApiError ? search.error : undefined;
  const badCursor = searchError?.code === 'invalid_cursor';
  const group = groupOf(view, state);
  const groupName = view.groups.find((g) => g.dimension === group)?.label ?? group;

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {view.title}
      </h1>
      <p className="page-intro muted">{props.intro}</p>

      <section className="panel filters" aria-labelledby="filters-heading">
        <h2 id="filters-heading" className="visually-hidden">
          Filters
        </h2>
        <div className="toolbar">
          <TimeRangePicker
            range={range}
            window={timeWindow}
            tz={tz}
            onChange={(patch) => {
              const onlyTz = Object.keys(patch).every((k) => k === 'tz');
              set(patch, onlyTz ? keep : {});
            }}
          />
          <span className="spacer" />
          <button
            type="button"
            className={live ? 'live-toggle on' : 'live-toggle'}
            aria-pressed={live}
            disabled={range === 'custom'}
            title={range === 'custom' ? 'Live mode follows a relative time range (last …)' : undefined}
            onClick={() => (live ? set({ live: undefined }, keep) : set({ live: '1' }))}
          >
            <span className="live-dot" aria-hidden="true" /> Live
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setRefresh((n) => n + 1);
              void queryClient.invalidateQueries({ queryKey: ['activities', view.id] });
            }}
          >
            Refresh
          </button>
        </div>
        <FilterForm view={view} state={state} errors={searchError?.fieldErrors() ?? {}} onApply={setFilter} />
        <FilterChips
          chips={chips}
          onRemove={(c) => setFilter(removeChip(state, c))}
          onClear={() => setFilter(clearFilters(view))}
        />
      </section>

      <HistogramPanel
        view={view}
        state={state}
        timeWindow={timeWindow}
        windowText={windowText}
        tz={tz}
        group={group}
        groupName={groupName}
        live={live}
        labelOf={labelOf}
        onGroup={(g) =>
          set({ group: g === view.groups[0]?.dimension ? undefined : g }, { ...keep, replace: true })
        }
        onPickBucket={(start, interval) =>
          set({ range: 'custom', ...bucketRange(start, interval), live: undefined })
        }
      />

      <div className="with-facets">
        <section className="events" aria-labelledby="events-heading">
          <div className="section-head">
            <h2 id="events-heading">{view.noun.charAt(0).toUpperCase() + view.noun.slice(1)}</h2>
            <span className="muted">
              {windowText}
              {page > 1 ? ` · page ${page}` : ''}
              {search.isFetching && !search.isPending ? ' · updating…' : ''}
            </span>
            <span className="spacer" />
            <Link className="button-secondary button" to={reportLink(view, state, timeWindow)}>
              Report of these {view.noun}
            </Link>
          </div>
          <StateView
            loading={search.isPending}
            error={search.error}
            empty={rows.length === 0 && !state.cursor}
            emptyText={`No ${view.noun} match these filters (${windowText.toLowerCase()}). Widen the time range or remove a filter.`}
            what={view.noun}
            onRetry={badCursor ? () => set({ cursor: undefined }) : () => void search.refetch()}
          >
            <DataTable
              caption={`${view.title}: ${view.noun}, newest first, page ${page}`}
              columns={columns}
              rows={rows}
              rowKey={(e) => e.id}
              selected={openId}
              onRowClick={(e) => open(e.id)}
              rowClassName={(e) => (fresh.has(e.id) ? 'row-new' : undefined)}
              className="events-table"
              footer={
                <Pager
                  page={page}
                  rows={rows.length}
                  noun={view.noun}
                  hasPrevious={back.length > 0}
                  onFirst={state.cursor ? () => set({ cursor: undefined, at: undefined }) : undefined}
                  onPrevious={() => {
                    const p = previousPage(back);
                    set(
                      { cursor: p.cursor, at: p.cursor ? String(at) : undefined },
                      { state: { back: p.back, at } satisfies HistoryState },
                    );
                  }}
                  next={search.data?.next_cursor ?? null}
                  onNext={(next) => {
                    const n = nextPage(back, state.cursor, next);
                    set(
                      { cursor: n.cursor, at: String(at), live: undefined },
                      { state: { back: n.back, at } satisfies HistoryState },
                    );
                  }}
                  limit={pageSize(state)}
                  onLimit={(limit) => set({ limit: String(limit) })}
                />
              }
            />
          </StateView>
          <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {live ? announcement : ''}
          </div>
        </section>
        <Facets
          view={view}
          state={state}
          window={timeWindow}
          label={(f, v) => labelOf(f.dimension, v)}
          onPick={onFacet}
          refetchInterval={live ? LIVE_MS * 3 : false}
        />
      </div>

      {openId && (
        <EventDetails
          id={openId}
          initial={rows.find((r) => r.id === openId)}
          state={state}
          tz={tz}
          onClose={close}
        />
      )}
    </>
  );
}

/** The view's text filters (applied together), the type picker, and the actor kind for admin activity. */
function FilterForm(props: {
  view: ActivityView;
  state: ActivityState;
  errors: Record<string, string>;
  onApply: (patch: Partial<Record<FilterKey, string | undefined>>) => void;
}) {
  const id = useId();
  const inputs = props.view.filters.filter((f) => f.input);
  // The fields follow the URL (a chip removed, a facet picked, a link followed); typing changes only the draft.
  const fromUrl = JSON.stringify(Object.fromEntries(inputs.map((f) => [f.key, props.state[f.key] ?? ''])));
  const [draft, setDraft] = useState<Record<string, string>>(() => JSON.parse(fromUrl));
  useEffect(() => setDraft(JSON.parse(fromUrl)), [fromUrl]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onApply(Object.fromEntries(inputs.map((f) => [f.key, draft[f.key]?.trim() || undefined])));
  };
  const types = listOf(props.state.type);
  const typeSpec = props.view.filters.find((f) => f.key === 'type');
  const hasActorType = props.view.filters.some((f) => f.key === 'actor_type');
  return (
    <form className="toolbar filter-form" onSubmit={submit} aria-label="Filter the events">
      {typeSpec && (
        <TypePicker
          sources={props.view.sources}
          selected={types}
          label={typeSpec.label}
          onChange={(t) => props.onApply({ type: t.length > 0 ? t.join(',') : undefined })}
        />
      )}
      {hasActorType && (
        <div className="field">
          <label htmlFor={`${id}-actor_type`}>Actor kind</label>
          <select
            id={`${id}-actor_type`}
            value={props.state.actor_type ?? ''}
            onChange={(e) => props.onApply({ actor_type: e.target.value || undefined })}
          >
            <option value="">Any</option>
            {ACTOR_TYPES.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {inputs.map((f) => {
        const error = props.errors[f.key];
        return (
          <div className="field" key={f.key}>
            <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
            <input
              id={`${id}-${f.key}`}
              name={f.key}
              type="text"
              value={draft[f.key] ?? ''}
              placeholder={f.hint}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-${f.key}-error` : undefined}
              onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
            />
            {error && (
              <span className="field-error" id={`${id}-${f.key}-error`}>
                {f.label} {error}
              </span>
            )}
          </div>
        );
      })}
      <button type="submit" className="button-primary">
        Apply
      </button>
    </form>
  );
}

function HistogramPanel(props: {
  view: ActivityView;
  state: ActivityState;
  timeWindow: ReturnType<typeof resolveRange>;
  windowText: string;
  tz: TimeZoneMode;
  group: GroupDimension;
  groupName: string;
  live: boolean;
  labelOf: (dimension: GroupDimension, value: string) => string;
  onGroup: (g: GroupDimension) => void;
  onPickBucket: (start: string, interval: ReturnType<typeof histogramInterval>) => void;
}) {
  const api = useApi();
  const id = useId();
  const interval = histogramInterval(props.timeWindow);
  const params = aggregateParams(props.view, props.state, props.timeWindow, {
    groupBy: props.group,
    top: 8,
    interval,
  });
  const query = useQuery({
    queryKey: ['activities', props.view.id, 'histogram', params],
    queryFn: ({ signal }) => api.get<AggregateResult>('/activities/aggregate', params, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: props.live ? LIVE_MS : false,
  });
  const { labelOf, group } = props;
  const label = useMemo(() => (v: string) => labelOf(group, v), [labelOf, group]);
  const total = query.data?.total;
  return (
    <section className="panel histogram-panel" aria-labelledby={`${id}-h`}>
      <div className="section-head">
        <h2 id={`${id}-h`}>{props.view.noun.charAt(0).toUpperCase() + props.view.noun.slice(1)} over time</h2>
        {total !== undefined && !query.error && (
          <span className="muted total">
            {total.toLocaleString('en')} {props.view.noun}
          </span>
        )}
        <span className="spacer" />
        <div className="inline-field">
          <label htmlFor={`${id}-group`}>Stack by</label>
          <select
            id={`${id}-group`}
            value={props.group}
            onChange={(e) => props.onGroup(e.target.value as GroupDimension)}
          >
            {props.view.groups.map((g) => (
              <option key={g.dimension} value={g.dimension}>
                {g.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {query.error ? (
        <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <StateView
          loading={query.isPending}
          empty={query.data?.total === 0}
          emptyText={`No ${props.view.noun} in this time range with these filters.`}
          what="the histogram"
        >
          {query.data && (
            <Suspense
              fallback={
                <div className="state state-loading chart-placeholder" role="status">
                  <span className="spinner" aria-hidden="true" /> Loading the chart…
                </div>
              }
            >
              <Histogram
                agg={query.data}
                label={label}
                groupName={props.groupName}
                windowText={props.windowText}
                tz={props.tz}
                onPickBucket={(start) => props.onPickBucket(start, query.data?.interval ?? interval)}
              />
            </Suspense>
          )}
        </StateView>
      )}
    </section>
  );
}

function Pager(props: {
  page: number;
  rows: number;
  noun: string;
  hasPrevious: boolean;
  onFirst: (() => void) | undefined;
  onPrevious: () => void;
  next: string | null;
  onNext: (cursor: string) => void;
  limit: number;
  onLimit: (n: number) => void;
}) {
  const id = useId();
  const { next } = props;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button-secondary" disabled={!props.onFirst} onClick={props.onFirst}>
        Newest
      </button>
      <button
        type="button"
        className="button-secondary"
        disabled={!props.hasPrevious}
        onClick={props.onPrevious}
      >
        ‹ Previous
      </button>
      <span className="page-number">
        Page {props.page} · {props.rows.toLocaleString('en')} {props.noun}
      </span>
      <button
        type="button"
        className="button-secondary"
        disabled={!next}
        onClick={() => next && props.onNext(next)}
      >
        Next ›
      </button>
      <span className="spacer" />
      <label htmlFor={`${id}-limit`}>Rows per page</label>
      <select id={`${id}-limit`} value={props.limit} onChange={(e) => props.onLimit(Number(e.target.value))}>
        {PAGE_SIZES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </nav>
  );
}
