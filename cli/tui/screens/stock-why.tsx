import { Box, Text } from 'ink';
import { describeLedgerEntry } from '../../../core/model/ledger-words';
import { NotLoaded } from '../components/not-loaded';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { when } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { Command, matches } from '../keys';

/** A SKU's story from the stock ledger: the newest changes that fit, each with its time and cause. */
export function StockWhy({ sku, width, height, onBack }: { sku: string; width: number; height: number; onBack(): void }) {
  const lines = Math.max(1, height - 3);
  const query = useApiQuery(['stock.why', sku, lines], (c) => c.call('stock.why', { sku, limit: Math.min(lines, 10_000) }), { areas: ['stock', 'orders'] });
  useScreenHelp([Command.Back]);
  useKeypress((input, key) => {
    if (!matches(Command.Back, input, key)) return false;
    onBack();
    return true;
  });
  if (!query.data) return <NotLoaded error={query.error} />;
  const story = query.data;
  const now = story.now.map((p) => `${p.location ?? 'all locations'}: ${p.onHand} on hand, ${p.committed} held`).join(' · ');
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`Why ${sku}: ${now || 'no stock'}`}</Text>
      <Text wrap="truncate-end">{story.total > story.entries.length ? `newest ${story.entries.length} of ${story.total} changes (backroom stock why ${sku} --limit N for more)` : `${story.total} change${story.total === 1 ? '' : 's'}`}</Text>
      {story.entries.length === 0 ? <Text>No changes recorded yet.</Text> : null}
      {story.entries.map((e) => (
        <Text key={e.seq} wrap="truncate-end">{`${when(e.at)}  ${describeLedgerEntry(e)}`}</Text>
      ))}
    </Box>
  );
}
