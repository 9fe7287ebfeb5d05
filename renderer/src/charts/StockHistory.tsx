import { useQuery } from '../hooks';
import { Card, Empty, ProblemNote } from '../ui';
import { LineChart } from './LineChart';

/** One SKU's on-hand and available quantity over time (sampled: a point per 15 minutes at most). */
export function StockHistoryChart({ sku, onClose }: { sku: string; onClose(): void }) {
  const data = useQuery('charts.stockHistory', { sku }, ['stock', 'orders']);
  const points = data.data?.points ?? [];
  return (
    <Card
      title={`Stock of ${sku} over time`}
      actions={
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      }
    >
      <ProblemNote problem={data.problem} />
      {data.data && points.length === 0 ? <Empty>No history yet: it starts with the next change of this SKU.</Empty> : null}
      {points.length ? (
        <div data-testid="chart-stock-history" data-points={points.length} data-latest={points.at(-1)!.onHand}>
          <LineChart
            testId="chart-stock-history-plot"
            height={160}
            x={points.map((p) => Date.parse(p.at) / 1000)}
            series={[
              { label: 'On hand', values: points.map((p) => p.onHand), stepped: true },
              { label: 'Available', values: points.map((p) => p.available), stepped: true },
            ]}
            label={`Stock of ${sku} over time: now ${points.at(-1)!.onHand} on hand, ${points.at(-1)!.available} available`}
          />
        </div>
      ) : null}
    </Card>
  );
}
