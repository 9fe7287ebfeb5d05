import { useQuery } from '../hooks';
import { Card, Empty, ProblemNote } from '../ui';
import { LineChart } from './LineChart';

const DAYS = 30;

/** Orders created per day, one line per shop, over the last 30 days (UTC days). */
export function OrdersPerDayChart() {
  const data = useQuery('charts.ordersPerDay', { days: DAYS }, ['orders', 'settings']);
  const result = data.data;
  const total = result?.shops.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0) ?? 0;
  return (
    <Card title={`Orders per day, last ${DAYS} days`}>
      <ProblemNote problem={data.problem} />
      {result && result.shops.length === 0 ? <Empty>No shops yet: orders per day appear here once a shop is connected.</Empty> : null}
      {result && result.shops.length ? (
        <div data-testid="chart-orders-per-day" data-total={total}>
          <LineChart
            testId="chart-orders-per-day-plot"
            utc
            x={result.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000)}
            series={result.shops.map((s) => ({ label: s.name, values: s.counts }))}
            label={`Orders per day per shop over the last ${DAYS} days: ${total} in all`}
          />
        </div>
      ) : null}
    </Card>
  );
}
