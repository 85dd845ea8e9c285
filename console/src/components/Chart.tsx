import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartType,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

// Only what the console draws: bars (histograms, funnels) and lines (series, sparklines).
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
  Filler,
);

/** A categorical palette with enough contrast on white (the last is "other"). */
export const PALETTE = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#dc2626',
  '#7c3aed',
  '#0891b2',
  '#be185d',
  '#4d7c0f',
  '#9ca3af',
];

/**
 * A Chart.js chart on a canvas. The canvas is an image to assistive technology, labelled with `label` (say
 * what it shows and its main figures); the figures themselves are also on the page as text or a table.
 */
export function ChartCanvas<T extends ChartType>(props: {
  config: ChartConfiguration<T>;
  label: string;
  height?: number;
  className?: string;
  /** Called with the index of the clicked bar or point (drill-down). */
  onPick?: (index: number, datasetIndex: number) => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<T> | null>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  useEffect(() => {
    if (!ref.current) return;
    const config = {
      ...props.config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        ...props.config.options,
        onClick: (_e: unknown, els: Array<{ index: number; datasetIndex: number }>) => {
          const el = els[0];
          if (el && onPick.current) onPick.current(el.index, el.datasetIndex);
        },
      },
    } as ChartConfiguration<T>;
    if (chart.current) {
      chart.current.data = config.data;
      if (config.options) chart.current.options = config.options;
      chart.current.update();
    } else {
      chart.current = new Chart(ref.current, config);
    }
  }, [props.config]);
  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );
  return (
    <div className={props.className ?? 'chart'} style={{ height: props.height ?? 220 }}>
      <canvas ref={ref} role="img" aria-label={props.label} />
    </div>
  );
}
