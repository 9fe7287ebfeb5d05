import { Box, Text } from 'ink';
import { useState } from 'react';
import type { UnlinkedItem } from '../../../core/model';
import { parseBundleParts } from '../../../core/model/bundle-parts';
import { ApiError } from '../../../core/api/errors';
import { Form } from '../components/form';
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

const UNLINKED: Column[] = [
  { header: 'SHOP', min: 8 },
  { header: 'SHOP SKU', min: 10 },
  { header: 'SEEN ON', min: 12 },
  { header: 'LAST SEEN', width: 16 },
];
const KITS: Column[] = [
  { header: 'KIT', min: 10 },
  { header: 'PARTS', min: 16 },
  { header: 'CAN MAKE', width: 8, align: 'right' },
];

type Mode = { kind: 'list' } | { kind: 'link'; item: UnlinkedItem } | { kind: 'kit' };

const seenOn = (u: UnlinkedItem) => [u.seenOnOrders ? `${u.lines} line${u.lines === 1 ? '' : 's'} ${u.orders.slice(0, 2).join(' ')}` : '', u.seenOnProducts ? 'product' : ''].filter(Boolean).join(', ');

/** Kits and the SKUs shops use that the catalogue lacks: l links one to a catalogue SKU, i ignores it, a adds a kit. */
export function Catalogue({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const query = useApiQuery(['catalogue'], async (c) => {
    const [unlinked, kits] = await Promise.all([c.call('sku.unlinked', {}), c.call('bundle.list')]);
    return { unlinked, kits };
  }, { areas: ['stock', 'orders'] });
  const unlinked = query.data?.unlinked ?? [];
  const kits = query.data?.kits ?? [];
  const kitRows = Math.min(kits.length + 1, Math.max(2, Math.floor(height / 3)));
  const listHeight = Math.max(2, height - kitRows - 5);
  const list = useList(unlinked.length, listHeight - 1, { isActive: mode.kind === 'list' });
  useScreenHelp(mode.kind === 'list' ? [Command.Up, Command.Link, Command.Ignore, Command.Add] : []);

  useKeypress(
    (input, key) => {
      const picked = unlinked[list.current()];
      if (picked && matches(Command.Link, input, key)) setMode({ kind: 'link', item: picked });
      else if (picked && matches(Command.Ignore, input, key)) {
        client.call('sku.ignore', { shop: picked.shop, shopSku: picked.shopSku }).then(
          () => message.ok(`${picked.shopSku} on ${picked.shop} is ignored: no stock is held for it.`),
          (e: unknown) => message.fail(e),
        );
      } else if (matches(Command.Add, input, key)) setMode({ kind: 'kit' });
      else return false;
      return true;
    },
    { isActive: mode.kind === 'list' },
  );

  if (mode.kind === 'link') {
    const { item } = mode;
    return (
      <Form
        title={`Link ${item.shopSku} (${item.shop}) to a catalogue SKU`}
        note="Its orders then hold that SKU, and this shop is sent its own spelling."
        fields={[{ name: 'sku', label: 'Catalogue SKU' }]}
        onSubmit={async (v) => {
          const alias = await client.call('sku.link', { shop: item.shop, shopSku: item.shopSku, sku: (v.sku ?? '').trim() });
          message.ok(`Linked ${alias.shopSku} → ${alias.sku} on ${alias.shop ?? 'every shop'}.`);
          setMode({ kind: 'list' });
        }}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (mode.kind === 'kit') {
    return (
      <Form
        title="Add or change a kit"
        note="Parts as SKU:QTY,SKU:QTY, each quantity from 1 to 1000; a kit is offered as many as its parts allow."
        fields={[{ name: 'sku', label: 'Kit SKU' }, { name: 'of', label: 'Parts' }]}
        onSubmit={async (v) => {
          const parsed = parseBundleParts(v.of ?? '');
          if ('error' in parsed) throw new ApiError('bad-input', parsed.error.replace('--of', 'Parts'), 'of');
          const kit = await client.call('bundle.add', { sku: (v.sku ?? '').trim(), parts: parsed.parts });
          message.ok(`Kit ${kit.sku} saved; ${kit.available} can be made now.`);
          setMode({ kind: 'list' });
        }}
        onCancel={() => setMode({ kind: 'list' })}
      />
    );
  }
  if (!query.data) return <NotLoaded error={query.error} />;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{`Not in the catalogue: ${unlinked.length} SKU${unlinked.length === 1 ? '' : 's'} on orders or shop products · l links, i ignores`}</Text>
      <Table columns={UNLINKED} rows={unlinked.map((u) => [u.shop, u.shopSku, seenOn(u), when(u.lastSeenAt)])} width={width} height={listHeight} selected={list.index} start={list.start} empty="Every SKU your shops use is in the catalogue." />
      <Text wrap="truncate-end">{`Kits: ${kits.length} · a adds one (backroom bundle remove KIT removes one)`}</Text>
      <Table columns={KITS} rows={kits.map((k) => [k.sku, k.parts.map((p) => `${p.sku}×${p.quantity}`).join(', '), String(k.available)])} width={width} height={kitRows + 1} selected={-1} start={0} empty="No kits yet." />
    </Box>
  );
}
