/**
 * The members the API's namespaces need (the block "what the API's namespaces need" at the end of
 * repositories.ts) over the JSON folder. Kept apart from json-repositories.ts so they read as one addition.
 */
import { indexCommitments, type Order } from '../model';
import { jsonFreeUnits } from './json-repositories-stock';
import type { OrderReader, StockReader } from './repositories';
import { monthOf } from './order-book';
import type { Store } from './store';

const copy = <T>(value: T): T => structuredClone(value);
const newestFirst = (a: Order, b: Order) => b.createdAt.localeCompare(a.createdAt) || b.number.localeCompare(a.number);

export function jsonOrdersForNamespaces(store: Store): Pick<OrderReader, 'page' | 'perDay'> {
  return {
    async perDay(from) {
      const firstMonth = monthOf(`${from}T00:00:00.000Z`);
      const days: Record<string, Record<string, number>> = {};
      // Newest month first: stop once a month lies wholly before the range (bounded reading).
      for await (const orders of store.orders.byMonth()) {
        const month = orders[0] ? monthOf(orders[0].createdAt) : undefined;
        if (month && month < firstMonth) break;
        for (const order of orders) {
          const day = new Date(order.createdAt).toISOString().slice(0, 10);
          if (day < from) continue;
          const shops = (days[day] ??= {});
          shops[order.shop] = (shops[order.shop] ?? 0) + 1;
        }
      }
      return days;
    },
    async page({ status, shop, limit, offset }) {
      const matching: Order[] = [];
      if (!status) {
        // The usual screen (newest first, maybe one shop): months are partitions by creation time, so
        // reading stops at the month that fills the page; the total comes from the kept counts.
        const counts = store.cursors.orderCounts();
        const total = shop ? (counts[shop] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
        for await (const month of store.orders.byMonth()) {
          matching.push(...month.filter((o) => !shop || o.shop === shop).sort(newestFirst));
          if (matching.length >= offset + limit) break;
        }
        return { total: Math.max(total, matching.length), orders: matching.slice(offset, offset + limit).map(copy) };
      }
      // A status is in no kept count: the folder has no index, so every month is read (one at a time).
      for await (const order of store.orders.all()) {
        if (order.status !== status) continue;
        if (shop && order.shop !== shop) continue;
        matching.push(order);
      }
      matching.sort(newestFirst);
      return { total: matching.length, orders: matching.slice(offset, offset + limit).map(copy) };
    },
  };
}

export function jsonStockForNamespaces(store: Store): Pick<StockReader, 'committedIndex' | 'free' | 'matching'> {
  return {
    async matching(needle) {
      const lower = needle.toLowerCase();
      return Object.values(store.stock.data.items)
        .filter((item) => item.sku.toLowerCase().includes(lower))
        .map(copy)
        .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    },
    // Built fresh on every call: nothing it returns is stored.
    committedIndex: async () => indexCommitments(store.stock.data.commitments),
    // `freeUnits` of each SKU: the one rule, from the ledger's running totals (no scan of every order).
    free: async (skus) => Object.fromEntries(skus.map((sku) => [sku, jsonFreeUnits(store, sku)])),
  };
}
