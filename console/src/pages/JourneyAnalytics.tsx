import { useQuery } from '@tanstack/react-query';
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useApi } from '../api';
import { ChartCanvas, PALETTE } from '../components/Chart';
import { type Column, DataTable } from '../components/DataTable';
import { StateView } from '../components/StateView';
import { TimeRangePicker } from '../components/TimeRangePicker';
import { tzOf } from '../components/TimeZoneSelect';
import {
  biggestDrop,
  bucketWindow,
  DRILL_TYPES,
  type FunnelRow,
  formatDuration,
  formatRate,
  funnelRows,
  type Journey,
  type JourneyAnswer,
  type JourneysAnswer,
  journeyInterval,
  type RangeParams,
  successSeries,
  userActivityHref,
} from '../journey-model';
import { formatTime, rangeQuery, resolveRange, type TimeZoneMode, type Window } from '../time-range';
import { useUrlState } from '../url-state';

const DEFAULT_RANGE = '7d';
const num = (n: number) => n.toLocaleString('en-US');

/** A bucket's label on a chart axis: the day, or the day and hour. */
function bucketLabel(iso: string, interval: 'hour' | 'day', tz: TimeZoneMode): string {
  // Day buckets are UTC days (the counters' days): labelled in UTC whatever the zone chosen.
  if (interval === 'day') return `${formatTime(iso, 'utc', false).slice(5, 10)} UTC`;
  return formatTime(iso, tz, false).slice(5);
}

interface PageContext {
  window: Window;
  interval: 'hour' | 'day';
  tz: TimeZoneMode;
  range: RangeParams;
  /** The page's query string (range, tz), kept on links between the list and a journey. */
  search: string;
}

/**
 * Journey analytics (seed 000's dashboard): the journeys with volume, success rate and a sparkline; per
 * journey its step funnel with drop-off, success rate over time, durations and failure reasons. Every
 * figure links to the User activity view of the events behind it.
 */
export function JourneyAnalytics() {
  const { journeyId } = useParams();
  const location = useLocation();
  const [q, setQ] = useUrlState<'range' | 'from' | 'to' | 'tz'>({ range: DEFAULT_RANGE });
  const tz = tzOf(q.tz);
  const range = q.range ?? DEFAULT_RANGE;
  const window = useMemo(() => resolveRange(range, q.from, q.to), [range, q.from, q.to]);
  const ctx: PageContext = {
    window,
    interval: journeyInterval(Date.parse(window.to) - Date.parse(window.from)),
    tz,
    range: {
      range,
      ...(range === 'custom' ? { from: q.from, to: q.to } : {}),
      ...(q.tz ? { tz: q.tz } : {}),
    },
    search: location.search,
  };
  return (
    <>
      <div className="page-head">
        <h1>Journey analytics</h1>
        <span className="spacer" />
        <TimeRangePicker
          range={range}
          window={window}
          tz={tz}
          onChange={(patch) => setQ(rangeQuery(patch, DEFAULT_RANGE))}
        />
      </div>
      <p className="lede">
        {formatTime(window.from, tz, false)} → {formatTime(window.to, tz, false)} (
        {tz === 'utc' ? 'UTC' : 'local time'}
        ). Journeys are counted per hour, so the range's first hour counts whole. Every number links to the
        sessions and events behind it in User activity.
      </p>
      {journeyId ? <JourneyDetail journeyId={journeyId} ctx={ctx} /> : <JourneyList ctx={ctx} />}
    </>
  );
}

function JourneyList({ ctx }: { ctx: PageContext }) {
  const api = useApi();
  const answer = useQuery({
    queryKey: ['journeys', ctx.window.from, ctx.window.to, ctx.interval],
    queryFn: ({ signal }) =>
      api.get<JourneysAnswer>(
        '/analytics/journeys',
        { from: ctx.window.from, to: ctx.window.to, interval: ctx.interval },
        { signal },
      ),
  });
  const journeys = useMemo(
    () =>
      [...(answer.data?.journeys ?? [])].sort(
        (a, b) => b.started - a.started || (a.journey_id < b.journey_id ? -1 : 1),
      ),
    [answer.data],
  );
  const drill = (j: Journey, type: string | readonly string[]) =>
    userActivityHref({ journey_id: j.journey_id, type }, ctx.range);
  /** A count that links to the events behind it. */
  const drillColumn = (
    id: string,
    header: string,
    count: (j: Journey) => number,
    type: string,
    verb: string,
  ): Column<Journey> => ({
    id,
    header,
    cell: ({ row }) => (
      <Link
        to={drill(row.original, type)}
        aria-label={`${num(count(row.original))} sessions of ${row.original.journey_id} ${verb}: show their events`}
      >
        {num(count(row.original))}
      </Link>
    ),
  });
  const columns: Array<Column<Journey>> = [
    {
      id: 'journey',
      header: 'Journey',
      cell: ({ row }) => (
        <Link to={`/journeys/${encodeURIComponent(row.original.journey_id)}${ctx.search}`}>
          {row.original.journey_id}
        </Link>
      ),
    },
    drillColumn('started', 'Sessions started', (j) => j.started, DRILL_TYPES.started, 'started'),
    drillColumn('ok', 'Succeeded', (j) => j.completed_successfully, DRILL_TYPES.succeeded, 'succeeded'),
    drillColumn('failed', 'Failed', (j) => j.completed_unsuccessfully, DRILL_TYPES.failed, 'failed'),
    {
      id: 'rate',
      header: 'Success rate',
      cell: ({ row }) => <RateBar rate={row.original.success_rate} />,
    },
    {
      id: 'trend',
      header: 'Sessions over time',
      cell: ({ row }) => <Sparkline journey={row.original} ctx={ctx} />,
    },
    {
      id: 'p50',
      header: 'Median duration',
      cell: ({ row }) => formatDuration(row.original.duration_ms?.p50),
    },
    {
      id: 'reason',
      header: 'Top failure reason',
      cell: ({ row }) => {
        const r = row.original.failure_reasons[0];
        return r ? (
          <>
            {r.reason} <span className="muted">({num(r.count)})</span>
          </>
        ) : (
          <span className="muted">none</span>
        );
      },
    },
  ];
  return (
    <StateView
      what="journeys"
      loading={answer.isPending}
      error={answer.error}
      onRetry={() => void answer.refetch()}
      empty={journeys.length === 0}
      emptyText={
        <>
          No journey events in this time range. Journeys appear here when <code>session_start</code>,{' '}
          <code>action_start</code>, <code>action_complete</code>, <code>session_end</code> and{' '}
          <code>session_error</code> events carry <code>data.journey_id</code>; try a longer range.
        </>
      }
    >
      <DataTable
        caption="Journeys in the time range: sessions, success rate, trend, duration and top failure reason"
        columns={columns}
        rows={journeys}
        rowKey={(j) => j.journey_id}
      />
      {answer.data && !answer.data.durations.complete && (
        <p className="muted">
          Durations need the range's session events, and it holds more than can be read at once (
          {num(answer.data.durations.session_events_read)} read): narrow the range to see them.
        </p>
      )}
    </StateView>
  );
}

function RateBar({ rate }: { rate: number | null }) {
  return (
    <span className="rate">
      <span className="rate-value">{formatRate(rate)}</span>
      {rate !== null && (
        <span className="rate-bar" aria-hidden="true">
          <span style={{ width: `${Math.round(rate * 100)}%` }} />
        </span>
      )}
    </span>
  );
}

function Sparkline({ journey, ctx }: { journey: Journey; ctx: PageContext }) {
  const config = useMemo<ChartConfiguration<'line'>>(
    () => ({
      type: 'line',
      data: {
        labels: journey.series.map((b) => b.start),
        datasets: [
          {
            data: journey.series.map((b) => b.started),
            borderColor: PALETTE[0],
            backgroundColor: 'rgba(37, 99, 235, 0.15)',
            borderWidth: 1.5,
            pointRadius: 0,
            fill: true,
            tension: 0.3,
          },
        ],
      },
      options: {
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false, beginAtZero: true } },
        events: [],
      },
    }),
    [journey.series],
  );
  const peak = Math.max(0, ...journey.series.map((b) => b.started));
  return (
    <ChartCanvas
      className="sparkline"
      height={32}
      config={config}
      label={`Sessions of ${journey.journey_id} started per ${ctx.interval}: ${journey.series.length} ${ctx.interval}s, at most ${peak} in one`}
    />
  );
}

function JourneyDetail({ journeyId, ctx }: { journeyId: string; ctx: PageContext }) {
  const api = useApi();
  const answer = useQuery({
    queryKey: ['journey', journeyId, ctx.window.from, ctx.window.to, ctx.interval],
    queryFn: ({ signal }) =>
      api.get<JourneyAnswer>(
        `/analytics/journeys/${encodeURIComponent(journeyId)}`,
        { from: ctx.window.from, to: ctx.window.to, interval: ctx.interval },
        { signal },
      ),
  });
  const j = answer.data?.journey;
  const empty =
    !!j &&
    j.started === 0 &&
    j.funnel.length === 0 &&
    j.completed_successfully + j.completed_unsuccessfully === 0;
  return (
    <>
      <p>
        <Link to={`/journeys${ctx.search}`}>← All journeys</Link>
      </p>
      <h2 className="journey-title">
        Journey <code>{journeyId}</code>
      </h2>
      <StateView
        what={`journey ${journeyId}`}
        loading={answer.isPending}
        error={answer.error}
        onRetry={() => void answer.refetch()}
        empty={empty}
        emptyText={`No events of journey ${journeyId} in this time range; try a longer range.`}
      >
        {j && answer.data && (
          <JourneyFigures journey={j} ctx={ctx} complete={answer.data.durations.complete} />
        )}
      </StateView>
    </>
  );
}

function JourneyFigures({
  journey: j,
  ctx,
  complete,
}: {
  journey: Journey;
  ctx: PageContext;
  complete: boolean;
}) {
  const drill = (d: { step_id?: string; type?: string | readonly string[]; reason?: string }) =>
    userActivityHref({ journey_id: j.journey_id, ...d }, ctx.range);
  const rows = funnelRows(j);
  const drop = biggestDrop(rows);
  return (
    <>
      <dl className="kpis">
        <Kpi label="Sessions started" value={num(j.started)} to={drill({ type: DRILL_TYPES.started })} />
        <Kpi
          label="Completed successfully"
          value={num(j.completed_successfully)}
          to={drill({ type: DRILL_TYPES.succeeded })}
        />
        <Kpi
          label="Completed unsuccessfully"
          value={num(j.completed_unsuccessfully)}
          to={drill({ type: DRILL_TYPES.failed })}
        />
        <Kpi
          label="Success rate"
          value={formatRate(j.success_rate)}
          to={drill({ type: DRILL_TYPES.completions })}
        />
        <Kpi
          label="Duration p50"
          value={formatDuration(j.duration_ms?.p50)}
          to={drill({ type: DRILL_TYPES.sessions })}
        />
        <Kpi
          label="Duration p95"
          value={formatDuration(j.duration_ms?.p95)}
          to={drill({ type: DRILL_TYPES.sessions })}
        />
      </dl>
      {drop && (
        <p>
          Most sessions are lost at step <strong>{drop.step_id}</strong> ({num(drop.lost)} sessions).{' '}
          <Link to={drill({ step_id: drop.step_id })}>Show that step's events</Link>
        </p>
      )}
      <section aria-labelledby="funnel-h" className="panel">
        <h3 id="funnel-h">Step funnel</h3>
        <Funnel journey={j} rows={rows} ctx={ctx} />
      </section>
      <div className="two-col">
        <section aria-labelledby="rate-h" className="panel">
          <h3 id="rate-h">Success rate over time</h3>
          <SuccessRate journey={j} ctx={ctx} />
        </section>
        <div>
          <section aria-labelledby="durations-h" className="panel">
            <h3 id="durations-h">Duration</h3>
            {j.duration_ms ? (
              <>
                <p>
                  From <code>session_start</code> to <code>session_end</code> or <code>session_error</code>,
                  over{' '}
                  <Link to={drill({ type: DRILL_TYPES.sessions })}>
                    {num(j.duration_ms.sessions)} sessions
                  </Link>{' '}
                  that started and ended in the range:
                </p>
                <dl className="fields">
                  <dt>Median (p50)</dt>
                  <dd>{formatDuration(j.duration_ms.p50)}</dd>
                  <dt>95th percentile (p95)</dt>
                  <dd>{formatDuration(j.duration_ms.p95)}</dd>
                </dl>
              </>
            ) : (
              <p className="muted">
                {complete
                  ? 'No session started and ended in this range.'
                  : 'The range holds more session events than are read at once: narrow it to see durations.'}
              </p>
            )}
          </section>
          <section aria-labelledby="reasons-h" className="panel">
            <h3 id="reasons-h">Top failure reasons</h3>
            <FailureReasons
              journey={j}
              failedHref={drill({ type: DRILL_TYPES.failed })}
              reasonHref={(reason) => drill({ type: DRILL_TYPES.failed, reason })}
            />
          </section>
        </div>
      </div>
    </>
  );
}

function Kpi({ label, value, to }: { label: string; value: string; to: string }) {
  return (
    <div className="kpi">
      <dt>{label}</dt>
      <dd>
        <Link to={to} aria-label={`${label}: ${value}. Show the events`}>
          {value}
        </Link>
      </dd>
    </div>
  );
}

function Funnel({ journey: j, rows, ctx }: { journey: Journey; rows: FunnelRow[]; ctx: PageContext }) {
  const navigate = useNavigate();
  const drill = (d: { step_id?: string; type?: string }) =>
    userActivityHref({ journey_id: j.journey_id, ...d }, ctx.range);
  const config = useMemo<ChartConfiguration<'bar'>>(
    () => ({
      type: 'bar',
      data: {
        labels: rows.map((r) => r.step_id),
        datasets: [
          { label: 'Started', data: rows.map((r) => r.started), backgroundColor: PALETTE[0] },
          { label: 'Completed', data: rows.map((r) => r.completed), backgroundColor: PALETTE[2] },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { legend: { position: 'bottom' } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        onHover: (e, els) => {
          const target = e.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = els.length ? 'pointer' : 'default';
        },
      },
    }),
    [rows],
  );
  if (rows.length === 0) {
    return (
      <p className="state state-empty">
        No steps: none of this journey's sessions reported <code>action_start</code> with a{' '}
        <code>step_id</code> in this range.
      </p>
    );
  }
  const columns: Array<Column<FunnelRow>> = [
    {
      id: 'step',
      header: 'Step',
      cell: ({ row }) => (
        <Link
          to={drill({ step_id: row.original.step_id })}
          aria-label={`Step ${row.original.step_id}: show its events`}
        >
          {row.original.step_id}
        </Link>
      ),
    },
    {
      id: 'started',
      header: 'Started',
      cell: ({ row }) => (
        <Link
          to={drill({ step_id: row.original.step_id, type: DRILL_TYPES.stepStarted })}
          aria-label={`${num(row.original.started)} started step ${row.original.step_id}: show the events`}
        >
          {num(row.original.started)}
        </Link>
      ),
    },
    {
      id: 'completed',
      header: 'Completed',
      cell: ({ row }) => (
        <Link
          to={drill({ step_id: row.original.step_id, type: DRILL_TYPES.stepCompleted })}
          aria-label={`${num(row.original.completed)} completed step ${row.original.step_id}: show the events`}
        >
          {num(row.original.completed)}
        </Link>
      ),
    },
    { id: 'in', header: 'Dropped in step', cell: ({ row }) => num(row.original.droppedInStep) },
    {
      id: 'next',
      header: 'Dropped before next',
      cell: ({ row }) =>
        row.original.droppedBeforeNext === null ? '—' : num(row.original.droppedBeforeNext),
    },
    { id: 'reached', header: 'Reached', cell: ({ row }) => formatRate(row.original.reached, 0) },
    {
      id: 'completion',
      header: 'Step completion',
      cell: ({ row }) => formatRate(row.original.completion, 0),
    },
  ];
  const summary = rows.map((r) => `${r.step_id} ${r.started} started, ${r.completed} completed`).join('; ');
  return (
    <>
      <p className="hint">Click a bar (or a number in the table) to see that step's events.</p>
      <ChartCanvas
        config={config}
        height={Math.max(140, rows.length * 56 + 60)}
        label={`Step funnel of ${j.journey_id}: ${summary}`}
        onPick={(index, datasetIndex) => {
          const r = rows[index];
          if (!r) return;
          navigate(
            drill({
              step_id: r.step_id,
              type: datasetIndex === 0 ? DRILL_TYPES.stepStarted : DRILL_TYPES.stepCompleted,
            }),
          );
        }}
      />
      <DataTable
        caption={`Step funnel of ${j.journey_id}, with drop-off`}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.step_id}
      />
    </>
  );
}

function SuccessRate({ journey: j, ctx }: { journey: Journey; ctx: PageContext }) {
  const navigate = useNavigate();
  const points = useMemo(() => successSeries(j.series), [j.series]);
  const config = useMemo<ChartConfiguration<'line'>>(
    () => ({
      type: 'line',
      data: {
        labels: points.map((p) => bucketLabel(p.start, ctx.interval, ctx.tz)),
        datasets: [
          {
            label: 'Success rate (%)',
            data: points.map((p) => (p.rate === null ? null : Math.round(p.rate * 1000) / 10)),
            borderColor: PALETTE[2],
            backgroundColor: PALETTE[2],
            yAxisID: 'y',
            spanGaps: true,
            tension: 0.2,
          },
          {
            label: 'Sessions started',
            data: points.map((p) => p.started),
            borderColor: PALETTE[0],
            backgroundColor: PALETTE[0],
            borderDash: [4, 3],
            yAxisID: 'y1',
            pointRadius: 2,
            tension: 0.2,
          },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom' } },
        scales: {
          y: { min: 0, max: 100, title: { display: true, text: 'Success rate (%)' } },
          y1: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            ticks: { precision: 0 },
            title: { display: true, text: 'Sessions' },
          },
        },
      },
    }),
    [points, ctx.interval, ctx.tz],
  );
  const bucketHref = (start: string) => {
    const w = bucketWindow(start, ctx.interval, ctx.window);
    return userActivityHref(
      { journey_id: j.journey_id, type: DRILL_TYPES.completions },
      { range: 'custom', from: w.from, to: w.to, ...(ctx.range.tz ? { tz: ctx.range.tz } : {}) },
    );
  };
  const columns: Array<Column<(typeof points)[number]>> = [
    {
      id: 'start',
      header: ctx.interval === 'day' ? 'Day' : 'Hour',
      cell: ({ row }) => formatTime(row.original.start, ctx.tz, false),
    },
    { id: 'started', header: 'Started', cell: ({ row }) => num(row.original.started) },
    { id: 'ok', header: 'Succeeded', cell: ({ row }) => num(row.original.succeeded) },
    { id: 'failed', header: 'Failed', cell: ({ row }) => num(row.original.failed) },
    {
      id: 'rate',
      header: 'Success rate',
      cell: ({ row }) =>
        row.original.succeeded + row.original.failed > 0 ? (
          <Link to={bucketHref(row.original.start)}>{formatRate(row.original.rate)}</Link>
        ) : (
          '—'
        ),
    },
  ];
  const withRate = points.filter((p) => p.rate !== null);
  const label = `Success rate of ${j.journey_id} per ${ctx.interval}: ${withRate.length} ${ctx.interval}s with completions, overall ${formatRate(j.success_rate)}`;
  return (
    <>
      <p className="hint">Click a point to see that {ctx.interval}'s completed sessions.</p>
      <ChartCanvas
        config={config}
        height={240}
        label={label}
        onPick={(index) => {
          const p = points[index];
          if (p) navigate(bucketHref(p.start));
        }}
      />
      <details className="chart-data">
        <summary>The numbers per {ctx.interval}</summary>
        <DataTable
          caption={`Sessions and success rate of ${j.journey_id} per ${ctx.interval}`}
          columns={columns}
          rows={points}
          rowKey={(p) => p.start}
        />
      </details>
    </>
  );
}

function FailureReasons({
  journey: j,
  failedHref,
  reasonHref,
}: {
  journey: Journey;
  failedHref: string;
  reasonHref: (reason: string) => string;
}) {
  if (j.failure_reasons.length === 0) {
    return <p className="muted">No failed sessions in this range.</p>;
  }
  const failed = j.completed_unsuccessfully;
  return (
    <>
      <ol className="reasons">
        {j.failure_reasons.map((r) => (
          <li key={r.reason}>
            <Link className="reason-name" to={reasonHref(r.reason)}>
              {r.reason}
            </Link>
            <span className="reason-count">
              {num(r.count)}{' '}
              <span className="muted">({formatRate(failed > 0 ? r.count / failed : null, 0)})</span>
            </span>
            <span className="reason-bar" aria-hidden="true">
              <span style={{ width: `${failed > 0 ? Math.round((r.count / failed) * 100) : 0}%` }} />
            </span>
          </li>
        ))}
      </ol>
      <p>
        <Link to={failedHref}>Show the {num(failed)} failed sessions' events</Link>{' '}
        <span className="muted">(a reason shows the failures it names)</span>
      </p>
    </>
  );
}
