import { Box, Text } from 'ink';
import { useState } from 'react';
import type { LedgerPosition } from '../../../core/model';
import { Form } from '../components/form';
import { Table, type Column } from '../components/table';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { Command, matches } from '../keys';

/**
 * Stock as it was on a day (`stock at`): a form for the day, then every SKU and location as the
 * ledger replays it, through the API's stock.at (which validates the date in its own words).
 */
export function StockAt({ width, height, onBack }: { width: number; height: number; onBack(): void }) {
  const client = useClient();
  const [shown, setShown] = useState<{ at: string; positions: LedgerPosition[] } | null>(null);
  useScreenHelp(shown ? [Command.Back] : []);
  useKeypress(
    (input, key) => {
      if (!matches(Command.Back, input, key)) return false;
      onBack();
      return true;
    },
    { isActive: shown !== null },
  );
  if (!shown) {
    return (
      <Form
        title="Stock as it was on a day (from the stock ledger)"
        fields={[{ name: 'at', label: 'Day', hint: 'YYYY-MM-DD, or a time as 2026-11-22T09:15:00Z' }]}
        onSubmit={async (v) => {
          const at = (v.at ?? '').trim();
          const result = await client.call('stock.at', { at });
          setShown({ at, positions: result.positions });
        }}
        onCancel={onBack}
      />
    );
  }
  const columns: Column[] = [
    { header: 'SKU', min: 8 },
    { header: 'LOCATION', min: 8 },
    { header: 'ON HAND', align: 'right', width: 7 },
    { header: 'HELD', align: 'right', width: 6 },
  ];
  const rows = shown.positions.map((p) => [p.sku, p.location ?? 'all locations', String(p.onHand), String(p.committed)]);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`Stock on ${shown.at}: ${shown.positions.length} SKU and location${shown.positions.length === 1 ? '' : 's'} · on hand, held for orders`}</Text>
      <Table columns={columns} rows={rows} width={width} height={Math.max(1, height - 2)} empty={`No stock on ${shown.at}: the ledger has nothing before then.`} />
    </Box>
  );
}
