import { Box, Text } from 'ink';
import { useState } from 'react';
import type { ShopView } from '../../../core/api/views';
import type { Settings as SettingsData } from '../../../core/model';
import { Form, numberOrText, optional, type FieldSpec, type FormValues } from '../components/form';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { useTheme } from '../contexts/theme';
import { fit } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { Command, matches } from '../keys';
import type { ScreenProps } from './types';

type Row =
  | { kind: 'heading'; text: string; adds?: 'shop' | 'location' }
  | { kind: 'shop'; shop: ShopView }
  | { kind: 'location'; name: string }
  | { kind: 'crm'; name: string; platform: string }
  | { kind: 'carts' }
  | { kind: 'engine' }
  | { kind: 'note'; text: string };

type Mode = { kind: 'list' } | { kind: 'edit-shop'; shop: ShopView } | { kind: 'add-shop' } | { kind: 'add-location' } | { kind: 'remove-shop'; name: string } | { kind: 'carts' } | { kind: 'engine' };

const list = (values: readonly string[]) => values.join(',');
const split = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const describeShop = (s: ShopView) =>
  `${s.name}: ${s.platform} ${s.prefix} · imports ${s.statuses.join('/')} · stock from ${s.location.kind === 'combined' ? 'all locations' : s.location.location} · pull ${s.intervals.ordersSeconds}s · reconcile ${s.intervals.reconcileSeconds}s · buffer ${s.safetyBuffer} · shipping ${s.shippingPush === 'each' ? 'each shipment' : 'when complete'}`;

export const describeCarts = (c: SettingsData['carts']) =>
  `Carts: tracking ${c.tracking ? 'on' : 'off'} · cut-off ${c.cutoffMinutes} min · sweep every ${c.sweepMinutes} min · recovery ${c.recoveryWindowDays} days · recovered at ${c.recoveryStatuses.join('/')} · not tracked: ${c.excludedRoles.join('/') || 'none'} · blacklist ${c.blacklist.length}`;

function rowText(row: Row, settings: SettingsData): string {
  switch (row.kind) {
    case 'heading':
      return `${row.text}`;
    case 'shop':
      return `  ${describeShop(row.shop)}`;
    case 'location':
      return `  ${row.name}`;
    case 'crm':
      return `  ${row.name}: ${row.platform}`;
    case 'carts':
      return `  ${describeCarts(settings.carts)}`;
    case 'engine':
      return `  Stock push waits ${settings.stockPushDebounceMs} ms after a change, so a burst of edits makes one push`;
    case 'note':
      return `  ${row.text}`;
  }
}

export function Settings({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const { color } = useTheme();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const query = useApiQuery(
    async (c) => {
      const [shops, locations, settings, status] = await Promise.all([c.call('shop.list'), c.call('location.list'), c.call('settings.get'), c.call('status')]);
      return { shops, locations: locations.map((l) => l.name), settings, crms: status.crms };
    },
    [],
    { areas: ['settings', 'rules'] },
  );
  const data = query.data;
  const rows: Row[] = data
    ? [
        { kind: 'heading', text: 'Shops (e edit · x remove · a add)', adds: 'shop' },
        ...data.shops.map((shop): Row => ({ kind: 'shop', shop })),
        ...(data.shops.length ? [] : [{ kind: 'note', text: 'No shops yet.' } as Row]),
        { kind: 'heading', text: 'Locations (a add)', adds: 'location' },
        ...data.locations.map((name): Row => ({ kind: 'location', name })),
        ...(data.locations.length ? [] : [{ kind: 'note', text: 'No locations yet.' } as Row]),
        { kind: 'heading', text: 'CRM' },
        ...data.crms.map((c): Row => ({ kind: 'crm', ...c })),
        { kind: 'note', text: data.crms.length ? 'Tag rules: backroom rules list | add | remove' : 'No CRM connected: backroom crm add activecampaign --url URL --key K' },
        { kind: 'heading', text: 'Abandoned carts (e edit)' },
        { kind: 'carts' },
        { kind: 'heading', text: 'Stock push (e edit)' },
        { kind: 'engine' },
      ]
    : [];
  const nav = useList(rows.length, height - 3, { isActive: mode.kind === 'list' });
  const row = rows[nav.index];
  const addsFor = (r: Row | undefined) => (r?.kind === 'location' ? 'location' : r?.kind === 'shop' ? 'shop' : r?.kind === 'heading' ? r.adds : undefined);
  useScreenHelp(mode.kind === 'list' ? [Command.Up, Command.Edit, Command.Add, Command.Remove] : []);

  useKeypress(
    (input, key) => {
      const at = nav.current();
      const row = rows[at];
      const adds = addsFor(row);
      if (matches(Command.Edit, input, key)) {
        if (row?.kind === 'shop') setMode({ kind: 'edit-shop', shop: row.shop });
        else if (row?.kind === 'carts' || (row?.kind === 'heading' && rows[at + 1]?.kind === 'carts')) setMode({ kind: 'carts' });
        else if (row?.kind === 'engine' || (row?.kind === 'heading' && rows[at + 1]?.kind === 'engine')) setMode({ kind: 'engine' });
        else message.info('Select a shop, the cart settings or the stock push to edit.');
      } else if (matches(Command.Add, input, key)) {
        if (adds === 'location') setMode({ kind: 'add-location' });
        else if (adds === 'shop') setMode({ kind: 'add-shop' });
        else message.info('Select the Shops or Locations heading to add one.');
      } else if (matches(Command.Remove, input, key)) {
        if (row?.kind === 'shop') setMode({ kind: 'remove-shop', name: row.shop.name });
        else message.info('Select a shop to remove.');
      } else return false;
      return true;
    },
    { isActive: mode.kind === 'list' },
  );

  const back = () => setMode({ kind: 'list' });
  const form = (title: string, fields: FieldSpec[], submit: (v: FormValues) => Promise<string>) => (
    <Form
      title={title}
      fields={fields}
      onSubmit={async (v) => {
        message.ok(await submit(v));
        back();
      }}
      onCancel={back}
    />
  );

  if (!data) return <Text>{query.error ? `Error: ${query.error}` : 'Loading…'}</Text>;
  switch (mode.kind) {
    case 'edit-shop': {
      const s = mode.shop;
      return form(
        `Edit shop ${s.name}`,
        [
          { name: 'prefix', label: 'Order prefix', value: s.prefix },
          { name: 'statuses', label: 'Import statuses', value: list(s.statuses), hint: 'comma-separated' },
          { name: 'location', label: 'Stock from', value: s.location.kind === 'combined' ? 'all' : s.location.location, hint: 'a location, or all' },
          { name: 'ordersSeconds', label: 'Pull every (s)', value: String(s.intervals.ordersSeconds) },
          { name: 'reconcileSeconds', label: 'Reconcile every (s)', value: String(s.intervals.reconcileSeconds) },
          { name: 'safetyBuffer', label: 'Safety buffer', value: String(s.safetyBuffer) },
          { name: 'shippingPush', label: 'Shipping push', value: s.shippingPush, hint: 'complete or each' },
        ],
        async (v) => {
          const where = (v.location ?? '').trim();
          const updated = await client.call('shop.update', {
            name: s.name,
            prefix: optional(v.prefix),
            statuses: v.statuses === undefined ? undefined : split(v.statuses),
            ...(where.toLowerCase() === 'all' ? { combined: true as const } : where ? { location: where } : {}),
            ordersSeconds: numberOrText(v.ordersSeconds ?? '') as number,
            reconcileSeconds: numberOrText(v.reconcileSeconds ?? '') as number,
            safetyBuffer: numberOrText(v.safetyBuffer ?? '') as number,
            shippingPush: optional(v.shippingPush) as 'complete' | 'each' | undefined,
          });
          return `saved shop ${updated.name}.`;
        },
      );
    }
    case 'add-shop':
      return form(
        'Add a WooCommerce shop',
        [
          { name: 'name', label: 'Name' },
          { name: 'url', label: 'Site URL', hint: 'https://shop.example.com' },
          { name: 'key', label: 'Consumer key', secret: true },
          { name: 'secret', label: 'Consumer secret', secret: true },
          { name: 'prefix', label: 'Order prefix', hint: 'empty = WO' },
          { name: 'location', label: 'Stock from', hint: 'a location, empty = all' },
        ],
        async (v) => {
          const shop = await client.call('shop.add', {
            platform: 'woocommerce',
            name: v.name ?? '',
            url: v.url ?? '',
            key: v.key ?? '',
            secret: v.secret ?? '',
            prefix: optional(v.prefix),
            location: optional(v.location),
          });
          return `added shop ${shop.name} (orders numbered ${shop.prefix}:…).`;
        },
      );
    case 'add-location':
      return form('Add a location', [{ name: 'name', label: 'Name', hint: 'e.g. Warehouse' }], async (v) => {
        const added = await client.call('location.add', { name: v.name ?? '' });
        return `added location ${added.name}.`;
      });
    case 'remove-shop':
      return form(`Remove shop ${mode.name}? Its orders stay; its credentials are deleted.`, [{ name: 'confirm', label: 'Type the shop name to confirm' }], async (v) => {
        if ((v.confirm ?? '').trim() !== mode.name) throw new Error(`Type "${mode.name}" exactly to remove it, or esc to keep it.`);
        await client.call('shop.remove', { name: mode.name });
        return `removed shop ${mode.name}.`;
      });
    case 'carts': {
      const c = data.settings.carts;
      return form(
        'Abandoned-cart settings',
        [
          { name: 'tracking', label: 'Tracking', value: c.tracking ? 'on' : 'off', hint: 'on or off' },
          { name: 'cutoffMinutes', label: 'Cut-off (min)', value: String(c.cutoffMinutes) },
          { name: 'sweepMinutes', label: 'Sweep every (min)', value: String(c.sweepMinutes) },
          { name: 'recoveryWindowDays', label: 'Recovery window (days)', value: String(c.recoveryWindowDays) },
          { name: 'recoveryStatuses', label: 'Recovery statuses', value: list(c.recoveryStatuses) },
          { name: 'excludedRoles', label: 'Roles not tracked', value: list(c.excludedRoles) },
          { name: 'blacklist', label: 'Blacklist', value: list(c.blacklist), hint: 'emails or @domains' },
        ],
        async (v) => {
          const tracking = (v.tracking ?? '').trim().toLowerCase();
          await client.call('settings.update', {
            carts: {
              tracking: tracking === 'on' ? true : tracking === 'off' ? false : (tracking as unknown as boolean),
              cutoffMinutes: numberOrText(v.cutoffMinutes ?? '') as number,
              sweepMinutes: numberOrText(v.sweepMinutes ?? '') as number,
              recoveryWindowDays: numberOrText(v.recoveryWindowDays ?? '') as number,
              recoveryStatuses: split(v.recoveryStatuses),
              excludedRoles: split(v.excludedRoles),
              blacklist: split(v.blacklist),
            },
          });
          return 'saved the cart settings.';
        },
      );
    }
    case 'engine':
      return form('Stock push', [{ name: 'stockPushDebounceMs', label: 'Wait after a change (ms)', value: String(data.settings.stockPushDebounceMs) }], async (v) => {
        await client.call('settings.update', { stockPushDebounceMs: numberOrText(v.stockPushDebounceMs ?? '') as number });
        return 'saved the stock push setting.';
      });
    case 'list':
      break;
  }
  const shown = rows.slice(nav.start, nav.start + Math.max(1, height - 3));
  const full = row ? rowText(row, data.settings).trim() : '';
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((r, i) => {
        const selected = nav.start + i === nav.index;
        return (
          <Text key={nav.start + i} bold={r.kind === 'heading'} inverse={selected && color} wrap="truncate-end">
            {`${selected ? '›' : ' '} ${fit(rowText(r, data.settings), width - 2)}`}
          </Text>
        );
      })}
      {full.length > width - 2 ? (
        <Box height={2} overflow="hidden">
          <Text wrap="wrap">{full}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
