import { Box, Text } from 'ink';
import { useState } from 'react';
import type { CrmView } from '../../../core/api/namespaces/crm';
import type { ShopView } from '../../../core/api/namespaces/shops';
import { ApiError } from '../../../core/api/errors';
import type { Rule, Settings as SettingsData } from '../../../core/model';
import { Form, numberOrText, optional, yesOrNo, type FieldSpec, type FormValues } from '../components/form';
import { Label } from '../components/label';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { useTheme } from '../contexts/theme';
import { fit } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { Command, matches } from '../keys';
import { describeRule } from '../../../core/model';
import { crmAddForm, crmFieldsForm, crmPlatformForm, crmRemoveForm, describeCrm, describeCrmFields, ruleAddForm, ruleRemoveForm, type FormSpec } from './settings-crm';
import { crmConnectionForm, shopConnectionForm } from './settings-connection';
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';

type Row =
  | { kind: 'heading'; text: string; adds?: Adds; edits?: Editable }
  | { kind: 'shop'; shop: ShopView }
  | { kind: 'location'; name: string }
  | { kind: 'crm'; crm: CrmView }
  | { kind: 'rule'; rule: Rule }
  | { kind: 'crm-fields' }
  | { kind: 'carts' }
  | { kind: 'engine' }
  | { kind: 'note'; text: string };

type Adds = 'shop' | 'location' | 'crm' | 'rule';
type Editable = 'crm-fields' | 'carts' | 'engine';

type Mode =
  | { kind: 'list' }
  | { kind: 'edit-shop'; shop: ShopView }
  | { kind: 'add-shop' }
  | { kind: 'add-location' }
  | { kind: 'remove-shop'; name: string }
  | { kind: 'carts' }
  | { kind: 'engine' }
  /** A form built elsewhere (CRM connect, disconnect, rules, fields; shop or CRM address and keys). */
  | { kind: 'crm-form'; spec: FormSpec };

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
      return `  ${describeCrm(row.crm)}`;
    case 'rule':
      return `  ${describeRule(row.rule)}`;
    case 'crm-fields':
      return `  ${describeCrmFields(settings.crmFields)}`;
    case 'carts':
      return `  ${describeCarts(settings.carts)}`;
    case 'engine':
      return `  Stock push waits ${settings.stockPushDebounceMs} ms after a change, so a burst of edits makes one push`;
    case 'note':
      return `  ${row.text}`;
  }
}

/** The keys that act on a row (the help line shows these). */
function rowCommands(row: Row | undefined, rows: readonly Row[], at: number): Command[] {
  const edits = editsFor(row, rows[at + 1]);
  const adds = addsFor(row);
  return [
    ...(edits || row?.kind === 'shop' ? [Command.Edit] : []),
    ...(adds ? [Command.Add] : []),
    ...(row?.kind === 'shop' || row?.kind === 'crm' ? [Command.Connection] : []),
    ...(row?.kind === 'shop' || row?.kind === 'crm' || row?.kind === 'rule' ? [Command.Remove] : []),
    ...(row?.kind === 'crm' ? [Command.Test] : []),
    ...(row?.kind === 'rule' ? [Command.Replay] : []),
  ];
}

const addsFor = (r: Row | undefined): Adds | undefined =>
  r?.kind === 'location' ? 'location' : r?.kind === 'shop' ? 'shop' : r?.kind === 'crm' ? 'crm' : r?.kind === 'rule' ? 'rule' : r?.kind === 'heading' ? r.adds : undefined;
/** What `e` edits on this row: the row's own settings, or those under the heading. */
const editsFor = (r: Row | undefined, next: Row | undefined): Editable | undefined => {
  if (r?.kind === 'crm-fields' || r?.kind === 'carts' || r?.kind === 'engine') return r.kind;
  if (r?.kind === 'heading' && (next?.kind === 'crm-fields' || next?.kind === 'carts' || next?.kind === 'engine')) return next.kind;
  return undefined;
};

export function Settings({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const { color } = useTheme();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  /** A note from the last action that does not fit the message line (a rule's warning). */
  const [notice, setNotice] = useState<string | null>(null);
  const query = useApiQuery(
    ['settings'],
    async (c) => {
      const [shops, locations, settings, crms, rules] = await Promise.all([c.call('shop.list'), c.call('location.list'), c.call('settings.get'), c.call('crm.list'), c.call('rules.list')]);
      return { shops, locations: locations.map((l) => l.name), settings, crms, rules };
    },
    { areas: ['settings', 'rules'] },
  );
  const data = query.data;
  const rows: Row[] = data
    ? [
        { kind: 'heading', text: 'Shops (e edit · c address/keys · x remove · a add)', adds: 'shop' },
        ...data.shops.map((shop): Row => ({ kind: 'shop', shop })),
        ...(data.shops.length ? [] : [{ kind: 'note', text: 'No shops yet.' } as Row]),
        { kind: 'heading', text: 'Locations (a add)', adds: 'location' },
        ...data.locations.map((name): Row => ({ kind: 'location', name })),
        ...(data.locations.length ? [] : [{ kind: 'note', text: 'No locations yet.' } as Row]),
        { kind: 'heading', text: 'CRM connections (a add · t test · c address/key · x remove)', adds: 'crm' },
        ...data.crms.map((crm): Row => ({ kind: 'crm', crm })),
        ...(data.crms.length ? [] : [{ kind: 'note', text: 'No CRM connected: contacts and tags go nowhere yet.' } as Row]),
        { kind: 'heading', text: 'Tag rules (a add · x remove · r replay)', adds: 'rule' },
        ...data.rules.map((rule): Row => ({ kind: 'rule', rule })),
        ...(data.rules.length ? [] : [{ kind: 'note', text: 'No tag rules yet.' } as Row]),
        { kind: 'heading', text: 'CRM contact fields (e edit)' },
        { kind: 'crm-fields' },
        { kind: 'heading', text: 'Abandoned carts (e edit)' },
        { kind: 'carts' },
        { kind: 'heading', text: 'Stock push (e edit)' },
        { kind: 'engine' },
      ]
    : [];
  const listHeight = height - 3 - (notice ? 2 : 0);
  const nav = useList(rows.length, listHeight, { isActive: mode.kind === 'list' });
  const row = rows[nav.index];
  useScreenHelp(mode.kind === 'list' ? [Command.Up, ...rowCommands(row, rows, nav.index)] : []);
  const open = (next: Mode) => {
    setNotice(null);
    setMode(next);
  };
  const crmForm = (spec: FormSpec) => open({ kind: 'crm-form', spec });

  useKeypress(
    (input, key) => {
      const at = nav.current();
      const row = rows[at];
      const adds = addsFor(row);
      const edits = editsFor(row, rows[at + 1]);
      if (matches(Command.Edit, input, key)) {
        if (row?.kind === 'shop') open({ kind: 'edit-shop', shop: row.shop });
        else if (edits === 'crm-fields') crmForm(crmFieldsForm(data!.settings.crmFields));
        else if (edits === 'carts') open({ kind: 'carts' });
        else if (edits === 'engine') open({ kind: 'engine' });
        else message.info('Select a shop, the CRM fields, the cart settings or the stock push to edit.');
      } else if (matches(Command.Add, input, key)) {
        if (adds === 'location') open({ kind: 'add-location' });
        else if (adds === 'shop') open({ kind: 'add-shop' });
        else if (adds === 'crm') crmForm(crmPlatformForm((platform) => crmForm(crmAddForm(platform))));
        else if (adds === 'rule') crmForm(ruleAddForm(data!.crms));
        else message.info('Select the Shops, Locations, CRM connections or Tag rules heading to add one.');
      } else if (matches(Command.Remove, input, key)) {
        if (row?.kind === 'shop') open({ kind: 'remove-shop', name: row.shop.name });
        else if (row?.kind === 'crm') crmForm(crmRemoveForm(row.crm.name));
        else if (row?.kind === 'rule') crmForm(ruleRemoveForm(row.rule));
        else message.info('Select a shop, a CRM connection or a tag rule to remove.');
      } else if (matches(Command.Connection, input, key)) {
        // Where the shop or CRM lives and its keys: a form of its own, because the API re-tests them.
        if (row?.kind === 'shop') crmForm(shopConnectionForm(row.shop));
        else if (row?.kind === 'crm') crmForm(crmConnectionForm(row.crm));
        else message.info('Select a shop or a CRM connection to change its address or keys.');
      } else if (matches(Command.Test, input, key) && row?.kind === 'crm') {
        const name = row.crm.name;
        message.info(`Asking CRM "${name}"…`);
        client.call('crm.test', { name }).then((report) => {
          const parts = [`account ${report.account}`];
          if (report.user) parts.push(`user ${report.user}`);
          if (report.listName) parts.push(`audience "${report.listName}"${report.memberCount !== undefined ? ` (${report.memberCount} subscribed)` : ''}`);
          message.ok(`CRM "${report.name}" (${report.platform}) answers: ${parts.join(', ')}.`);
        }, (e: unknown) => message.fail(e));
      } else if (matches(Command.Replay, input, key) && row?.kind === 'rule') {
        const id = row.rule.id;
        message.info(`Replaying rule ${id} over past orders and carts…`);
        client.call('rules.replay', { id }).then(
          (r) => message.ok(`rule ${id}: looked at ${r.orders} orders and ${r.carts} carts; queued ${r.queued} tag change(s) for the CRM.`),
          (e: unknown) => message.fail(e),
        );
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

  if (!data) return <NotLoaded error={query.error} />;
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
          { name: 'check', label: 'Check keys first', value: 'yes', hint: 'yes asks the shop; no saves without asking' },
        ],
        async (v) => {
          const check = yesOrNo('Check keys first', 'check', v.check);
          const shop = await client.call('shop.add', {
            platform: 'woocommerce',
            name: v.name ?? '',
            url: v.url ?? '',
            key: v.key ?? '',
            secret: v.secret ?? '',
            prefix: optional(v.prefix),
            location: optional(v.location),
            check,
          }).catch((error: unknown) => {
            // The same way out as `shop add --no-check`, in this form's words.
            const api = ApiError.from(error);
            if (check && api.code === 'failed' && api.field === 'key') throw new ApiError('failed', `${api.message} To save them without asking the shop, set Check keys first to no.`, 'key');
            throw error;
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
    case 'crm-form': {
      const { spec } = mode;
      return (
        <Form
          key={spec.title}
          title={spec.title}
          note={spec.note}
          fields={spec.fields}
          onSubmit={async (v) => {
            const modeBefore = mode;
            const { text, notice: note } = await spec.submit(v, client);
            // A first step (which CRM platform) opens the next form itself and reports nothing.
            if (text) message.ok(text);
            setNotice(note ?? null);
            setMode((m) => (m === modeBefore ? { kind: 'list' } : m));
          }}
          onCancel={back}
        />
      );
    }
    case 'list':
      break;
  }
  const shown = rows.slice(nav.start, nav.start + Math.max(1, listHeight));
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
      {notice ? (
        <Box height={2} overflow="hidden">
          <Label tone="warn" wrap="wrap">
            {notice}
          </Label>
        </Box>
      ) : null}
    </Box>
  );
}
