import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type RefObject, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { lookupType } from '../../../functions/shared/model/catalog';
import { SOURCES, type Source } from '../../../functions/shared/model/sources';
import { SOURCE_NAMES } from '../../../functions/shared/model/sources.js';
import type { Report } from '../../../functions/shared/reports/reports';
import { ApiError, useApi } from '../api';
import { type Column, DataTable } from '../components/DataTable';
import { EventTypeChecklist } from '../components/EventTypeChecklist';
import { ErrorMessage, StateView } from '../components/StateView';
import { TimeRangePicker } from '../components/TimeRangePicker';
import { TimeZoneSelect, tzOf } from '../components/TimeZoneSelect';
import {
  filterLine,
  filterSummary,
  hasLinkedFilters,
  REPORT_FILTERS,
  rangeLabel,
  reportRequestBody,
} from '../report-filters';
import { useSession } from '../session';
import { formatTime, rangeQuery, resolveRange, type TimeZoneMode } from '../time-range';
import { listOf, useUrlState } from '../url-state';

/** A report as GET /reports lists it, and as GET /reports/{id} shows it (with its download URL when ready). */
export type ReportView = Omit<Report, 'key'> & { download_url?: string; download_url_expires_at?: string };

type Key = (typeof REPORT_FILTERS)[number] | 'range' | 'from' | 'to' | 'tz' | 'format' | 'report' | 'before';
const PAGE_SIZE = 20;
const STATUS_BADGE: Record<string, string> = {
  ready: 'badge-ok',
  pending: 'badge-warn',
  failed: 'badge-error',
};

const records = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'record' : 'records'}`;

/**
 * Reports (seed 004's "generate and download report"): a report of the filters in the URL (User activity
 * links here with its search), followed until it is ready, then downloaded; the recent reports.
 */
export function Reports() {
  const api = useApi();
  const qc = useQueryClient();
  const [q, setQ] = useUrlState<Key>({});
  const tz = tzOf(q.tz);
  const format = q.format === 'ndjson' ? 'ndjson' : 'csv';
  const linked = hasLinkedFilters(q);
  const progressHeading = useRef<HTMLHeadingElement>(null);
  const [focusProgress, setFocusProgress] = useState(false);
  const request = useMutation({
    mutationFn: () => api.send<ReportView>('POST', '/reports', reportRequestBody(q, format)),
    onSuccess: (r) => {
      qc.setQueryData(['report', r.report_id], r);
      void qc.invalidateQueries({ queryKey: ['reports'] });
      setQ({ report: r.report_id, before: undefined });
      setFocusProgress(true);
    },
  });
  useEffect(() => {
    if (focusProgress && q.report) {
      progressHeading.current?.focus();
      setFocusProgress(false);
    }
  }, [focusProgress, q.report]);

  return (
    <>
      <div className="page-head">
        <h1>Reports</h1>
        <span className="spacer" />
        {/* Without a link's filters, the form's time-range picker has the time zone. */}
        {linked && <TimeZoneSelect tz={tz} onChange={(v) => setQ({ tz: v === 'utc' ? undefined : v })} />}
      </div>
      <section className="panel" aria-labelledby="report-request-h">
        <h2 id="report-request-h">Request a report</h2>
        {linked ? <LinkedFilters q={q} tz={tz} /> : <SimpleFilters q={q} setQ={setQ} tz={tz} />}
        <form
          className="report-request"
          onSubmit={(e) => {
            e.preventDefault();
            request.mutate();
          }}
        >
          <fieldset className="segmented-field">
            <legend>Format</legend>
            <label className="check">
              <input
                type="radio"
                name="report-format"
                checked={format === 'csv'}
                onChange={() => setQ({ format: undefined })}
              />{' '}
              CSV
            </label>
            <label className="check">
              <input
                type="radio"
                name="report-format"
                checked={format === 'ndjson'}
                onChange={() => setQ({ format: 'ndjson' })}
              />{' '}
              NDJSON (one event per line)
            </label>
          </fieldset>
          <button type="submit" className="button-primary" disabled={request.isPending}>
            {request.isPending ? 'Requesting…' : 'Request report'}
          </button>
        </form>
        {request.error && (
          <ErrorMessage
            error={request.error}
            {...(request.error instanceof ApiError && request.error.status >= 500
              ? { onRetry: () => request.mutate() }
              : {})}
          />
        )}
      </section>
      {q.report && <ReportProgress id={q.report} tz={tz} headingRef={progressHeading} />}
      <RecentReports
        before={q.before}
        tz={tz}
        onPage={(before) => setQ({ before })}
        current={q.report}
        onOpen={(id) => setQ({ report: id })}
      />
    </>
  );
}

/** The filters a link brought (User activity's search), as a readable summary. */
function LinkedFilters({ q, tz }: { q: Record<Key, string | undefined>; tz: TimeZoneMode }) {
  const items = filterSummary(q);
  return (
    <>
      <p>The report will hold the events of this search:</p>
      <dl className="fields summary">
        {items.map((i) => (
          <div key={i.filter} className="summary-item">
            <dt>{i.label}</dt>
            <dd>{i.value}</dd>
          </div>
        ))}
        <div className="summary-item">
          <dt>Time</dt>
          <dd>
            <WindowText q={q} tz={tz} />
          </dd>
        </div>
      </dl>
      <p>
        <Link to="/reports">Start from no filters</Link>
        {' · '}
        {q.source === 'admin' ? (
          <Link to={`/admin-activity${searchOf(q)}`}>Back to these events in Admin activity</Link>
        ) : (
          <Link to={`/user-activity${searchOf(q)}`}>Back to these events in User activity</Link>
        )}
      </p>
    </>
  );
}

/** The search of the report filters (and time range) as a query string, for a link back to User activity. */
function searchOf(q: Record<Key, string | undefined>): string {
  const p = new URLSearchParams();
  for (const k of [...REPORT_FILTERS, 'range', 'from', 'to', 'tz'] as const) {
    const v = q[k];
    if (v) p.set(k, v);
  }
  // An absolute window is a custom range there (a relative one would ignore from and to).
  if (q.from && q.to) p.set('range', 'custom');
  const s = p.toString();
  return s ? `?${s}` : '';
}

function WindowText({ q, tz }: { q: Record<Key, string | undefined>; tz: TimeZoneMode }) {
  const range = q.range ?? (q.from && q.to ? 'custom' : undefined);
  const w = resolveRange(range, q.from, q.to);
  const label = rangeLabel(range ?? '24h');
  const zone = tz === 'utc' ? 'UTC' : 'local time';
  return (
    <>
      {label ? `${label}: ` : ''}
      {formatTime(w.from, tz, false)} → {formatTime(w.to, tz, false)} ({zone})
    </>
  );
}

/** The page's own small filter form (source, type, time range), when no link brought filters. */
function SimpleFilters({
  q,
  setQ,
  tz,
}: {
  q: Record<Key, string | undefined>;
  setQ: (patch: Partial<Record<Key, string | undefined | null>>) => void;
  tz: TimeZoneMode;
}) {
  const id = useId();
  const sources = listOf(q.source) as Source[];
  const types = listOf(q.type);
  const offered = sources.length > 0 ? sources : SOURCES;
  const range = q.range ?? (q.from && q.to ? 'custom' : '24h');
  const window = useMemo(() => resolveRange(range, q.from, q.to), [range, q.from, q.to]);
  const toggleSource = (s: Source, on: boolean) => {
    const next = on ? [...sources, s] : sources.filter((x) => x !== s);
    const ordered = SOURCES.filter((x) => next.includes(x));
    // Types of a source no longer chosen would be refused: drop them with it.
    const keep = types.filter((t) => {
      const spec = lookupType(t);
      return !spec || ordered.length === 0 || ordered.includes(spec.source);
    });
    setQ({ source: ordered.join(','), type: keep.join(',') });
  };
  return (
    <div className="simple-filters">
      <div className="field">
        <TimeRangePicker
          range={range}
          window={window}
          tz={tz}
          onChange={(patch) => setQ(rangeQuery(patch))}
        />
      </div>
      <fieldset className="field">
        <legend>Event sources</legend>
        <p className="hint" id={`${id}-src-hint`}>
          None checked: every source.
        </p>
        <div className="inline-checks">
          {SOURCES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                aria-describedby={`${id}-src-hint`}
                checked={sources.includes(s)}
                onChange={(e) => toggleSource(s, e.target.checked)}
              />{' '}
              {SOURCE_NAMES[s]}
            </label>
          ))}
        </div>
      </fieldset>
      <EventTypeChecklist
        id={`${id}-types`}
        legend="Event types"
        hint="None checked: every type of the chosen sources."
        sources={offered}
        value={types}
        onChange={(next) => setQ({ type: next.join(',') })}
      />
      <p className="summary-line">
        <strong>The report will hold:</strong> {filterLine(q)} · <WindowText q={{ ...q, range }} tz={tz} />
      </p>
    </div>
  );
}

/** A report being generated: its records so far (announced), then its download. */
function ReportProgress(props: {
  id: string;
  tz: TimeZoneMode;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const api = useApi();
  const qc = useQueryClient();
  const report = useQuery({
    queryKey: ['report', props.id],
    queryFn: ({ signal }) =>
      api.get<ReportView>(`/reports/${encodeURIComponent(props.id)}`, undefined, { signal }),
    // Every ~2 s while it is generated; a ready report's download URL lives 10 minutes: renewed before.
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'pending' || status === undefined ? 2_000 : status === 'ready' ? 9 * 60_000 : false;
    },
    // The answer of the POST has no download URL yet: always ask.
    staleTime: 0,
  });
  const r = report.data;
  const done = r?.status === 'ready' || r?.status === 'failed';
  useEffect(() => {
    if (done) void qc.invalidateQueries({ queryKey: ['reports'] });
  }, [done, qc]);
  return (
    <section className="panel report-progress" aria-labelledby="report-progress-h">
      <h2 id="report-progress-h" tabIndex={-1} ref={props.headingRef}>
        Report <code>{props.id}</code>
      </h2>
      <div role="status" aria-live="polite" aria-atomic="true" className="progress-line">
        {report.isPending && !r ? (
          <>
            <span className="spinner" aria-hidden="true" /> Loading the report…
          </>
        ) : r?.status === 'pending' ? (
          <>
            <span className="spinner" aria-hidden="true" /> Generating: {records(r.number_of_records)} so far…
          </>
        ) : r?.status === 'ready' ? (
          <>Ready: {records(r.number_of_records)}.</>
        ) : r?.status === 'failed' ? (
          <>The report failed{r.error ? `: ${r.error}` : '.'}</>
        ) : null}
      </div>
      {report.error && <ErrorMessage error={report.error} onRetry={() => void report.refetch()} />}
      {r && (
        <p className="muted">
          {r.format.toUpperCase()} · {filterLine(r.filters)}
          {r.filters.from && r.filters.to
            ? ` · ${formatTime(r.filters.from, props.tz)} → ${formatTime(r.filters.to, props.tz)}`
            : ''}
        </p>
      )}
      {r?.status === 'ready' && r.download_url && (
        <p>
          <a className="button-primary button-link-like" href={r.download_url} download>
            Download {r.format.toUpperCase()}
          </a>{' '}
          {r.download_url_expires_at && (
            <span className="muted">
              (link valid until {formatTime(r.download_url_expires_at, props.tz)}; renewed while this page is
              open)
            </span>
          )}
        </p>
      )}
    </section>
  );
}

/** The most recent reports, whoever requested them, newest first, paged with `before`. */
function RecentReports(props: {
  before: string | undefined;
  tz: TimeZoneMode;
  current: string | undefined;
  onPage: (before: string | undefined) => void;
  onOpen: (id: string) => void;
}) {
  const api = useApi();
  const session = useSession();
  const list = useQuery({
    queryKey: ['reports', props.before],
    queryFn: ({ signal }) =>
      api.get<{ data: ReportView[]; next_before: string | null }>(
        '/reports',
        { limit: PAGE_SIZE, before: props.before },
        { signal },
      ),
    refetchInterval: (query) => (query.state.data?.data.some((r) => r.status === 'pending') ? 3_000 : false),
  });
  const [downloading, setDownloading] = useState<string | undefined>();
  const [downloadError, setDownloadError] = useState<unknown>();
  const download = async (id: string) => {
    setDownloading(id);
    setDownloadError(undefined);
    try {
      const r = await api.get<ReportView>(`/reports/${encodeURIComponent(id)}`);
      if (!r.download_url) throw new Error(`report ${id} is ${r.status}: nothing to download`);
      window.location.assign(r.download_url);
    } catch (err) {
      setDownloadError(err);
    } finally {
      setDownloading(undefined);
    }
  };
  const rows = list.data?.data ?? [];
  const columns: Array<Column<ReportView>> = [
    {
      id: 'created',
      header: 'Requested',
      cell: ({ row }) => (
        <button type="button" className="button-link" onClick={() => props.onOpen(row.original.report_id)}>
          {formatTime(row.original.created_at, props.tz)}
        </button>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row }) => (
        <span className={`badge ${STATUS_BADGE[row.original.status] ?? ''}`}>{row.original.status}</span>
      ),
    },
    { id: 'format', header: 'Format', cell: ({ row }) => row.original.format.toUpperCase() },
    {
      id: 'filters',
      header: 'Filters',
      cell: ({ row }) => <ReportFilters filters={row.original.filters} tz={props.tz} />,
    },
    {
      id: 'records',
      header: 'Records',
      cell: ({ row }) => row.original.number_of_records.toLocaleString('en-US'),
    },
    {
      id: 'by',
      header: 'Requested by',
      cell: ({ row }) =>
        row.original.created_by === session.sub ? (
          <>you</>
        ) : (
          <code className="id">{row.original.created_by}</code>
        ),
    },
    {
      id: 'completed',
      header: 'Completed',
      cell: ({ row }) => (row.original.completed_at ? formatTime(row.original.completed_at, props.tz) : '—'),
    },
    {
      id: 'download',
      header: 'Download',
      cell: ({ row }) => {
        const r = row.original;
        if (r.status === 'failed') return <span className="error-text">{r.error ?? 'failed'}</span>;
        if (r.status !== 'ready') return <span className="muted">not ready</span>;
        return (
          <button
            type="button"
            className="button-secondary"
            disabled={downloading === r.report_id}
            aria-label={`Download the ${r.format.toUpperCase()} report requested ${formatTime(r.created_at, props.tz)}`}
            onClick={() => void download(r.report_id)}
          >
            Download
          </button>
        );
      },
    },
  ];
  return (
    <section aria-labelledby="recent-reports-h">
      <h2 id="recent-reports-h">Recent reports</h2>
      {downloadError !== undefined && <ErrorMessage error={downloadError} />}
      <StateView
        what="reports"
        loading={list.isPending}
        error={list.error}
        onRetry={() => void list.refetch()}
        empty={rows.length === 0 && !props.before}
        emptyText="No reports yet. Request one above, or from User activity's search."
      >
        <DataTable
          caption="Recent reports, newest first"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.report_id}
          selected={props.current}
          footer={
            (props.before || list.data?.next_before) && (
              <nav className="pager" aria-label="Reports pages">
                {props.before && (
                  <button type="button" className="button-secondary" onClick={() => props.onPage(undefined)}>
                    Newest
                  </button>
                )}
                {list.data?.next_before && (
                  <button
                    type="button"
                    className="button-secondary"
                    onClick={() => props.onPage(list.data?.next_before ?? undefined)}
                  >
                    Older
                  </button>
                )}
                {rows.length === 0 && props.before && <span className="muted">No older reports.</span>}
              </nav>
            )
          }
        />
      </StateView>
    </section>
  );
}

function ReportFilters({ filters, tz }: { filters: Record<string, string>; tz: TimeZoneMode }) {
  return (
    <span className="filters-cell">
      {filterLine(filters)}
      {filters.from && filters.to && (
        <span className="muted">
          {' '}
          · {formatTime(filters.from, tz, false)} → {formatTime(filters.to, tz, false)}
        </span>
      )}
    </span>
  );
}
