import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const COLOURS = ['#2f7d6d', '#c7772b', '#4a6fa5', '#a5486f', '#6b8e23', '#7a5c3e'];

export interface LineSeries {
  label: string;
  /** One value per x; null where the series has no value (the line bridges it). */
  values: (number | null)[];
  /** Draws steps (a quantity that holds until it changes) instead of straight lines. */
  stepped?: boolean;
}

/**
 * A small line chart (uPlot, drawn on a canvas) that follows its container's width, from a phone
 * to a desktop window. `x` are seconds since 1970; times show in the computer's own time zone
 * unless `utc` (days counted in UTC).
 */
export function LineChart({ x, series, height = 180, utc = false, yLabel, testId, label }: { x: number[]; series: LineSeries[]; height?: number; utc?: boolean; yLabel?: string; testId: string; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const key = JSON.stringify([x, series]);

  useEffect(() => {
    const el = box.current;
    if (!el || x.length === 0 || series.length === 0) return;
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height,
        ...(utc ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
        // At least half an hour across: a single point (or runs seconds apart) would otherwise
        // stretch the time axis over years or split it into milliseconds.
        scales: { x: { time: true, range: (_u, min, max) => (max - min < 1800 ? [max - 1800, max + 60] : [min, max]) }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
        axes: [{}, { label: yLabel, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            spanGaps: true,
            points: { show: x.length < 40 },
            ...(s.stepped ? { paths: uPlot.paths.stepped?.({ align: 1 }) } : {}),
          })),
        ],
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // `key` stands for x and series: redraw only when the figures change, not on every render.
  }, [key, height, utc, yLabel]);

  return <div ref={box} className="chart" data-testid={testId} data-points={x.length} role="img" aria-label={label} />;
}
