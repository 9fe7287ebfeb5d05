import { basename } from 'node:path';
import type { Command } from 'commander';
import { action, type CliDeps } from '../context';
import { table } from '../output';
import { parseCount, readInputFile } from '../parse';
import type { StockView } from '../../core/api/namespaces/stock';

function stockTable(items: StockView[], locations: string[]): string {
  if (items.length === 0) return 'No stock yet. Set some: backroom stock set SKU QTY --location L, or backroom stock import FILE.';
  return table(['SKU', ...locations.map((l) => l.toUpperCase()), 'ON HAND', 'COMMITTED', 'AVAILABLE'],
    items.map((i) => [i.sku, ...locations.map((l) => i.onHand[l] ?? '-'), i.totalOnHand, i.committed, i.available]));
}

export function registerStock(program: Command, deps: CliDeps): void {
  const location = program.command('location').description('stock locations (warehouses, shop floors)');
  location
    .command('add <name>')
    .description('add a stock location')
    .action(action(deps, async ({ api, print }, name: string) => {
      const added = await (await api()).call('location.add', { name });
      print.result(added, () => `Added location "${added.name}".`);
    }));
  location
    .command('list')
    .description('list stock locations')
    .action(action(deps, async ({ api, print }) => {
      const list = await (await api()).call('location.list');
      print.result(list, () => (list.length ? table(['LOCATION', 'ADDED'], list.map((l) => [l.name, l.addedAt])) : 'No locations yet. Add one: backroom location add NAME'));
    }));

  const stock = program.command('stock').description('the stock master: quantities on hand per SKU and location');
  stock
    .command('set <sku> <qty>')
    .description('set the quantity on hand of a SKU at a location')
    .requiredOption('--location <name>', 'the location the quantity is at')
    .action(action(deps, async ({ api, print }, sku: string, qty: string, opts: { location: string }) => {
      const quantity = parseCount('QTY', qty);
      const item = await (await api()).call('stock.set', { sku, quantity, location: opts.location });
      print.result(item, () => `${item.sku}: ${quantity} on hand at ${opts.location} (available everywhere: ${item.available}).`);
    }));
  stock
    .command('list')
    .description('list SKUs with on hand, committed and available quantities')
    .option('--sku <text>', 'only SKUs containing this text')
    .action(action(deps, async ({ api, print }, opts: { sku?: string }) => {
      const client = await api();
      const [items, locations] = await Promise.all([client.call('stock.list', { sku: opts.sku }), client.call('location.list')]);
      print.result(items, () => stockTable(items, locations.map((l) => l.name)));
    }));
  stock
    .command('import <file>')
    .description('import quantities from a CSV file with columns sku,location,quantity (all rows or none)')
    .option('--dry-run', 'show what would change without changing anything')
    .action(action(deps, async ({ api, print }, file: string, opts: { dryRun?: boolean }) => {
      const csv = await readInputFile(file);
      const result = await (await api()).call('stock.import', { csv, dryRun: Boolean(opts.dryRun), fileName: basename(file) });
      print.result(result, () => {
        const head = result.applied
          ? `Imported ${result.rows} rows: ${result.changes.length} changed, ${result.unchanged} already up to date.`
          : `Dry run: ${result.changes.length} of ${result.rows} rows would change (${result.unchanged} already up to date). Nothing was changed.`;
        if (result.changes.length === 0) return head;
        const shown = result.changes.slice(0, 50);
        const body = table(['SKU', 'LOCATION', 'FROM', 'TO'], shown.map((c) => [c.sku, c.location, c.from ?? '(new)', c.to]));
        return `${head}\n${body}${result.changes.length > 50 ? `\n… ${result.changes.length - 50} more` : ''}`;
      });
    }));
}
