import { raiseAlertIn, type AlertInput } from '../runtime/issues';
import type { Commitment, LedgerCause } from '../model';
import type { RepositoryWriters, StockReason } from '../store/repositories';

/**
 * The one way on hand and stock held for orders change. The change and its ledger entry are the
 * stock repository's (`StockWriter.setOnHand` / `commit`: both in one unit, or neither); what is
 * added here is the low-stock check that follows every change, in the same unit.
 */
export interface StockCause {
  at: Date;
  cause: LedgerCause;
  /** Order number, `file line N`, shop name. */
  ref?: string;
}

/** What a stock change works on: the unit's stock, and its issues for the low-stock alert. */
export type StockUnit = Pick<RepositoryWriters, 'stock' | 'issues'>;

const reasonOf = (why: StockCause): StockReason => ({ at: why.at.toISOString(), cause: why.cause, ...(why.ref !== undefined ? { ref: why.ref } : {}) });

/** Sets the units on hand of a SKU at a location, inside the caller's unit. Returns the change (0: nothing recorded). */
export async function setOnHandIn(w: StockUnit, sku: string, location: string, quantity: number, why: StockCause): Promise<number> {
  const delta = await w.stock.setOnHand(sku, location, quantity, reasonOf(why));
  if (delta !== 0) await checkReorderPointIn(w, sku, why.at);
  return delta;
}

/** Adds (or, negative, takes) units on hand, never below 0, inside the caller's unit. Returns the change made. */
export async function addOnHandIn(w: StockUnit, sku: string, location: string, delta: number, why: StockCause): Promise<number> {
  const before = (await w.stock.item(sku))?.onHand[location] ?? 0;
  return setOnHandIn(w, sku, location, Math.max(0, before + delta), why);
}

/** Replaces (or with null removes) the stock an order holds, inside the caller's unit. Returns true when it changed. */
export async function replaceCommitmentIn(w: StockUnit, key: string, next: Commitment | null, why: StockCause): Promise<boolean> {
  const current = await w.stock.commitment(key);
  if (!(await w.stock.commit(key, next, reasonOf(why)))) return false;
  for (const sku of skusHeldDifferently(current, next)) await checkReorderPointIn(w, sku, why.at);
  return true;
}

/** The SKUs whose held units change (at some location) when an order's commitment goes from `before` to `after`. */
function skusHeldDifferently(before: Commitment | null | undefined, after: Commitment | null): string[] {
  const deltas = new Map<string, { sku: string; delta: number }>();
  const add = (c: Commitment | null | undefined, sign: number) => {
    for (const [sku, qty] of Object.entries(c?.lines ?? {})) {
      const id = `${sku}\u0000${c!.location ?? '\u0000'}`;
      const row = deltas.get(id) ?? deltas.set(id, { sku, delta: 0 }).get(id)!;
      row.delta += sign * qty;
    }
  };
  add(before, -1);
  add(after, 1);
  return [...new Set([...deltas.values()].filter((d) => d.delta !== 0).map((d) => d.sku))];
}

/**
 * Low stock: when a SKU's free units fall to its reorder point or below, one alert is raised (not
 * one per sale); once stock rises above the point again the alert closes, and the next fall raises
 * a new one. The mark that says the alert is raised is the stock repository's (`lowSince`), so it
 * changes in the same unit as the stock it is about.
 */
export async function checkReorderPointIn(w: StockUnit, sku: string, now: Date): Promise<void> {
  const point = await w.stock.reorderPoint(sku);
  const marked = (await w.stock.lowSince(sku)) !== undefined;
  const free = point ? await w.stock.freeUnits(sku) : 0;
  const step = lowStockStep(point, free, marked);
  if (step === 'forget') await w.stock.setLowSince(sku, null);
  else if (step === 'raise') {
    await w.stock.setLowSince(sku, now.toISOString());
    const key = lowStockKey(sku);
    const existing = (await w.issues.alerts()).find((a) => a.key === key);
    if (existing?.dismissed) await w.issues.putAlert({ ...existing, dismissed: false });
    await raiseAlertIn(w.issues, now, lowStockAlert(sku, free, point!));
  } else if (step === 'close') {
    await w.stock.setLowSince(sku, null);
    // Back above the point: the alert has done its job.
    await w.issues.removeAlert(lowStockKey(sku));
  }
}

/** The key of a SKU's low-stock alert (one per SKU). */
export const lowStockKey = (sku: string) => `low-stock:backroom:${sku}`;

/** What a change of a SKU's stock does to its low-stock mark and alert. */
function lowStockStep(point: number | undefined, free: number, marked: boolean): 'none' | 'forget' | 'raise' | 'close' {
  if (!point) return marked ? 'forget' : 'none';
  if (free <= point) return marked ? 'none' : 'raise';
  return marked ? 'close' : 'none';
}

function lowStockAlert(sku: string, free: number, point: number): AlertInput {
  return {
    key: lowStockKey(sku),
    source: { kind: 'backroom', name: 'Stock' },
    kind: 'low-stock',
    message: `${sku} is low: ${free} left to sell, at or below its reorder point of ${point}. Reorder, or change the point with backroom stock reorder-point ${sku} N.`,
  };
}
