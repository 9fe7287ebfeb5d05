import { useEvent, useQuery } from '../hooks';
import { Card, Empty, ProblemNote } from '../ui';
import { LineChart } from './LineChart';

/**
 * Per shop, how old Backroom's copy of the shop's orders was at each recent order pull, in
 * minutes: flat near the poll interval when all is well, climbing while a shop cannot be reached.
 */
export function SyncLagChart() {
  const data = useQuery('charts.syncLag', {}, ['settings']);
  useEvent('job', (e) => e.job === 'orders' && e.state !== 'running' && data.reload());
  const shops = data.data?.shops ?? [];
  // One x axis for all shops: every run time, with a gap where a shop did not run then.
  const times = [...new Set(shops.flatMap((s) => s.runs.map((r) => Date.parse(r.at) / 1000)))].sort((a, b) => a - b);
  const series = shops.map((s) => {
    const byTime = new Map(s.runs.map((r) => [Date.parse(r.at) / 1000, Math.round((r.lagSeconds / 60) * 10) / 10]));
    return { label: s.name, values: times.map((t) => byTime.get(t) ?? null) };
  });
  const worst = shops.map((s) => s.runs.at(-1)).filter((r) => r !== undefined).reduce((m, r) => Math.max(m, r.lagSeconds), 0);
  return (
    <Card title="Sync lag per shop">
      <p className="muted small card-intro">Minutes since each shop’s previous successful order pull, at every pull. It climbs while a shop cannot be reached.</p>
      <ProblemNote problem={data.problem} />
      {data.data && times.length === 0 ? <Empty>No order pull has run yet since this chart began.</Empty> : null}
      {times.length ? (
        <div data-testid="chart-sync-lag" data-runs={times.length}>
          <LineChart testId="chart-sync-lag-plot" x={times} series={series} height={150} yLabel="minutes" label={`Sync lag per shop, in minutes; the latest worst is ${Math.round(worst / 60)} minutes`} />
        </div>
      ) : null}
    </Card>
  );
}
