import type { LocationMapping } from './settings';
import type { Commitment, StockItem } from './stock';

/** Units of each SKU held by unfulfilled orders, per location (`null` = held against the combined total). */
export interface CommittedIndex {
  byLocation: Map<string | null, Map<string, number>>;
}

export function indexCommitments(commitments: Record<string, Commitment>): CommittedIndex {
  const byLocation = new Map<string | null, Map<string, number>>();
  for (const c of Object.values(commitments)) {
    let skus = byLocation.get(c.location);
    if (!skus) byLocation.set(c.location, (skus = new Map()));
    for (const [sku, qty] of Object.entries(c.lines)) skus.set(sku, (skus.get(sku) ?? 0) + qty);
  }
  return { byLocation };
}

function committedAt(index: CommittedIndex, location: string | null, sku: string): number {
  return index.byLocation.get(location)?.get(sku) ?? 0;
}

export function totalCommitted(index: CommittedIndex, sku: string): number {
  let sum = 0;
  for (const skus of index.byLocation.values()) sum += skus.get(sku) ?? 0;
  return sum;
}

export function totalOnHand(item: StockItem | undefined): number {
  return item ? Object.values(item.onHand).reduce((a, b) => a + b, 0) : 0;
}

/**
 * THE availability rule (SPEC §2 "Never offer what cannot ship"), written here once; the inventory
 * push, the stock views and every other figure of "available" come from this function.
 *
 *   combined shop:         total on hand − all commitments
 *   shop mapped to L:      min(on hand at L − commitments at L, total on hand − all commitments)
 *
 * The second term matters for mixed setups: orders of a combined shop hold units against the total
 * without saying where they will ship from (commitments with location null), so a location-mapped
 * shop may only be offered what is left both at its location and overall. The result can be
 * negative (the merchant lowered stock below what orders hold); callers clamp it.
 *
 * Kits (bundles) derive from their parts the same way: a kit's free units at a source are the
 * minimum over its parts of ⌊free units of the part at that source / part quantity per kit⌋, so a
 * kit needs only this per-SKU figure, never its own stock.
 */
export function freeAtSource(item: StockItem | undefined, sku: string, mapping: LocationMapping, index: CommittedIndex): number {
  const freeOverall = totalOnHand(item) - totalCommitted(index, sku);
  if (mapping.kind === 'combined') return freeOverall;
  const freeAtLocation = (item?.onHand[mapping.location] ?? 0) - committedAt(index, mapping.location, sku);
  return Math.min(freeAtLocation, freeOverall);
}

/**
 * What a shop is offered: its source's free units, never below 0; with a safety buffer, 0 as soon
 * as that falls to the buffer or below, so the last units are not sold on several shops at once.
 */
export function offeredQuantity(free: number, safetyBuffer = 0): number {
  if (safetyBuffer > 0 && free <= safetyBuffer) return 0;
  return Math.max(0, free);
}

/** The quantity a shop with this mapping and buffer is offered for one SKU. */
export function availableFor(item: StockItem | undefined, sku: string, mapping: LocationMapping, index: CommittedIndex, safetyBuffer = 0): number {
  return offeredQuantity(freeAtSource(item, sku, mapping, index), safetyBuffer);
}

/**
 * A kit's free units at a shop's source: the minimum over its stock parts of ⌊free units of the
 * part ÷ units of it per kit⌋. `parts` are the kit's leaf parts (bundle.ts `leafParts`), so a part
 * that appears in the kit twice, directly and inside another kit, counts with its total quantity.
 * Parts shared with other kits or sold on their own need nothing special: every sale of either
 * holds the parts themselves, so each offer is computed from what is still free of them.
 */
export function kitFreeAtSource(parts: ReadonlyMap<string, number>, items: Readonly<Record<string, StockItem>>, mapping: LocationMapping, index: CommittedIndex): number {
  return kitFree(parts, (sku) => freeAtSource(Object.hasOwn(items, sku) ? items[sku] : undefined, sku, mapping, index));
}

/** `kitFreeAtSource` from each part's free units at the source (`freeOf`), however they were worked out. */
export function kitFree(parts: ReadonlyMap<string, number>, freeOf: (sku: string) => number): number {
  if (parts.size === 0) return 0;
  let free = Number.POSITIVE_INFINITY;
  for (const [sku, perKit] of parts) free = Math.min(free, Math.floor(freeOf(sku) / perKit));
  return free;
}

/**
 * Every stock SKU's free units at one source (`freeAtSource`), keyed by SKU: all a push needs to
 * know of stock, as plain numbers, so a store can hand it out without copying its items.
 */
export function freeUnitsAt(items: Readonly<Record<string, StockItem>>, mapping: LocationMapping, index: CommittedIndex): Map<string, number> {
  const free = new Map<string, number>();
  for (const [sku, item] of Object.entries(items)) free.set(sku, freeAtSource(item, sku, mapping, index));
  return free;
}
