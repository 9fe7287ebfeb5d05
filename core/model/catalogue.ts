import { z } from 'zod';
import { resolveSku, SkuAlias, UnlinkedItem, unlinkedKey } from './alias';
import { freeUnitsAt, indexCommitments, kitFree, offeredQuantity, type CommittedIndex } from './availability';
import { Bundle, leafParts, type Bundles } from './bundle';
import type { LocationMapping } from './settings';
import type { Commitment, StockItem } from './stock';

/** The catalogue beyond stock: shops' spellings of SKUs, kits, and SKUs shops use that the catalogue lacks. */
export const CatalogueData = z.object({
  schemaVersion: z.number(),
  aliases: z.array(SkuAlias).max(100_000),
  bundles: z.record(z.string(), Bundle),
  unlinked: z.record(z.string(), UnlinkedItem),
});
export type CatalogueData = z.infer<typeof CatalogueData>;

export const emptyCatalogue = (): CatalogueData => ({ schemaVersion: 1, aliases: [], bundles: {}, unlinked: {} });

/** What the catalogue needs to turn a shop's SKU into stock units. */
export interface CatalogueRules {
  aliases: readonly SkuAlias[];
  bundles: Bundles;
  unlinked: Readonly<Record<string, UnlinkedItem>>;
}

/** A SKU the catalogue knows: it has stock (even 0) or is a kit. */
export function isCatalogueSku(items: Readonly<Record<string, StockItem>>, bundles: Bundles, sku: string): boolean {
  return Object.hasOwn(items, sku) || Object.hasOwn(bundles, sku);
}

/**
 * The stock units `quantity` of a shop's SKU stand for: through the shop's alias to a catalogue SKU,
 * then, for a kit, its parts. An ignored SKU stands for nothing. A SKU nobody knows stands for
 * itself, as before aliases existed, so stock set for it later is held for its orders.
 */
export function unitsOf(catalogue: CatalogueRules, shop: string | undefined, shopSku: string, quantity: number): Map<string, number> {
  if (shop !== undefined && catalogue.unlinked[unlinkedKey(shop, shopSku)]?.ignoredAt) return new Map();
  const sku = resolveSku(catalogue.aliases, shop, shopSku);
  const units = new Map<string, number>();
  for (const [part, perUnit] of leafParts(catalogue.bundles, sku)) units.set(part, perUnit * quantity);
  return units;
}

/** Whether a shop's SKU is known: aliased, a kit, in stock, or ignored by the merchant. */
export function isKnownShopSku(items: Readonly<Record<string, StockItem>>, catalogue: CatalogueRules, shop: string, shopSku: string): boolean {
  return isKnownShopSkuBy((sku) => Object.hasOwn(items, sku), catalogue, shop, shopSku);
}

/** `isKnownShopSku` where whether a catalogue SKU has stock is asked of `hasStock` (a set read for the SKUs in question, say). */
export function isKnownShopSkuBy(hasStock: (sku: string) => boolean, catalogue: CatalogueRules, shop: string, shopSku: string): boolean {
  if (catalogue.unlinked[unlinkedKey(shop, shopSku)]?.ignoredAt) return true;
  const sku = resolveSku(catalogue.aliases, shop, shopSku);
  return hasStock(sku) || Object.hasOwn(catalogue.bundles, sku);
}

export interface DesiredInput {
  items: Readonly<Record<string, StockItem>>;
  commitments: Readonly<Record<string, Commitment>>;
  catalogue: CatalogueRules;
}

/**
 * What each SKU should show on one shop, keyed by the shop's spelling: every stock SKU and every kit
 * through the one availability rule, then the shop's aliases. A shop's own alias replaces the
 * catalogue SKU on that shop (it spells it differently); a global alias is pushed beside it.
 */
export function desiredQuantities(input: DesiredInput, shop: DesiredShop, index: CommittedIndex = indexCommitments(input.commitments)): Map<string, number> {
  return desiredFromFree(freeUnitsAt(input.items, shop.location, index), input.catalogue, shop);
}

export interface DesiredShop {
  name: string;
  location: LocationMapping;
  safetyBuffer?: number;
}

/**
 * `desiredQuantities` from every stock SKU's free units at the shop's source (`freeUnitsAt`): what
 * a store can work out where the stock is, so a push never copies the stock list. A SKU absent
 * from `free` has no stock; a kit with such a part is offered 0, as `kitFreeAtSource` would say.
 */
export function desiredFromFree(free: ReadonlyMap<string, number>, catalogue: CatalogueRules, shop: DesiredShop): Map<string, number> {
  const desired = new Map<string, number>();
  for (const [sku, units] of free) desired.set(sku, offeredQuantity(units, shop.safetyBuffer));
  for (const kit of Object.keys(catalogue.bundles)) {
    desired.set(kit, offeredQuantity(kitFree(leafParts(catalogue.bundles, kit), (sku) => free.get(sku) ?? 0), shop.safetyBuffer));
  }
  const replaced = new Set<string>();
  for (const alias of catalogue.aliases) {
    if (alias.shop !== undefined && alias.shop !== shop.name) continue;
    const quantity = desired.get(alias.sku);
    if (quantity === undefined) continue;
    desired.set(alias.shopSku, quantity);
    if (alias.shop !== undefined) replaced.add(alias.sku);
  }
  for (const sku of replaced) desired.delete(sku);
  return desired;
}
