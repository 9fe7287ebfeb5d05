/**
 * The members the API's handlers need (the block at the end of repositories.ts) over the JSON
 * folder. Kept apart from json-repositories.ts so they read as one addition.
 */
import type { StockReader } from './repositories';
import type { Store } from './store';

export function jsonStockForApi(store: Store): Pick<StockReader, 'at' | 'reorderPoints' | 'skuCount'> {
  return {
    // The ledger builds fresh positions on every call: nothing it returns is stored.
    at: (instant) => store.ledger.at(instant),
    reorderPoints: async () => ({ ...(store.stock.data.extras?.reorderPoints ?? {}) }),
    skuCount: async () => Object.keys(store.stock.data.items).length,
  };
}
