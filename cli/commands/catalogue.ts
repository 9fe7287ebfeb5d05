import type { Command } from 'commander';
import { parseBundleParts, type SkuAlias, type UnlinkedItem } from '../../core/model';
import type { BundleView } from '../../core/api/contract-catalogue';
import { action, type CliDeps } from '../context';
import { localTime, table, UsageError } from '../output';

function aliasLine(a: SkuAlias): string {
  return `${a.shopSku} → ${a.sku} (${a.shop ? `on "${a.shop}"` : 'on every shop'})`;
}

function unlinkedTable(list: UnlinkedItem[], ignored: boolean): string {
  if (list.length === 0) return ignored ? 'No ignored SKUs.' : 'Every SKU the shops use is in the catalogue.';
  const rows = list.map((u) => [u.shop, u.shopSku, u.name || '-', [u.seenOnOrders ? `${u.lines} order line(s)` : '', u.seenOnProducts ? 'a product' : ''].filter(Boolean).join(', '), u.orders.slice(0, 3).join(' ') || '-', localTime(u.lastSeenAt)]);
  const hint = ignored ? 'Take one back: backroom sku ignore SHOP_SKU --undo --shop N' : 'Link one: backroom sku link SHOP_SKU SKU [--shop N] — or ignore it: backroom sku ignore SHOP_SKU [--shop N]';
  return `${table(['SHOP', 'SHOP SKU', 'NAME', 'SEEN ON', 'ORDERS', 'LAST SEEN'], rows)}\n${hint}`;
}

export function bundleTable(list: BundleView[]): string {
  if (list.length === 0) return 'No kits yet. Add one: backroom bundle add KIT --of SKU:QTY,SKU:QTY';
  return table(['KIT', 'PARTS', 'AVAILABLE'], list.map((b) => [b.sku, b.parts.map((p) => `${p.sku}×${p.quantity}`).join(', '), b.available]));
}

export function registerCatalogue(program: Command, deps: CliDeps): void {
  const sku = program.command('sku').description("SKU aliases (a shop's own spelling of a SKU) and SKUs the catalogue does not have");
  sku
    .command('alias <shopSku> <sku>')
    .description("map a shop's SKU to a catalogue SKU (on one shop with --shop, else on every shop)")
    .option('--shop <name>', 'only on this shop (that shop is then pushed its own spelling)')
    .action(action(deps, async ({ api, print }, shopSku: string, target: string, opts: { shop?: string }) => {
      const alias = await (await api()).call('sku.alias', { shopSku, sku: target, shop: opts.shop });
      print.result(alias, () => `Alias ${aliasLine(alias)}. Orders holding stock were worked out again.`);
    }));
  sku
    .command('unalias <shopSku>')
    .description('remove an alias')
    .option('--shop <name>', 'the alias of this shop (default: the alias for every shop)')
    .action(action(deps, async ({ api, print }, shopSku: string, opts: { shop?: string }) => {
      const result = await (await api()).call('sku.unalias', { shopSku, shop: opts.shop });
      print.result(result, () => `Removed alias ${aliasLine(result.removed)}.`);
    }));
  sku
    .command('aliases')
    .description('list SKU aliases')
    .option('--shop <name>', 'only those that apply to this shop')
    .action(action(deps, async ({ api, print }, opts: { shop?: string }) => {
      const list = await (await api()).call('sku.aliases', { shop: opts.shop });
      print.result(list, () => (list.length ? table(['SHOP SKU', 'CATALOGUE SKU', 'SHOP'], list.map((a) => [a.shopSku, a.sku, a.shop ?? '(every shop)'])) : 'No aliases. Add one: backroom sku alias SHOP_SKU SKU [--shop N]'));
    }));
  sku
    .command('unlinked')
    .description('SKUs on orders or shop products that the catalogue does not have')
    .option('--shop <name>', 'only this shop')
    .option('--ignored', 'list the SKUs you ignored instead')
    .action(action(deps, async ({ api, print }, opts: { shop?: string; ignored?: boolean }) => {
      const list = await (await api()).call('sku.unlinked', { shop: opts.shop, ignored: Boolean(opts.ignored) });
      print.result(list, () => unlinkedTable(list, Boolean(opts.ignored)));
    }));
  sku
    .command('link <shopSku> <sku>')
    .description('link an unlinked SKU to a catalogue SKU; its orders then hold that SKU')
    .option('--shop <name>', 'the shop it was seen on (needed when several shops have it)')
    .action(action(deps, async ({ api, print }, shopSku: string, target: string, opts: { shop?: string }) => {
      const alias = await (await api()).call('sku.link', { shopSku, sku: target, shop: opts.shop });
      print.result(alias, () => `Linked ${aliasLine(alias)}. Its orders now hold ${alias.sku}.`);
    }));
  sku
    .command('ignore <shopSku>')
    .description('say a SKU is not stock (a service, gift wrap): no alert and no stock held for it')
    .option('--shop <name>', 'the shop it was seen on (needed when several shops have it)')
    .option('--undo', 'take an ignored SKU back')
    .action(action(deps, async ({ api, print }, shopSku: string, opts: { shop?: string; undo?: boolean }) => {
      const entry = await (await api()).call('sku.ignore', { shopSku, shop: opts.shop, undo: Boolean(opts.undo) });
      print.result(entry, () => (opts.undo ? `${entry.shopSku} on "${entry.shop}" is no longer ignored.` : `${entry.shopSku} on "${entry.shop}" is ignored: no stock is held for it.`));
    }));

  const bundle = program.command('bundle').description('kits (bundles): SKUs made of other SKUs, offered from their parts');
  bundle
    .command('add <kit>')
    .description('add or change a kit: its stock is worked out from its parts')
    .option('--of <SKU:QTY,...>', 'the parts and how many of each one kit takes (1 to 1000)')
    .action(action(deps, async ({ api, print }, kit: string, opts: { of?: string }) => {
      if (!opts.of) throw new UsageError('--of', 'Give the parts: backroom bundle add KIT --of SKU:QTY,SKU:QTY.');
      const parsed = parseBundleParts(opts.of);
      if ('error' in parsed) throw new UsageError('--of', parsed.error);
      const view = await (await api()).call('bundle.add', { sku: kit, parts: parsed.parts });
      print.result(view, () => `Kit ${view.sku} = ${view.parts.map((p) => `${p.sku}×${p.quantity}`).join(' + ')}; ${view.available} can be made now.`);
    }));
  bundle
    .command('list')
    .description('list kits with their parts and how many can be made')
    .action(action(deps, async ({ api, print }) => {
      const list = await (await api()).call('bundle.list');
      print.result(list, () => bundleTable(list));
    }));
  bundle
    .command('remove <kit>')
    .description('remove a kit (its SKU is then stock like any other)')
    .action(action(deps, async ({ api, print }, kit: string) => {
      const result = await (await api()).call('bundle.remove', { sku: kit });
      print.result(result, () => `Removed kit ${result.removed}.`);
    }));
}
