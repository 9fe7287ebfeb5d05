import { Box, Text } from 'ink';
import { useState } from 'react';
import type { OrderListItem } from '../../../core/api/namespaces/orders';
import { badInput } from '../../../core/api/errors';
import type { Order } from '../../../core/model';
import { Form, numberOrText, optional, type FormValues } from '../components/form';
import { KeyValue } from '../components/key-value';
import { Table, type Column } from '../components/table';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { when } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { Command, matches } from '../keys';
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';

const PAGE = 1000;

const COLUMNS: Column[] = [
  { header: 'NUMBER', min: 8 },
  { header: 'DATE', width: 16 },
  { header: 'STATUS', min: 8 },
  { header: 'SHIPPED', min: 7 },
  { header: 'CUSTOMER', min: 8 },
  { header: 'TOTAL', align: 'right', min: 7 },
];

/** `SKU:QTY,SKU:QTY` → shipment lines; quantities go to the API as typed so its message names a bad one. */
export function parseShipLines(text: string): { sku: string; quantity: number }[] | undefined {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) return undefined;
  return parts.map((part) => {
    const at = part.lastIndexOf(':');
    if (at <= 0) throw badInput('lines', `lines: entry "${part}" must look like SKU:QTY.`);
    return { sku: part.slice(0, at).trim(), quantity: numberOrText(part.slice(at + 1)) as number };
  });
}

type Mode = { kind: 'list' } | { kind: 'filter' } | { kind: 'detail'; number: string } | { kind: 'ship'; number: string; back: 'list' | 'detail' };

function OrderDetail({ order, width, height }: { order: Order; width: number; height: number }) {
  const lines = order.lines.map((l) => [l.sku || '(none)', l.name, String(l.quantity), String(l.refundedQuantity), l.total]);
  const shipments = order.shipments.map((s) => [s.date, s.carrier, s.tracking, s.location, s.lines.map((l) => `${l.sku}×${l.quantity}`).join(' '), s.pushedAt ? 'sent' : 'pending']);
  const room = Math.max(2, height - 8);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`Order ${order.number} · ${order.shop} · ${order.status} · ${order.fulfilment}`}</Text>
      <KeyValue
        pairs={[
          ['Customer', `${`${order.customer.firstName} ${order.customer.lastName}`.trim() || '—'} <${order.customer.email}>`],
          ['Placed', `${when(order.createdAt)} · total ${order.total} ${order.currency}`],
        ]}
      />
      <Table columns={[{ header: 'SKU', min: 6 }, { header: 'ITEM', min: 8 }, { header: 'QTY', align: 'right', width: 4 }, { header: 'REFUNDED', align: 'right', width: 8 }, { header: 'TOTAL', align: 'right', min: 6 }]} rows={lines} width={width} height={Math.ceil(room / 2)} empty="No lines." />
      <Table columns={[{ header: 'SHIPPED', width: 10 }, { header: 'CARRIER', min: 5 }, { header: 'TRACKING', min: 8 }, { header: 'FROM', min: 5 }, { header: 'CONTENTS', min: 8 }, { header: 'ON SHOP', width: 7 }]} rows={shipments} width={width} height={Math.floor(room / 2)} empty="No shipments yet (n records one)." />
    </Box>
  );
}

export function Orders({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [filter, setFilter] = useState<{ status?: string; shop?: string }>({});
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const query = useApiQuery(['orders', filter.status, filter.shop], (c) => c.call('orders.list', { ...filter, limit: PAGE }), { areas: ['orders'] });
  const orders: OrderListItem[] = query.data?.orders ?? [];
  const detailNumber = mode.kind === 'detail' || mode.kind === 'ship' ? mode.number : null;
  const detail = useApiQuery(['order', detailNumber], (c) => (detailNumber ? c.call('orders.show', { number: detailNumber }) : Promise.resolve(null)), { areas: ['orders'] });
  const list = useList(orders.length, height - 3, { isActive: mode.kind === 'list', onOpen: (i) => setMode({ kind: 'detail', number: orders[i]!.number }) });
  const selected = () => orders[list.current()];

  useScreenHelp(
    mode.kind === 'detail' ? [Command.Ship, Command.Back] : mode.kind === 'list' ? [Command.Up, Command.Open, Command.Filter, Command.ClearFilter, Command.Ship] : [],
  );

  useKeypress(
    (input, key) => {
      const picked = selected();
      if (mode.kind === 'detail' && matches(Command.Back, input, key)) setMode({ kind: 'list' });
      else if (mode.kind === 'detail' && matches(Command.Ship, input, key)) setMode({ kind: 'ship', number: mode.number, back: 'detail' });
      else if (mode.kind === 'list' && picked && matches(Command.Ship, input, key)) setMode({ kind: 'ship', number: picked.number, back: 'list' });
      else if (mode.kind === 'list' && matches(Command.Filter, input, key)) setMode({ kind: 'filter' });
      else if (mode.kind === 'list' && matches(Command.ClearFilter, input, key)) {
        setFilter({});
        message.info('showing all orders.');
      } else return false;
      return true;
    },
    { isActive: mode.kind === 'list' || mode.kind === 'detail' },
  );

  if (mode.kind === 'filter') {
    return (
      <Form
        title="Filter orders (leave a field empty for all)"
        fields={[
          { name: 'status', label: 'Status', value: filter.status ?? '', hint: 'e.g. processing, completed' },
          { name: 'shop', label: 'Shop', value: filter.shop ?? '', hint: 'shop name' },
        ]}
        onSubmit={async (v: FormValues) => {
          const next = { status: optional(v.status), shop: optional(v.shop) };
          // Ask the API first, so a shop that does not exist is reported in its words.
          await client.call('orders.list', { ...next, limit: 1 });
          setFilter(next);
          setMode({ kind: 'list' });
        }}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (mode.kind === 'ship') {
    return (
      <Form
        title={`Record a shipment of ${mode.number}`}
        fields={[
          { name: 'carrier', label: 'Carrier', hint: 'e.g. DHL' },
          { name: 'tracking', label: 'Tracking', hint: 'tracking number' },
          { name: 'date', label: 'Date', hint: 'YYYY-MM-DD, empty = today' },
          { name: 'lines', label: 'Lines', hint: 'SKU:QTY,… empty = everything still owed' },
          { name: 'location', label: 'From', hint: "location, empty = the shop's" },
        ]}
        onSubmit={async (v) => {
          const result = await client.call('ship', {
            orderNumber: mode.number,
            carrier: v.carrier ?? '',
            tracking: v.tracking ?? '',
            date: optional(v.date),
            lines: parseShipLines(v.lines ?? ''),
            location: optional(v.location),
          });
          message.ok(`recorded shipment of ${result.order.number} (${result.shipment.lines.map((l) => `${l.sku}×${l.quantity}`).join(', ')}); order is now ${result.order.fulfilment}.`);
          detail.reload();
          setMode(mode.back === 'detail' ? { kind: 'detail', number: mode.number } : { kind: 'list' });
        }}
        onCancel={() => setMode(mode.back === 'detail' ? { kind: 'detail', number: mode.number } : { kind: 'list' })}
      />
    );
  }
  if (mode.kind === 'detail') {
    if (!detail.data) return <NotLoaded error={detail.error} />;
    return <OrderDetail order={detail.data} width={width} height={height} />;
  }
  if (!query.data) return <NotLoaded error={query.error} />;
  const filterText = [filter.status && `status ${filter.status}`, filter.shop && `shop ${filter.shop}`].filter(Boolean).join(', ');
  const rows = orders.map((o) => [o.number, when(o.createdAt), o.status, o.fulfilment, o.name || o.email, `${o.total} ${o.currency}`]);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{`Orders${filterText ? ` (${filterText})` : ''}: ${query.data.total.toLocaleString('en')}${query.data.total > orders.length ? `, newest ${orders.length.toLocaleString('en')} shown` : ''}`}</Text>
      <Table columns={COLUMNS} rows={rows} width={width} height={height - 3} selected={list.index} start={list.start} empty={filterText ? 'No orders match the filter (c clears it).' : 'No orders yet.'} />
    </Box>
  );
}
