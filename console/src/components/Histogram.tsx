import type { ChartConfiguration } from 'chart.js';
import { useEffect, useMemo } from 'react';
import type { AggregateResult } from '../activity-view';
import { histogramSeries } from '../activity-view';
import { MARKS, markOnce } from '../perf-marks';
import { formatTime, type TimeZoneMode, type Window } from '../time-range';
import { ChartCanvas, PALETTE } from './Chart';

/** A bucket's label on the axis: the date for daily bars, the time (with the day over longer windows) otherwise. */
function bucketLabel(iso: string, interval: Window['interval'], multiDay: boolean, tz: TimeZoneMode): string {
  // Day buckets are UTC days (the API counts whole UTC days): labelled as such in any zone, or a bar west
  // of UTC would carry the previous date.
  if (interval === '1d') return `${formatTime(iso, 'utc', false).slice(0, 10)} UTC`;
  const full = formatTime(iso, tz, false);
  return multiDay ? full.slice(5) : full.slice(11);
}

/**
 * Events over time, stacked by a group (Chart.js bars; loaded on demand, with chart.js, so the first rows of a
 * page do not wait for it). The canvas is labelled with its main figures; the numbers are also in a table.
 * Clicking a bar zooms into its bucket.
 */
export default function Histogram(props: {
  agg: AggregateResult;
  /** A group value's label. */
  label: (value: string) => string;
  /** What the bars are stacked by ("event type"). */
  groupName: string;
  /** The window in words ("Last 24 hours"). */
  windowText: string;
  tz: TimeZoneMode;
  onPickBucket: (start: string) => void;
}) {
  const { agg, label, tz } = props;
  const series = useMemo(() => histogramSeries(agg, label), [agg, label]);
  const interval = (agg.interval ?? '1h') as Window['interval'];
  const multiDay = Date.parse(agg.to) - Date.parse(agg.from) > 86_400_000;
  const labels = useMemo(
    () => series.buckets.map((b) => bucketLabel(b, interval, multiDay, tz)),
    [series, interval, multiDay, tz],
  );
  const config = useMemo<ChartConfiguration<'bar'>>(
    () => ({
      type: 'bar',
      data: {
        labels,
        datasets: series.datasets.map((d, i) => ({
          label: d.label,
          data: d.counts,
          backgroundColor: d.other
            ? (PALETTE[PALETTE.length - 1] as string)
            : PALETTE[i % (PALETTE.length - 1)],
          borderWidth: 0,
          barPercentage: 0.95,
          categoryPercentage: 0.95,
        })),
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: {
            stacked: true,
            grid: { display: false },
            ticks: { autoSkip: true, maxTicksLimit: 12, maxRotation: 0 },
          },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              title: (items) => {
                const i = items[0]?.dataIndex ?? 0;
                const b = series.buckets[i];
                return b ? `${formatTime(b, tz, false)}${tz === 'utc' ? ' UTC' : ''}` : '';
              },
            },
          },
        },
      },
    }),
    [labels, series, tz],
  );
  // Drawn (the chart's own effect ran first): the moment `npm run bench` measures.
  useEffect(() => {
    if (series.total > 0) markOnce(MARKS.histogram);
  }, [series]);
  const top = series.datasets
    .filter((d) => !d.other)
    .slice(0, 3)
    .map((d) => `${d.label} ${d.counts.reduce((a, b) => a + b, 0).toLocaleString('en')}`)
    .join(', ');
  const summary = `Bar chart: ${series.total.toLocaleString('en')} events, ${props.windowText.toLowerCase()}, stacked by ${props.groupName.toLowerCase()}${top ? `; most: ${top}` : ''}.`;
  return (
    <div className="histogram">
      <ChartCanvas
        config={config}
        label={summary}
        height={200}
        onPick={(index) => {
          const b = series.buckets[index];
          if (b) props.onPickBucket(b);
        }}
      />
      <details className="chart-table">
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="data-table compact">
            <caption className="visually-hidden">
              Events per {interval} bucket, by {props.groupName}
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col" className="num">
                  Total
                </th>
                {series.datasets.map((d) => (
                  <th key={d.key} scope="col" className="num">
                    {d.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series.buckets.map((b, i) => {
                const total = agg.series[i]?.count ?? 0;
                if (total === 0) return null;
                return (
                  <tr key={b}>
                    <th scope="row">{formatTime(b, tz, false)}</th>
                    <td className="num">{total.toLocaleString('en')}</td>
                    {series.datasets.map((d) => (
                      <td key={d.key} className="num">
                        {(d.counts[i] ?? 0).toLocaleString('en')}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
