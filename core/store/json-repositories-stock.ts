/**
 * The members the stock jobs need (the block "what the stock jobs need" at the end of
 * repositories.ts) over the JSON folder, and the folder's one implementation of the stock edits
 * with their ledger entries (`jsonStockEdits`): the stock repository's writers call it, and so do
 * the Store-level helpers still used by jobs not yet on the repositories.
 */
import { freeUnitsAt, indexCommitments, totalOnHand, type Commitment, type NewLedgerEntry, type Order } from '../model';
import type { OrderReader, StockReader, StockReason, StockWriter } from './repositories';
import { extrasOf } from './stock-extras';
import type { Store } from './store';

const entryOf = (why: StockReason, rest: Omit<NewLedgerEntry, 'at' | 'cause' | 'ref'>): NewLedgerEntry => ({
  at: why.at,
  ...rest,
  cause: why.cause,
  ...(why.ref ? { ref: why.ref.slice(0, 300) } : {}),
});

/**
 * Stock edits on the open store, in memory: each change and its ledger entry are staged in
 * stock.json together, so the next save (or checkpoint) writes both in one atomic write. Nothing
 * here saves.
 */
export interface JsonStockEdits {
  /** As `StockWriter.setOnHand`, at once. */
  setOnHand(sku: string, location: string, quantity: number, why: StockReason): number;
  /** As `StockWriter.commit`, at once. */
  commit(orderKey: string, next: Commitment | null, why: StockReason): boolean;
}

export function jsonStockEdits(store: Store): JsonStockEdits {
  return {
    setOnHand(sku, location, quantity, why) {
      const item = (store.stock.data.items[sku] ??= { sku, onHand: {} });
      const delta = quantity - (item.onHand[location] ?? 0);
      item.onHand[location] = quantity;
      if (delta !== 0) store.ledger.append([entryOf(why, { sku, location, measure: 'onHand', delta, after: quantity })]);
      return delta;
    },
    commit(key, next, why) {
      const commitments = store.stock.data.commitments;
      const current = commitments[key];
      if (JSON.stringify(current ?? null) === JSON.stringify(next)) return false;
      // Per SKU and location: what the order held before and holds now (its location can change with its shop).
      const deltas = new Map<string, { sku: string; location: string | null; delta: number }>();
      const add = (c: Commitment | undefined | null, sign: number) => {
        for (const [sku, qty] of Object.entries(c?.lines ?? {})) {
          const id = `${sku}\u0000${c!.location ?? '\u0000'}`;
          const row = deltas.get(id) ?? deltas.set(id, { sku, location: c!.location, delta: 0 }).get(id)!;
          row.delta += sign * qty;
        }
      };
      add(current, -1);
      add(next, 1);
      // Totals before the change, read from the ledger's index (kept in step by append).
      const entries: NewLedgerEntry[] = [];
      for (const { sku, location, delta } of deltas.values()) {
        if (delta !== 0) entries.push(entryOf(why, { sku, location, measure: 'committed', delta, after: Math.max(0, store.ledger.committed(sku, location) + delta) }));
      }
      if (next) commitments[key] = structuredClone(next);
      else delete commitments[key];
      store.ledger.append(entries);
      return true;
    },
  };
}

/** Units of a SKU free across every location, from the ledger's running totals (no scan of the orders). */
export function jsonFreeUnits(store: Store, sku: string): number {
  let held = store.ledger.committed(sku, null);
  for (const { name } of store.main.data.locations) held += store.ledger.committed(sku, name);
  return Math.max(0, totalOnHand(store.stock.data.items[sku]) - held);
}

type StockAdditions = Pick<StockReader & StockWriter, 'freeAt' | 'freeUnits' | 'stocked' | 'lowSince' | 'ledgerEntries' | 'setLowSince'>;

/** `touched` is told when stock.json changed, so the unit saves it. */
export function jsonStockForJobs(store: Store, touched: () => void): StockAdditions {
  const data = () => store.stock.data;
  return {
    // Numbers computed from the live documents: nothing of the stock list is copied or handed out.
    freeAt: async (source) => freeUnitsAt(data().items, source, indexCommitments(data().commitments)),
    freeUnits: async (sku) => jsonFreeUnits(store, sku),
    async stocked(skus) {
      const items = data().items;
      return new Set([...skus].filter((sku) => Object.hasOwn(items, sku)));
    },
    lowSince: async (sku) => data().extras?.low[sku],
    async *ledgerEntries(range) {
      // Entries not yet in their month file are stock.json's own objects: each is handed out as a copy (they are flat).
      for await (const entry of store.ledger.entries(range)) yield { ...entry };
    },
    async setLowSince(sku, since) {
      touched();
      const low = extrasOf(data()).low;
      if (since) low[sku] = since;
      else delete low[sku];
    },
  };
}

export function jsonOrdersForJobs(store: Store): Pick<OrderReader, 'byMonthOldestFirst'> {
  return {
    async *byMonthOldestFirst() {
      for await (const month of store.orders.byMonthOldestFirst()) yield month.map((o: Order) => structuredClone(o));
    },
  };
}
