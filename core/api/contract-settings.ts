import { z } from 'zod';
import { CartSettings, Name, OrderPrefix, Settings, ShopIntervals } from '../model';
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
    statuses: z.array(z.string().trim().min(1)).min(1, 'needs at least one status').optional(),
    location: Name.optional(),
    combined: z.literal(true).optional(),
    ordersSeconds: ShopIntervals.shape.ordersSeconds.unwrap().optional(),
    reconcileSeconds: ShopIntervals.shape.reconcileSeconds.unwrap().optional(),
    safetyBuffer: z.number().int('must be a whole number').min(0, 'must not be negative').optional(),
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
    cutoffMinutes: cart.cutoffMinutes.unwrap().optional(),
    sweepMinutes: cart.sweepMinutes.unwrap().optional(),
    recoveryWindowDays: cart.recoveryWindowDays.unwrap().optional(),
    recoveryStatuses: cart.recoveryStatuses.unwrap().optional(),
    excludedRoles: cart.excludedRoles.unwrap().optional(),
    blacklist: cart.blacklist.unwrap().optional(),
  })
  .strict();

/** Changes to the global settings (cart sweep, stock push debounce, CRM field mapping); anything left out stays. */
export const SettingsUpdateParams = z
  .object({
    carts: cartChanges.optional(),
    /** Replaces the whole CRM field mapping when given. */
    crmFields: Settings.shape.crmFields.unwrap().optional(),
    stockPushDebounceMs: z.number().int('must be a whole number').min(0, 'must not be negative').max(60_000, 'must be at most 60000').optional(),
  })
  .strict();

/** Read and edit settings from any front end (the TUI's Settings screen, the desktop window). */
export const settingsContract = {
  'stock.sent': method<StockSent>()(z.object({ shop: Name.optional() }).strict()),
  'shop.update': method<ShopView>()(ShopUpdateParams),
  'settings.get': method<z.infer<typeof Settings>>()(z.object({}).strict()),
  'settings.update': method<z.infer<typeof Settings>>()(SettingsUpdateParams),
};
