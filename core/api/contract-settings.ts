import { z } from 'zod';
import { BOUNDS, boundedInt, CartSettings, Name, OrderPrefix, OrderStatusList, Settings } from '../model';
import { method } from './define';
import type { ShopView } from './views';

/** What each shop was last sent, per SKU (the stock push only sends differences from this). */
export interface StockSent {
  shops: { name: string; lastSent: Record<string, number> }[];
}

/** Changes to a shop's settings; anything left out stays as it is. */
export const ShopUpdateParams = z
  .object({
    name: Name,
    prefix: OrderPrefix.optional(),
    statuses: OrderStatusList.optional(),
    location: Name.optional(),
    combined: z.literal(true).optional(),
    ordersSeconds: boundedInt(BOUNDS.pollSeconds).optional(),
    reconcileSeconds: boundedInt(BOUNDS.reconcileSeconds).optional(),
    safetyBuffer: boundedInt(BOUNDS.safetyBuffer).optional(),
    shippingPush: z.enum(['complete', 'each']).optional(),
    /** Shopify shops: the location (name or GID) whose stock Backroom sets. */
    shopifyLocation: z.string().trim().min(1, 'must not be empty').optional(),
    /** WooCommerce shops: allow (or stop allowing) a plain-http address. */
    allowHttp: z.boolean().optional(),
  })
  .strict();

const cart = CartSettings.shape;
/** Cart settings without their defaults, so a field left out is left alone rather than reset. */
const cartChanges = z
  .object({
    tracking: cart.tracking.unwrap().optional(),
    cutoffMinutes: boundedInt(BOUNDS.cutoffMinutes).optional(),
    sweepMinutes: boundedInt(BOUNDS.sweepMinutes).optional(),
    recoveryWindowDays: boundedInt(BOUNDS.recoveryWindowDays).optional(),
    recoveryStatuses: OrderStatusList.optional(),
    excludedRoles: cart.excludedRoles.unwrap().max(50, 'may list at most 50 roles').optional(),
    blacklist: cart.blacklist.unwrap().max(10_000, 'may list at most 10,000 addresses or domains').optional(),
  })
  .strict();

/** Changes to the global settings (cart sweep, stock push debounce, CRM field mapping); anything left out stays. */
export const SettingsUpdateParams = z
  .object({
    carts: cartChanges.optional(),
    /** Replaces the whole CRM field mapping when given. */
    crmFields: Settings.shape.crmFields.unwrap().refine((fields) => Object.keys(fields).length <= 100, 'may map at most 100 fields').optional(),
    stockPushDebounceMs: boundedInt(BOUNDS.stockPushDebounceMs).optional(),
  })
  .strict();

/** Read and edit settings from any front end (the TUI's Settings screen, the desktop window). */
export const settingsContract = {
  'stock.sent': method<StockSent>()(z.object({ shop: Name.optional() }).strict()),
  'shop.update': method<ShopView>()(ShopUpdateParams),
  'settings.get': method<z.infer<typeof Settings>>()(z.object({}).strict()),
  'settings.update': method<z.infer<typeof Settings>>()(SettingsUpdateParams),
};
