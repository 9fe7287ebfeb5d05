import { raiseAlert } from '../runtime/issues';
import { ledgerKey, totalOnHand, type Commitment, type LedgerCause, type NewLedgerEntry } from '../model';
import type { Store } from '../store';
import { extrasOf } from '../store/stock-extras';

/**
 * The one way on hand and stock held for orders change: each function changes stock.json in memory
 * and stages the ledger entry in the same document, so the caller's next save (or checkpoint)
 * writes both at once. Callers save; nothing here writes.
 */
export interface StockCause {
  at: Date;
  cause: LedgerCause;
  /** Order number, `file line N`, shop name. */
  ref?: string;
}

const entryOf = (why: StockCause, rest: Omit<NewLedgerEntry, 'at' | 'cause' | 'ref'>): NewLedgerEntry => ({
  at: why.at.toISOString(),
  ...rest,
  cause: why.cause,
  ...(why.ref ? { ref: why.ref.slice(0, 300) } : {}),
});

/** Sets the units on hand of a SKU at a location. Returns the change (0: nothing to record). */
export function setOnHand(store: Store, sku: string, location: string, quantity: number, why: StockCause): number {
  const items = store.stock.data.items;
  const item = (items[sku] ??= { sku, onHand: {} });
  const before = item.onHand[location] ?? 0;
  item.onHand[location] = quantity;
  const delta = quantity - before;
  if (delta !== 0) {
    store.ledger.append([entryOf(why, { sku, location, measure: 'onHand', delta, after: quantity })]);
    checkReorderPoint(store, sku, why.at);
  }
  return delta;
}

/** Adds (or, negative, takes) units on hand, never below 0. Returns the change made. */
export function addOnHand(store: Store, sku: string, location: string, delta: number, why: StockCause): number {
  const before = store.stock.data.items[sku]?.onHand[location] ?? 0;
  return setOnHand(store, sku, location, Math.max(0, before + delta), why);
}

/** Replaces (or with null removes) the stock an order holds, recording each SKU's change. Returns true when it changed. */
export function replaceCommitment(store: Store, key: string, next: Commitment | null, why: StockCause): boolean {
  const commitments = store.stock.data.commitments;
  const current = commitments[key];
  if (JSON.stringify(current ?? null) === JSON.stringify(next)) return false;
  // Per SKU and location: what the order held before and holds now (its location can change with its shop).
  const deltas = new Map<string, { sku: string; location: string | null; delta: number }>();
  const add = (c: Commitment | null | undefined, sign: number) => {
    if (!c) return;
    for (const [sku, qty] of Object.entries(c.lines)) {
      const k = ledgerKey({ sku, location: c.location, measure: 'committed' });
      const row = deltas.get(k) ?? deltas.set(k, { sku, location: c.location, delta: 0 }).get(k)!;
      row.delta += sign * qty;
    }
  };
  add(current, -1);
  add(next, 1);
  // Totals before the change, read from the ledger's index (kept in step by append).
  const entries: NewLedgerEntry[] = [];
  for (const { sku, location, delta } of deltas.values()) {
    if (delta === 0) continue;
    const after = store.ledger.committed(sku, location) + delta;
    entries.push(entryOf(why, { sku, location, measure: 'committed', delta, after: Math.max(0, after) }));
  }
  if (next) commitments[key] = next;
  else delete commitments[key];
  store.ledger.append(entries);
  for (const sku of new Set(entries.map((e) => e.sku))) checkReorderPoint(store, sku, why.at);
  return true;
}

/** Units of a SKU free to sell across every location: on hand − held for orders, never below 0. */
export function freeUnits(store: Store, sku: string): number {
  // From the ledger's running totals per location (and "all locations"): no scan of every order.
  let held = store.ledger.committed(sku, null);
  for (const { name } of store.main.data.locations) held += store.ledger.committed(sku, name);
  return Math.max(0, totalOnHand(store.stock.data.items[sku]) - held);
}

/**
 * Low stock: when a SKU's free units fall to its reorder point or below, one alert is raised (not
 * one per sale); once stock rises above the point again the alert closes, and the next fall raises
 * a new one.
 */
export function checkReorderPoint(store: Store, sku: string, now: Date): void {
  const extras = store.stock.data.extras;
  const point = extras?.reorderPoints[sku];
  const low = extras?.low ?? {};
  if (!point) {
    if (low[sku]) delete low[sku];
    return;
  }
  const free = freeUnits(store, sku);
  const key = `low-stock:backroom:${sku}`;
  if (free <= point) {
    if (low[sku]) return;
    extrasOf(store.stock.data).low[sku] = now.toISOString();
    const existing = store.issues.data.alerts.find((a) => a.key === key);
    if (existing) existing.dismissed = false;
    raiseAlert(store, now, {
      key,
      source: { kind: 'backroom', name: 'Stock' },
      kind: 'low-stock',
      message: `${sku} is low: ${free} left to sell, at or below its reorder point of ${point}. Reorder, or change the point with backroom stock reorder-point ${sku} N.`,
    });
  } else if (low[sku]) {
    delete low[sku];
    // Back above the point: the alert has done its job.
    store.issues.data.alerts = store.issues.data.alerts.filter((a) => a.key !== key);
  }
}
