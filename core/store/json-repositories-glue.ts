/**
 * The member the API's chart recorder needs (the block "what the API's glue needs" at the end of
 * repositories.ts) over the JSON folder.
 */
import { indexCommitments, totalCommitted, totalOnHand } from '../model';
import type { StockReader } from './repositories';
import type { Store } from './store';

export function jsonStockForGlue(store: Store): Pick<StockReader, 'totals'> {
  return {
    // Numbers from the live documents: one pass over the items and the open commitments, nothing copied.
    async totals() {
      const { items, commitments } = store.stock.data;
      const index = indexCommitments(commitments);
      const totals = new Map<string, { onHand: number; free: number }>();
      for (const item of Object.values(items)) {
        const onHand = totalOnHand(item);
        totals.set(item.sku, { onHand, free: onHand - totalCommitted(index, item.sku) });
      }
      return totals;
    },
  };
}
