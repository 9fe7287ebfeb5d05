// Locations, stock on hand (set, listed, imported from CSV) and what each shop was last sent.
import { z } from 'zod';
import { availableFor, Name, parseStockCsv, Quantity, Sku, totalCommitted, totalOnHand, type CommittedIndex, type Location, type StockItem } from '../../model';
import { setOnHandIn, type StockCause, type StockUnit } from '../../jobs/stock-changes';
import type { StockReader } from '../../store/repositories';
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

type QuantityRow = { sku: string; location: string; quantity: number; line?: number };

/**
 * Works out what on-hand quantities change, reading one stock item per row (never the stock list),
 * and with `apply` makes each change inside the caller's unit (with its ledger entry and its
 * low-stock check). `stock` is the unit's when applying, so a SKU named twice sees its first change.
 */
async function applyQuantities(stock: Pick<StockReader, 'item'>, rows: QuantityRow[], apply?: { w: StockUnit; why: (row: QuantityRow) => StockCause }): Promise<{ changes: StockChange[]; unchanged: number }> {
  const changes: StockChange[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const from = (await stock.item(row.sku))?.onHand[row.location] ?? null;
    if (from === row.quantity) {
      unchanged++;
      continue;
    }
    changes.push({ sku: row.sku, location: row.location, from, to: row.quantity });
    if (apply) await setOnHandIn(apply.w, row.sku, row.location, row.quantity, apply.why(row));
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
    // The stock, its ledger entry and a low-stock alert it raised: one unit.
    const { changes } = await ctx.repos.write((w) => applyQuantities(w.stock, [{ sku, location, quantity }], { w, why: () => ({ at: ctx.clock.now(), cause: 'set' }) }));
    if (changes.length) ctx.events.emit('changed', { area: 'stock' });
    const [item, index] = await Promise.all([ctx.repos.stock.item(sku), ctx.repos.stock.committedIndex()]);
    return stockView(sku, item, index);
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
    const why = (row: QuantityRow): StockCause => ({ at, cause: 'import', ref: row.line ? `${fileName} line ${row.line}` : fileName });
    // A dry run only reads; an import is one unit: every row's change, with its ledger entry, or none.
    const { changes, unchanged } = dryRun ? await applyQuantities(ctx.repos.stock, rows) : await ctx.repos.write((w) => applyQuantities(w.stock, rows, { w, why }));
    if (!dryRun && changes.length) ctx.events.emit('changed', { area: 'stock' });
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
