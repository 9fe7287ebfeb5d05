import { z } from 'zod';
import { Instant, Name, Sku } from './common';

/**
 * A shop's spelling of a catalogue SKU ("my shops spell the SKU differently"). With `shop`, only
 * that shop spells it so, and that shop is pushed the alias instead of the catalogue SKU; without,
 * every shop may use either spelling and the alias is pushed beside the catalogue SKU.
 */
export const SkuAlias = z.object({
  shopSku: Sku,
  sku: Sku,
  shop: Name.optional(),
  addedAt: Instant,
});
export type SkuAlias = z.infer<typeof SkuAlias>;

/** How many orders an unlinked item remembers by number (for the screens); the rest are counted. */
export const UNLINKED_ORDERS_KEPT = 20;
/** How many unlinked items are kept; beyond it the oldest are dropped (they come back when seen again). */
export const UNLINKED_ITEMS_KEPT = 10_000;

/**
 * A SKU a shop uses that the catalogue does not know: seen on an order line or on a shop product.
 * The merchant links it (an alias) or ignores it (a service, gift wrap: no stock is held for it).
 */
export const UnlinkedItem = z.object({
  shop: Name,
  shopSku: Sku,
  /** The product name as the shop shows it, so the merchant recognises it. */
  name: z.string().max(200),
  seenOnOrders: z.boolean(),
  seenOnProducts: z.boolean(),
  /** Numbers of the newest orders with such a line (at most UNLINKED_ORDERS_KEPT). */
  orders: z.array(z.string()).max(UNLINKED_ORDERS_KEPT),
  /** Order lines counted, including those beyond the kept numbers. */
  lines: z.number().int().min(0),
  firstSeenAt: Instant,
  lastSeenAt: Instant,
  /** Set when the merchant said this SKU is not stock: no alert, no stock held. */
  ignoredAt: Instant.optional(),
});
export type UnlinkedItem = z.infer<typeof UnlinkedItem>;

export const unlinkedKey = (shop: string, shopSku: string) => `${shop}#${shopSku}`;

/** The catalogue SKU a shop's SKU stands for: the shop's own alias first, then a global one, else itself. */
export function resolveSku(aliases: readonly SkuAlias[], shop: string | undefined, shopSku: string): string {
  let global: string | undefined;
  for (const a of aliases) {
    if (a.shopSku !== shopSku) continue;
    if (a.shop === shop && shop !== undefined) return a.sku;
    if (a.shop === undefined) global = a.sku;
  }
  return global ?? shopSku;
}

/** Why an alias cannot be added, in the merchant's words, or null. */
export function aliasProblem(aliases: readonly SkuAlias[], alias: Pick<SkuAlias, 'shopSku' | 'sku' | 'shop'>, isCatalogueSku: (sku: string) => boolean): { field: string; message: string } | null {
  if (alias.shopSku === alias.sku) return { field: 'shopSku', message: `An alias maps a shop's SKU to a different catalogue SKU; "${alias.shopSku}" is the same on both sides.` };
  if (!isCatalogueSku(alias.sku)) return { field: 'sku', message: `SKU "${alias.sku}" is not in the catalogue (neither stock nor a kit). Set its stock first: backroom stock set ${alias.sku} QTY --location L.` };
  if (isCatalogueSku(alias.shopSku)) return { field: 'shopSku', message: `"${alias.shopSku}" is itself a catalogue SKU; an alias must be a spelling the catalogue does not use.` };
  if (aliases.some((a) => a.sku === alias.shopSku)) return { field: 'shopSku', message: `"${alias.shopSku}" is the target of another alias; aliases point straight at catalogue SKUs, never at each other.` };
  const same = aliases.find((a) => a.shopSku === alias.shopSku && a.shop === alias.shop);
  if (same && same.sku !== alias.sku) {
    const where = alias.shop ? ` on ${alias.shop}` : '';
    return { field: 'shopSku', message: `"${alias.shopSku}"${where} already stands for ${same.sku}; remove that alias first (backroom sku unalias ${alias.shopSku}${alias.shop ? ` --shop "${alias.shop}"` : ''}).` };
  }
  return null;
}
