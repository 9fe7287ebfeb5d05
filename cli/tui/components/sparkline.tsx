import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { pad } from '../format';
import { useApiQuery } from '../hooks/use-api';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * Values as a one-line bar chart at most `width` characters wide: the lowest bar is 0 (or the
 * smallest value, when that is below 0), the full bar the largest. Longer series are folded into
 * `width` buckets, each showing its largest value, so a single busy day is never averaged away.
 */
export function sparkline(values: readonly number[], width: number): string {
  const columns = Math.max(0, Math.min(Math.floor(width), values.length));
  if (columns === 0) return '';
  const buckets = Array.from({ length: columns }, (_, i) => {
    const from = Math.floor((i * values.length) / columns);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / columns));
    return Math.max(...values.slice(from, to));
  });
  // The floor is 0, or the smallest value of all (a bucket shows its largest, which can hide it).
  const low = Math.min(0, ...values);
  const high = Math.max(...buckets);
  if (high === low) return BARS[0]!.repeat(columns);
  return buckets.map((v) => BARS[Math.round(((v - low) / (high - low)) * (BARS.length - 1))]!).join('');
}

const DAYS = 14;

/** One line per shop: orders per day over the last 14 days, for the dashboard. */
export function ShopSparklines({ width }: { width: number }) {
  const query = useApiQuery(['orders-per-day'], (c) => c.call('charts.ordersPerDay', { days: DAYS }), { areas: ['orders', 'settings'] });
  const shops = query.data?.shops ?? [];
  if (!shops.length) return null;
  // Terminal cells, not characters: a CJK shop name takes two per character.
  const nameWidth = Math.min(18, Math.max(...shops.map((s) => stringWidth(s.name))));
  return (
    <Box flexDirection="column">
      {shops.map((s) => {
        const total = s.counts.reduce((a, b) => a + b, 0);
        return (
          <Text key={s.name} wrap="truncate-end">
            {`${pad(s.name, nameWidth)}  orders/day, ${DAYS} d: ${sparkline(s.counts, Math.max(0, width - nameWidth - 40))}  ${total} in all`}
          </Text>
        );
      })}
    </Box>
  );
}

/** The selected SKU's on-hand quantity over time, for the stock screen. */
export function StockSparkline({ sku, width }: { sku: string | undefined; width: number }) {
  const query = useApiQuery(['stock-history', sku], (c) => (sku ? c.call('charts.stockHistory', { sku }) : Promise.resolve(null)), { areas: ['stock', 'orders'] });
  const points = query.data?.points ?? [];
  if (!sku) return <Text> </Text>;
  const latest = points.at(-1);
  const line = points.length ? `${sku} on hand over time: ${sparkline(points.map((p) => p.onHand), Math.max(0, width - stringWidth(sku) - 40))}  now ${latest!.onHand}, ${latest!.available} available` : `${sku}: no stock history yet`;
  return <Text wrap="truncate-end">{line}</Text>;
}
