/**
 * The members the order, shipping and return jobs need (their block at the end of repositories.ts)
 * over the JSON folder: booked returns live in stock.json's extras, beside the units they put back,
 * so a booking and its units are one atomic write of that file.
 */
import type { StockReader, StockWriter } from './repositories';
import { extrasOf, type BookedReturn } from './stock-extras';
import type { Store } from './store';

/** `touchStock` tells the unit that stock.json changed, so the unit saves it. */
export function jsonStockForOrders(store: Store, touchStock: () => void): Pick<StockReader & StockWriter, 'bookedReturn' | 'returnsOf' | 'bookReturn'> {
  const returns = (): Record<string, BookedReturn> => store.stock.data.extras?.returns ?? {};
  return {
    async bookedReturn(key) {
      const found = returns()[key];
      return found && structuredClone(found);
    },
    async returnsOf(orderNumber) {
      const mine: Record<string, BookedReturn> = {};
      for (const [key, booked] of Object.entries(returns())) if (booked.order === orderNumber) mine[key] = structuredClone(booked);
      return mine;
    },
    async bookReturn(key, booked) {
      touchStock();
      extrasOf(store.stock.data).returns[key] = structuredClone(booked);
    },
  };
}
