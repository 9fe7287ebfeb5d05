import { z } from 'zod';
import { BundlePart, KIT_PARTS_MAX, Name, Sku, type Bundle, type SkuAlias, type SyncPlan, type UnlinkedItem } from '../model';
import { method } from './define';

export interface BundleView extends Bundle {
  /** Kits a shop on all locations combined, without a buffer, would be offered now. */
  available: number;
}

/** API methods of the catalogue beyond stock (SKU aliases, unlinked SKUs, kits) and of the dry run. */
export const catalogueContract = {
  /** Maps a shop's spelling of a SKU to a catalogue SKU; orders holding it are worked out again. */
  'sku.alias': method<SkuAlias>()(z.object({ shopSku: Sku, sku: Sku, shop: Name.optional() }).strict()),
  'sku.unalias': method<{ removed: SkuAlias }>()(z.object({ shopSku: Sku, shop: Name.optional() }).strict()),
  'sku.aliases': method<SkuAlias[]>()(z.object({ shop: Name.optional() }).strict()),
  /** SKUs shops use that the catalogue does not know (or, with `ignored`, those the merchant ignored). */
  'sku.unlinked': method<UnlinkedItem[]>()(z.object({ shop: Name.optional(), ignored: z.boolean().default(false) }).strict()),
  /** Links an unlinked SKU: an alias for the shop it was seen on (the shop may be left out when only one has it). */
  'sku.link': method<SkuAlias>()(z.object({ shopSku: Sku, sku: Sku, shop: Name.optional() }).strict()),
  /** Says a shop's SKU is not stock (a service, gift wrap): no alert, no stock held. `undo` takes it back. */
  'sku.ignore': method<UnlinkedItem>()(z.object({ shopSku: Sku, shop: Name.optional(), undo: z.boolean().default(false) }).strict()),

  'bundle.add': method<BundleView>()(z.object({ sku: Sku, parts: z.array(BundlePart).min(1, 'needs at least one part').max(KIT_PARTS_MAX, `may have at most ${KIT_PARTS_MAX} parts`) }).strict()),
  'bundle.list': method<BundleView[]>()(z.object({}).strict()),
  'bundle.remove': method<{ removed: string }>()(z.object({ sku: Sku }).strict()),

  /** The dry run: what a sync pass would do, touching nothing. */
  'sync.plan': method<SyncPlan>()(z.object({ shop: Name.optional() }).strict()),
};
