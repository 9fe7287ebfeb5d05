import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useQuery } from '../hooks';
import { Card, Empty, ProblemNote } from '../ui';

const COLOURS = ['#2f7d6d', '#c7772b', '#4a6fa5', '#a5486f', '#6b8e23', '#7a5c3e'];
const DAYS = 30;

/** Orders created per day, one line per shop, over the last 30 days (UTC days). */
export function OrdersPerDayChart() {
  const data = useQuery((c) => c.call('charts.ordersPerDay', { days: DAYS }), ['orders', 'settings']);
  const box = useRef<HTMLDivElement>(null);
  const result = data.data;

  useEffect(() => {
    const el = box.current;
    if (!el || !result || result.shops.length === 0) return;
    const x = result.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 180,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }],
        series: [{}, ...result.shops.map((s, i) => ({ label: s.name, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: false } }))],
      },
      [x, ...result.shops.map((s) => s.counts)],
      el,
    );
    // Follow the card's width (phone to desktop) without re-creating the chart.
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [result]);

  const total = result?.shops.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0) ?? 0;
  return (
    <Card title={`Orders per day, last ${DAYS} days`}>
      <ProblemNote problem={data.problem} />
      {result && result.shops.length === 0 ? <Empty>No shops yet: orders per day appear here once a shop is connected.</Empty> : null}
      <div ref={box} className="chart" data-testid="chart-orders-per-day" data-total={total} role="img" aria-label={`Orders per day per shop over the last ${DAYS} days: ${total} in all`} />
    </Card>
  );
}
