import { z } from 'zod';
import { Instant, Sku } from './common';
import { KIT_PART_QUANTITY, KIT_PARTS_MAX } from './bundle-parts';

export { KIT_PART_QUANTITY, KIT_PARTS_MAX, parseBundleParts } from './bundle-parts';
/** Kits may contain kits, this many levels deep at most, so expanding one is always quick. */
export const KIT_DEPTH_MAX = 4;

export const BundlePart = z.object({
  sku: Sku,
  quantity: z.number().int('must be a whole number').min(KIT_PART_QUANTITY.min, 'must be at least 1').max(KIT_PART_QUANTITY.max, 'must be at most 1000'),
});
export type BundlePart = z.infer<typeof BundlePart>;

/** A kit (bundle): a SKU sold on the shops that is made of other SKUs and has no stock of its own. */
export const Bundle = z.object({
  sku: Sku,
  parts: z.array(BundlePart).min(1, 'needs at least one part').max(KIT_PARTS_MAX, `may have at most ${KIT_PARTS_MAX} parts`),
  addedAt: Instant,
});
export type Bundle = z.infer<typeof Bundle>;

export type Bundles = Readonly<Record<string, Bundle>>;

/**
 * The stock SKUs one unit of a kit is made of, with kits inside it expanded, quantities multiplied
 * and summed where a part appears twice. A SKU that is not a kit is made of itself.
 */
export function leafParts(bundles: Bundles, sku: string, depth = 0): Map<string, number> {
  const bundle = Object.hasOwn(bundles, sku) ? bundles[sku] : undefined;
  if (!bundle || depth > KIT_DEPTH_MAX) return new Map([[sku, 1]]);
  const leaves = new Map<string, number>();
  for (const part of bundle.parts) {
    for (const [leaf, qty] of leafParts(bundles, part.sku, depth + 1)) leaves.set(leaf, (leaves.get(leaf) ?? 0) + qty * part.quantity);
  }
  return leaves;
}

/** How deep a kit nests (a kit of plain SKUs is 1). */
function depthOf(bundles: Bundles, sku: string, seen: Set<string>): number {
  const bundle = Object.hasOwn(bundles, sku) ? bundles[sku] : undefined;
  if (!bundle) return 0;
  if (seen.has(sku)) return Number.POSITIVE_INFINITY;
  seen.add(sku);
  const deepest = Math.max(...bundle.parts.map((p) => depthOf(bundles, p.sku, seen)));
  seen.delete(sku);
  return 1 + deepest;
}

/**
 * Why a kit cannot be saved as given, in the merchant's words naming the part at fault, or null.
 * `isStockSku` says whether a SKU has stock in the catalogue; `stockOfKit` is the kit SKU's own on hand.
 */
export function bundleProblem(bundles: Bundles, kit: string, parts: readonly BundlePart[], isStockSku: (sku: string) => boolean, stockOfKit: number): { field: string; message: string } | null {
  if (parts.length === 0) return { field: 'of', message: `Kit ${kit} needs at least one part, e.g. --of MUG:1,CAP:2.` };
  if (parts.length > KIT_PARTS_MAX) return { field: 'of', message: `Kit ${kit} may have at most ${KIT_PARTS_MAX} parts (got ${parts.length}).` };
  const seen = new Set<string>();
  for (const part of parts) {
    if (part.sku === kit) return { field: 'of', message: `Kit ${kit} cannot contain itself.` };
    if (seen.has(part.sku)) return { field: 'of', message: `Part ${part.sku} is listed twice in kit ${kit}; give it once with the total quantity.` };
    seen.add(part.sku);
    if (!Number.isInteger(part.quantity) || part.quantity < KIT_PART_QUANTITY.min || part.quantity > KIT_PART_QUANTITY.max) {
      return { field: 'of', message: `Quantity of ${part.sku} in kit ${kit} must be from 1 to 1000 (got ${part.quantity}).` };
    }
    if (!isStockSku(part.sku) && !Object.hasOwn(bundles, part.sku)) {
      return { field: 'of', message: `Part ${part.sku} is not in the catalogue (neither stock nor a kit). Set its stock first: backroom stock set ${part.sku} QTY --location L.` };
    }
  }
  if (stockOfKit > 0) return { field: 'kit', message: `${kit} has ${stockOfKit} on hand of its own; a kit's stock comes from its parts. Set its stock to 0 at every location first.` };
  const next: Record<string, Bundle> = { ...bundles, [kit]: { sku: kit, parts: [...parts], addedAt: new Date(0).toISOString() } };
  const depth = depthOf(next, kit, new Set());
  if (depth === Number.POSITIVE_INFINITY) return { field: 'of', message: `Kit ${kit} would contain itself through another kit; kits may not go round in a circle.` };
  // A kit that is itself a part of other kits must not make them too deep or circular either.
  for (const other of Object.keys(next)) {
    const d = depthOf(next, other, new Set());
    if (d === Number.POSITIVE_INFINITY) return { field: 'of', message: `Kit ${kit} would make kit ${other} contain itself; kits may not go round in a circle.` };
    if (d > KIT_DEPTH_MAX) return { field: 'of', message: `Kits may nest at most ${KIT_DEPTH_MAX} levels deep; ${other} would nest ${d}.` };
  }
  if (depth > KIT_DEPTH_MAX) return { field: 'of', message: `Kits may nest at most ${KIT_DEPTH_MAX} levels deep; ${kit} would nest ${depth}.` };
  return null;
}
