import { Box, Text } from 'ink';
import { useState } from 'react';
import type { StockView } from '../../../core/api/namespaces/stock';
import { Form, numberOrText, optional } from '../components/form';
import { StockSparkline } from '../components/sparkline';
import { Table, type Column } from '../components/table';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { Command, matches } from '../keys';
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';
import { StockAt } from './stock-at';
import { StockExport } from './stock-export';
import { StockWhy } from './stock-why';

type Mode = { kind: 'list' } | { kind: 'edit'; sku: string; location: string; quantity: number | null } | { kind: 'add' } | { kind: 'filter' } | { kind: 'why'; sku: string } | { kind: 'reorder'; sku: string } | { kind: 'at' } | { kind: 'export' };

export function Stock({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [filter, setFilter] = useState('');
  const [column, setColumn] = useState(0);
  const query = useApiQuery(
    ['stock'],
    async (c) => {
      const [items, locations, sent] = await Promise.all([c.call('stock.list'), c.call('location.list'), c.call('stock.sent')]);
      return { items, locations: locations.map((l) => l.name), sent: sent.shops };
    },
    { areas: ['stock', 'settings', 'orders'], afterJobs: ['inventory'] },
  );
  const items: StockView[] = (query.data?.items ?? []).filter((i) => !filter || i.sku.toLowerCase().includes(filter.toLowerCase()));
  const locations = query.data?.locations ?? [];
  const list = useList(items.length, height - 5, { isActive: mode.kind === 'list' });
  const selected = () => items[list.current()];
  const location = locations[Math.min(column, Math.max(0, locations.length - 1))];
  useScreenHelp(mode.kind === 'list' ? [Command.Up, Command.Left, Command.Edit, Command.Add, Command.Why, Command.ReorderPoint, Command.StockAt, Command.Export, Command.Filter, Command.ClearFilter] : []);

  useKeypress(
    (input, key) => {
      const picked = selected();
      if (matches(Command.Left, input, key)) setColumn((c) => Math.max(0, Math.min(c, locations.length - 1) - 1));
      else if (matches(Command.Right, input, key)) setColumn((c) => Math.min(locations.length - 1, c + 1));
      else if (matches(Command.Edit, input, key) && picked && location) setMode({ kind: 'edit', sku: picked.sku, location, quantity: picked.onHand[location] ?? null });
      else if (matches(Command.Add, input, key)) setMode({ kind: 'add' });
      else if (matches(Command.Why, input, key) && picked) setMode({ kind: 'why', sku: picked.sku });
      else if (matches(Command.ReorderPoint, input, key) && picked) setMode({ kind: 'reorder', sku: picked.sku });
      else if (matches(Command.StockAt, input, key)) setMode({ kind: 'at' });
      else if (matches(Command.Export, input, key)) setMode({ kind: 'export' });
      else if (matches(Command.Filter, input, key)) setMode({ kind: 'filter' });
      else if (matches(Command.ClearFilter, input, key)) setFilter('');
      else return false;
      return true;
    },
    { isActive: mode.kind === 'list' },
  );

  const save = async (sku: string, at: string, quantity: string) => {
    const before = query.data?.items.find((i) => i.sku === sku.trim())?.onHand[at.trim()];
    const result = await client.call('stock.set', { sku: sku.trim(), location: at.trim(), quantity: numberOrText(quantity) as number });
    message.ok(`${result.sku} at ${at.trim()}: ${before ?? 'none'} → ${result.onHand[at.trim()]} on hand (${result.available} available).`);
    setMode({ kind: 'list' });
  };

  if (mode.kind === 'edit') {
    return (
      <Form
        title={`Set the quantity on hand of ${mode.sku}`}
        fields={[
          { name: 'location', label: 'Location', value: mode.location },
          { name: 'quantity', label: 'Quantity', value: mode.quantity === null ? '' : String(mode.quantity), hint: 'whole number' },
        ]}
        onSubmit={(v) => save(mode.sku, v.location ?? '', v.quantity ?? '')}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (mode.kind === 'add') {
    return (
      <Form
        title="Add stock of a SKU"
        fields={[
          { name: 'sku', label: 'SKU' },
          { name: 'location', label: 'Location', value: location ?? '' },
          { name: 'quantity', label: 'Quantity', hint: 'whole number' },
        ]}
        onSubmit={(v) => save(v.sku ?? '', v.location ?? '', v.quantity ?? '')}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (mode.kind === 'at') return <StockAt width={width} height={height} onBack={() => setMode({ kind: 'list' })} />;
  if (mode.kind === 'export') return <StockExport onDone={() => setMode({ kind: 'list' })} />;
  if (mode.kind === 'why') return <StockWhy sku={mode.sku} width={width} height={height} onBack={() => setMode({ kind: 'list' })} />;
  if (mode.kind === 'reorder') {
    return (
      <Form
        title={`Reorder point of ${mode.sku}: one alert when its free stock falls to it or below`}
        fields={[{ name: 'point', label: 'Reorder point', hint: 'whole number; 0 clears' }]}
        onSubmit={async (v) => {
          const result = await client.call('stock.reorderPoint', { sku: mode.sku, point: numberOrText(v.point ?? '') as number });
          message.ok(result.point === null ? `${result.sku}: reorder point cleared.` : `${result.sku}: reorder point ${result.point}.`);
          setMode({ kind: 'list' });
        }}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (mode.kind === 'filter') {
    return (
      <Form
        title="Show SKUs containing"
        fields={[{ name: 'sku', label: 'SKU', value: filter }]}
        onSubmit={async (v) => {
          setFilter(optional(v.sku) ?? '');
          setMode({ kind: 'list' });
        }}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (!query.data) return <NotLoaded error={query.error} />;
  const sent = query.data.sent;
  const columns: Column[] = [
    { header: 'SKU', min: 8 },
    ...locations.map((l, i): Column => ({ header: i === column ? `[${l}]` : l, align: 'right', min: 5 })),
    { header: 'COMMIT', align: 'right', width: 6 },
    { header: 'AVAIL', align: 'right', width: 6 },
    ...sent.map((s): Column => ({ header: `>${s.name}`, align: 'right', min: 5 })),
  ];
  const rows = items.map((i) => [
    i.sku,
    ...locations.map((l) => (l in i.onHand ? String(i.onHand[l]) : '—')),
    String(i.committed),
    String(i.available),
    ...sent.map((s) => (i.sku in s.lastSent ? String(s.lastSent[i.sku]) : '—')),
  ]);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{`Stock: ${items.length.toLocaleString('en')} SKU${items.length === 1 ? '' : 's'}${filter ? ` containing "${filter}"` : ''} · on hand per location, committed, available`}</Text>
      <Text wrap="truncate-end">{sent.length ? `>shop = quantity that shop was last sent · [location] = the one e edits` : '[location] = the one e edits'}</Text>
      <StockSparkline sku={items[list.index]?.sku} width={width} />
      <Table columns={columns} rows={rows} width={width} height={height - 5} selected={list.index} start={list.start} empty={filter ? 'No SKU matches (c clears the filter).' : 'No stock yet: a adds a SKU, or backroom stock import FILE.'} />
    </Box>
  );
}
