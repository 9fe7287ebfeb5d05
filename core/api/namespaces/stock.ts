// Locations, stock on hand (set, listed, imported from CSV) and what each shop was last sent.
import { z } from 'zod';
import { availableFor, indexCommitments, Name, parseStockCsv, Quantity, Sku, totalCommitted, totalOnHand, type CommittedIndex, type Location, type StockItem } from '../../model';
import { setOnHand, type StockCause } from '../../jobs/stock-changes';
import type { ApiContext } from '../context';
import { method } from '../define';
import { badInput, notFound } from '../errors';
import { namespace } from '../namespace';

export interface StockView {
  sku: string;
  onHand: Record<string, number>;
  totalOnHand: number;
  committed: number;
  /** On hand less committed, never below 0, over all locations. */
  available: number;
}

export interface StockChange {
  sku: string;
  location: string;
  from: number | null;
  to: number;
}

export interface StockImportResult {
  applied: boolean;
  rows: number;
  changes: StockChange[];
  unchanged: number;
}

/** What each shop was last sent, per SKU (the stock push only sends differences from this). */
export interface StockSent {
  shops: { name: string; lastSent: Record<string, number> }[];
}
export type { Location };

const empty = z.object({}).strict();

const contract = {
  'location.add': method<Location>()(z.object({ name: Name }).strict()),
  'location.list': method<Location[]>()(empty),

  'stock.set': method<StockView>()(z.object({ sku: Sku, quantity: Quantity, location: Name }).strict()),
  'stock.list': method<StockView[]>()(z.object({ sku: z.string().optional() }).strict()),
  'stock.import': method<StockImportResult>()(
    z.object({ csv: z.string(), dryRun: z.boolean().default(false), fileName: z.string().default('CSV') }).strict(),
  ),
  /** Read-only: the quantity each shop was last sent per SKU (its cursor's lastSent). */
  'stock.sent': method<StockSent>()(z.object({ shop: Name.optional() }).strict()),
};

export function stockView(sku: string, item: StockItem | undefined, index: CommittedIndex): StockView {
  // "available" here is what a combined shop without a buffer would be offered: the one rule.
  const available = availableFor(item, sku, { kind: 'combined' }, index);
  return { sku, onHand: { ...(item?.onHand ?? {}) }, totalOnHand: totalOnHand(item), committed: totalCommitted(index, sku), available };
}

async function requireLocation(ctx: ApiContext, name: string, field = 'location'): Promise<void> {
  const { locations } = await ctx.repos.settings.get();
  if (!locations.some((l) => l.name === name)) {
    const known = locations.map((l) => l.name);
    throw badInput(field, `Location "${name}" does not exist. ${known.length ? `Known locations: ${known.join(', ')}.` : 'Add one first: backroom location add NAME.'}`);
  }
}

/**
 * Applies on-hand quantities, returning what changed. Mutates in memory only; the caller saves.
 * Still on the Store: `setOnHand` and its low-stock check (jobs/stock-changes.ts) move onto the
 * repositories with the stock helper's round, and this with them.
 */
function applyQuantities(ctx: ApiContext, rows: { sku: string; location: string; quantity: number; line?: number }[], apply: boolean, why?: (row: { line?: number }) => StockCause): { changes: StockChange[]; unchanged: number } {
  const items = ctx.store.stock.data.items;
  const changes: StockChange[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const from = items[row.sku]?.onHand[row.location] ?? null;
    if (from === row.quantity) {
      unchanged++;
      continue;
    }
    changes.push({ sku: row.sku, location: row.location, from, to: row.quantity });
    if (apply) setOnHand(ctx.store, row.sku, row.location, row.quantity, why?.(row) ?? { at: ctx.clock.now(), cause: 'set' });
  }
  return { changes, unchanged };
}

export const stock = namespace(contract, {
  async 'location.add'({ name }, ctx) {
    const location = await ctx.repos.write(async (w) => {
      const { locations } = await w.settings.get();
      if (locations.some((l) => l.name.toLowerCase() === name.toLowerCase())) throw badInput('name', `Location "${name}" already exists.`);
      const added = { name, addedAt: ctx.clock.now().toISOString() };
      await w.settings.update({ locations: [...locations, added] });
      return added;
    });
    ctx.events.emit('changed', { area: 'settings' });
    return location;
  },

  async 'location.list'(_params, ctx) {
    return (await ctx.repos.settings.get()).locations;
  },

  async 'stock.set'({ sku, quantity, location }, ctx) {
    await requireLocation(ctx, location);
    const { changes } = applyQuantities(ctx, [{ sku, location, quantity }], true);
    if (changes.length) {
      // The stock and its ledger entry in one write; a low-stock alert it raised, beside it.
      await Promise.all([ctx.store.stock.save(), ctx.store.issues.save()]);
      ctx.events.emit('changed', { area: 'stock' });
    }
    const data = ctx.store.stock.data;
    return stockView(sku, data.items[sku], indexCommitments(data.commitments));
  },

  async 'stock.list'({ sku }, ctx) {
    // With a part of a SKU, only the SKUs that match are read.
    const [items, index] = await Promise.all([sku ? ctx.repos.stock.matching(sku) : ctx.repos.stock.items(), ctx.repos.stock.committedIndex()]);
    return items
      .sort((a, b) => a.sku.localeCompare(b.sku))
      .map((item) => stockView(item.sku, item, index));
  },

  async 'stock.import'({ csv, dryRun, fileName }, ctx) {
    const locations = new Set((await ctx.repos.settings.get()).locations.map((l) => l.name));
    const { rows, errors } = parseStockCsv(csv, locations);
    if (errors.length) {
      const details = errors.map((e) => `${fileName} line ${e.line}: ${e.message}`);
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      throw badInput(`line ${errors[0]!.line}`, `${details[0]}${more}. Nothing was imported.`, details);
    }
    const at = ctx.clock.now();
    const { changes, unchanged } = applyQuantities(ctx, rows, !dryRun, (row) => ({ at, cause: 'import', ref: row.line ? `${fileName} line ${row.line}` : fileName }));
    if (!dryRun && changes.length) {
      await Promise.all([ctx.store.stock.save(), ctx.store.issues.save()]);
      ctx.events.emit('changed', { area: 'stock' });
    }
    return { applied: !dryRun, rows: rows.length, changes, unchanged };
  },

  async 'stock.sent'({ shop }, ctx) {
    const { shops } = await ctx.repos.settings.get();
    if (shop && !shops.some((s) => s.name === shop)) throw notFound('shop', `There is no shop called "${shop}".`);
    const chosen = shops.filter((s) => !shop || s.name === shop);
    const cursors = await Promise.all(chosen.map((s) => ctx.repos.cursors.of(s.name)));
    return { shops: chosen.map((s, i) => ({ name: s.name, lastSent: cursors[i]!.lastSent })) };
  },
});
