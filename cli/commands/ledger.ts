import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { MAX_REORDER_POINT, MAX_RETURN_LINES, MAX_WHY_ENTRIES } from '../../core/api/contract-ledger';
import { describeLedgerEntry } from '../../core/model';
import { action, type CliDeps } from '../context';
import { localTime, table, UsageError } from '../output';
import { parseBounded, parseCount } from '../parse';

/** `SKU:QTY,SKU:QTY` as lines; each quantity a whole number from 1. */
export function parseLines(flag: string, value: string): { sku: string; quantity: number }[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(flag, `${flag} needs at least one SKU:QTY, e.g. ${flag} MUG-1:2.`);
  if (parts.length > MAX_RETURN_LINES) throw new UsageError(flag, `${flag} may name at most ${MAX_RETURN_LINES} lines (got ${parts.length}).`);
  return parts.map((part) => {
    const at = part.lastIndexOf(':');
    if (at <= 0) throw new UsageError(flag, `${flag}: "${part}" is not SKU:QTY (e.g. MUG-1:2).`);
    const quantity = parseBounded(flag, part.slice(at + 1), { label: `Quantity of ${part.slice(0, at)}`, unit: 'units', min: 1, max: 1_000_000 });
    return { sku: part.slice(0, at).trim(), quantity };
  });
}

/** A file name for an export when no --out is given: in the current folder, named by what and when. */
function defaultOut(what: string, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  return resolve(what === 'all' ? `backroom-export-${day}` : `backroom-${what}-${day}.csv`);
}

export function registerLedger(program: Command, deps: CliDeps): void {
  const stock = program.commands.find((c) => c.name() === 'stock') ?? program.command('stock');
  stock
    .command('why <sku>')
    .description('tell the story of a SKU\'s stock: every change, when and why')
    .option('--location <name>', 'only this location')
    .option('--limit <n>', `show the newest N changes (1–${MAX_WHY_ENTRIES}, default 50)`)
    .action(action(deps, async ({ api, print }, sku: string, opts: { location?: string; limit?: string }) => {
      const limit = opts.limit === undefined ? undefined : parseBounded('--limit', opts.limit, { label: 'Number of changes shown', unit: '', min: 1, max: MAX_WHY_ENTRIES });
      const story = await (await api()).call('stock.why', { sku, location: opts.location, limit });
      print.result(story, () => {
        if (story.total === 0) return `${sku}: no stock changes recorded yet.`;
        const where = (l: string | null) => (l === null ? 'all locations' : l);
        const now = story.now.map((p) => `${where(p.location)}: ${p.onHand} on hand, ${p.committed} held for orders`).join('; ');
        const older = story.total > story.entries.length ? `\n(${story.total - story.entries.length} older changes not shown; --limit ${Math.min(MAX_WHY_ENTRIES, story.total)} shows them)` : '';
        const lines = story.entries.map((e) => `${localTime(e.at)}  ${describeLedgerEntry(e)}`);
        return `${sku}${story.location ? ` at ${story.location}` : ''} — ${now}.${older}\n${lines.join('\n')}`;
      });
    }));
  stock
    .command('at <date>')
    .description('show stock as it was at the end of a day (YYYY-MM-DD, UTC) or at a time (2026-11-22T09:15:00Z)')
    .action(action(deps, async ({ api, print }, date: string) => {
      const result = await (await api()).call('stock.at', { at: date });
      print.result(result, () => result.positions.length === 0
        ? `No stock at ${localTime(result.at)}.`
        : `Stock at ${localTime(result.at)}:\n${table(['SKU', 'LOCATION', 'ON HAND', 'HELD FOR ORDERS'], result.positions.map((p) => [p.sku, p.location ?? '(all locations)', p.onHand, p.committed]))}`);
    }));
  stock
    .command('reorder-point <sku> <n>')
    .description(`warn when a SKU's free stock falls to N or below (0 clears; up to ${MAX_REORDER_POINT.toLocaleString('en-GB')})`)
    .action(action(deps, async ({ api, print }, sku: string, n: string) => {
      const point = parseCount('N', n);
      const result = await (await api()).call('stock.reorderPoint', { sku, point });
      print.result(result, () => (result.point === null ? `${sku}: reorder point cleared.` : `${sku}: reorder point ${result.point}; one alert when free stock falls to it or below.`));
    }));
  stock
    .command('low')
    .description('list SKUs at or below their reorder point, with days of cover from the last 30 days of sales')
    .action(action(deps, async ({ api, print }) => {
      const rows = await (await api()).call('stock.low');
      print.result(rows, () => rows.length === 0
        ? 'No SKU is at or below its reorder point.'
        : table(['SKU', 'FREE', 'REORDER POINT', 'SOLD (30 DAYS)', 'DAYS OF COVER'], rows.map((r) => [r.sku, r.free, r.point, r.soldLast30Days, r.daysOfCover ?? 'no sales'])));
    }));

  program
    .command('return <number>')
    .description('book units an order sent back: they go on hand again (only units that were shipped, each once)')
    .requiredOption('--lines <SKU:QTY,...>', 'what came back')
    .option('--location <name>', 'where it goes back on the shelf (default: where it was shipped from)')
    .action(action(deps, async ({ api, print }, number: string, opts: { lines: string; location?: string }) => {
      const lines = parseLines('--lines', opts.lines);
      const result = await (await api()).call('stock.return', { order: number, lines, location: opts.location });
      print.result(result, () => `Booked the return of ${result.booked.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')} from order ${result.booked.order}: back on hand at ${result.booked.location}.`);
    }));

  program
    .command('export')
    .description('write orders, stock, the stock ledger or carts as CSV (opens in any spreadsheet); "all" writes every one into a folder')
    .addArgument(new Argument('<what>', 'orders | stock | ledger | carts | all').choices(['orders', 'stock', 'ledger', 'carts', 'all']))
    .option('--from <date>', 'from this day (YYYY-MM-DD, UTC) or time')
    .option('--to <date>', 'to the end of this day or this time (for stock: as it was then)')
    .option('--out <path>', 'file to write (for all: a folder); default: backroom-WHAT-DATE.csv here')
    .action(action(deps, async ({ api, print }, what: 'orders' | 'stock' | 'ledger' | 'carts' | 'all', opts: { from?: string; to?: string; out?: string }) => {
      const out = opts.out ? resolve(opts.out) : defaultOut(what, new Date());
      const result = await (await api()).call('export.write', { what, from: opts.from, to: opts.to, out });
      print.result(result, () => result.files.map((f) => `Wrote ${f.rows} ${f.kind} row${f.rows === 1 ? '' : 's'} to ${f.path}`).join('\n'));
    }));
}
