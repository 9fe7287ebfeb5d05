import {
  aliasProblem, bundleProblem, kitFreeAtSource, leafParts, offeredQuantity, totalOnHand, unlinkedKey,
  type Bundle, type CatalogueData, type SkuAlias, type StockItem,
} from '../../model';
import { computePlan } from '../../jobs/plan';
import { forgetLinkedIn, openUnlinkedFrom, recomputeCommitmentsIn } from '../../jobs/unlinked';
import type { RepositoryWriters } from '../../store/repositories';
import type { ApiContext } from '../context';
import { catalogueContract, type BundleView } from '../contract-catalogue';
import { badInput, notFound } from '../errors';
import { namespace } from '../namespace';

async function requireShop(ctx: ApiContext, name: string | undefined): Promise<void> {
  if (!name) return;
  const { shops } = await ctx.repos.settings.get();
  if (!shops.some((s) => s.name === name)) {
    const known = shops.map((s) => `"${s.name}"`);
    throw notFound('shop', `There is no shop called "${name}".${known.length ? ` Shops: ${known.join(', ')}.` : ''}`);
  }
}

/** What a catalogue change gives back, and whether it changed the catalogue at all (the same alias again does not). */
interface CatalogueEdit<T> {
  value: T;
  changed: boolean;
}

/**
 * A catalogue change in one unit: `edit` changes the unit's copy of the catalogue (or throws, and
 * nothing is written); then entries it now knows leave the unlinked list with their alerts, and
 * every order's held stock is worked out again (set, never added, so nothing counts twice), all
 * written before the answer. The push follows the change.
 */
async function changeCatalogue<T>(ctx: ApiContext, edit: (catalogue: CatalogueData, w: RepositoryWriters) => Promise<CatalogueEdit<T>>): Promise<T> {
  const { value, changed } = await ctx.repos.write(async (w) => {
    const { catalogue } = await w.settings.get();
    const done = await edit(catalogue, w);
    if (done.changed) {
      await w.settings.update({ catalogue });
      await forgetLinkedIn(w);
      await recomputeCommitmentsIn(w, ctx.clock.now());
    }
    return done;
  });
  if (changed) {
    ctx.events.emit('changed', { area: 'stock' });
    // Unknown-SKU alerts the change answered are gone (forgetLinkedIn).
    ctx.events.emit('changed', { area: 'issues' });
  }
  return value;
}

/** Whether `sku` is a catalogue SKU (stock or a kit), asking the stock repository for this SKU only. */
async function isCatalogueSkuIn(w: Pick<RepositoryWriters, 'stock'>, catalogue: CatalogueData, sku: string): Promise<boolean> {
  return Object.hasOwn(catalogue.bundles, sku) || (await w.stock.stocked([sku])).has(sku);
}

/** Kits with what a combined shop is offered of each: only their parts' stock is read. */
async function bundleViews(ctx: ApiContext, bundles: Record<string, Bundle>, shown: readonly Bundle[]): Promise<BundleView[]> {
  const index = await ctx.repos.stock.committedIndex();
  const parts = shown.map((b) => leafParts(bundles, b.sku));
  const items: Record<string, StockItem> = {};
  for (const sku of new Set(parts.flatMap((p) => [...p.keys()]))) {
    const item = await ctx.repos.stock.item(sku);
    if (item) items[sku] = item;
  }
  return shown.map((bundle, i) => ({ ...bundle, available: offeredQuantity(kitFreeAtSource(parts[i]!, items, { kind: 'combined' }, index)) }));
}

function addAlias(ctx: ApiContext, alias: Pick<SkuAlias, 'shopSku' | 'sku' | 'shop'>): Promise<SkuAlias> {
  return changeCatalogue(ctx, async (catalogue, w) => {
    const catalogueSkus = await w.stock.stocked([alias.sku, alias.shopSku]);
    const problem = aliasProblem(catalogue.aliases, alias, (sku) => catalogueSkus.has(sku) || Object.hasOwn(catalogue.bundles, sku));
    if (problem) throw badInput(problem.field, problem.message);
    const existing = catalogue.aliases.find((a) => a.shopSku === alias.shopSku && a.shop === alias.shop);
    if (existing) return { value: existing, changed: false }; // the same alias again changes nothing
    const added: SkuAlias = { shopSku: alias.shopSku, sku: alias.sku, ...(alias.shop ? { shop: alias.shop } : {}), addedAt: ctx.clock.now().toISOString() };
    catalogue.aliases.push(added);
    return { value: added, changed: true };
  });
}

/** The shop an unlinked SKU was seen on, when the merchant left it out and only one shop has it. */
async function shopOfUnlinked(ctx: ApiContext, shopSku: string, shop: string | undefined, ignored = false): Promise<string | undefined> {
  if (shop) return shop;
  const seen = (await openUnlinkedFrom(ctx.repos, { ignored })).filter((u) => u.shopSku === shopSku);
  if (seen.length > 1) throw badInput('shop', `${shopSku} is unlinked on ${seen.length} shops (${seen.map((u) => `"${u.shop}"`).join(', ')}); say which with --shop.`);
  return seen[0]?.shop;
}

export const catalogue = namespace(catalogueContract, {
  async 'sku.alias'({ shopSku, sku, shop }, ctx) {
    await requireShop(ctx, shop);
    return addAlias(ctx, { shopSku, sku, shop });
  },

  async 'sku.unalias'({ shopSku, shop }, ctx) {
    await requireShop(ctx, shop);
    return changeCatalogue(ctx, async (catalogue) => {
      const at = catalogue.aliases.findIndex((a) => a.shopSku === shopSku && a.shop === shop);
      if (at < 0) throw notFound('shopSku', `There is no alias ${shopSku}${shop ? ` on "${shop}"` : ' for every shop'} (see: backroom sku aliases).`);
      const [removed] = catalogue.aliases.splice(at, 1);
      return { value: { removed: removed! }, changed: true };
    });
  },

  async 'sku.aliases'({ shop }, ctx) {
    await requireShop(ctx, shop);
    return (await ctx.repos.settings.get()).catalogue.aliases.filter((a) => !shop || a.shop === undefined || a.shop === shop).sort((a, b) => a.shopSku.localeCompare(b.shopSku));
  },

  async 'sku.unlinked'({ shop, ignored }, ctx) {
    await requireShop(ctx, shop);
    return openUnlinkedFrom(ctx.repos, { shop, ignored });
  },

  async 'sku.link'({ shopSku, sku, shop }, ctx) {
    await requireShop(ctx, shop);
    return addAlias(ctx, { shopSku, sku, shop: await shopOfUnlinked(ctx, shopSku, shop) });
  },

  async 'sku.ignore'({ shopSku, shop, undo }, ctx) {
    await requireShop(ctx, shop);
    const where = await shopOfUnlinked(ctx, shopSku, shop, undo);
    if (!where) throw notFound('shopSku', `${shopSku} is not on the unlinked list${undo ? ' of ignored SKUs' : ''}; give --shop to ${undo ? 'take it back' : 'ignore it'} on one shop.`);
    return changeCatalogue(ctx, async (catalogue, w) => {
      if (!undo && (await isCatalogueSkuIn(w, catalogue, shopSku))) throw badInput('shopSku', `${shopSku} is a catalogue SKU; only SKUs the catalogue does not have can be ignored.`);
      const now = ctx.clock.now().toISOString();
      const key = unlinkedKey(where, shopSku);
      const entry = (catalogue.unlinked[key] ??= { shop: where, shopSku, name: '', seenOnOrders: false, seenOnProducts: false, orders: [], lines: 0, firstSeenAt: now, lastSeenAt: now });
      if (undo) delete entry.ignoredAt;
      else entry.ignoredAt ??= now;
      // A copy: the catalogue is the unit's, written with it.
      return { value: { ...entry }, changed: true };
    });
  },

  async 'bundle.add'({ sku, parts }, ctx) {
    const bundle = await changeCatalogue(ctx, async (catalogue, w) => {
      // Only the kit's own SKU and its parts are read from the stock list.
      const stocked = await w.stock.stocked(parts.map((p) => p.sku));
      const problem = bundleProblem(catalogue.bundles, sku, parts, (s) => stocked.has(s), totalOnHand(await w.stock.item(sku)));
      if (problem) throw badInput(problem.field, problem.message);
      if (catalogue.aliases.some((a) => a.shopSku === sku)) throw badInput('kit', `${sku} is an alias of ${catalogue.aliases.find((a) => a.shopSku === sku)!.sku}; a kit needs a SKU of its own.`);
      const added: Bundle = { sku, parts, addedAt: ctx.clock.now().toISOString() };
      catalogue.bundles[sku] = added;
      return { value: added, changed: true };
    });
    return (await bundleViews(ctx, (await ctx.repos.settings.get()).catalogue.bundles, [bundle]))[0]!;
  },

  async 'bundle.list'(_params, ctx) {
    const { bundles } = (await ctx.repos.settings.get()).catalogue;
    return bundleViews(ctx, bundles, Object.values(bundles).sort((a, b) => a.sku.localeCompare(b.sku)));
  },

  async 'bundle.remove'({ sku }, ctx) {
    return changeCatalogue(ctx, async (catalogue) => {
      if (!Object.hasOwn(catalogue.bundles, sku)) throw notFound('kit', `There is no kit ${sku} (see: backroom bundle list).`);
      const users = Object.values(catalogue.bundles).filter((b) => b.parts.some((p) => p.sku === sku)).map((b) => b.sku);
      if (users.length) throw badInput('kit', `Kit ${sku} is a part of ${users.join(', ')}; remove it from ${users.length === 1 ? 'that kit' : 'those kits'} first.`);
      delete catalogue.bundles[sku];
      return { value: { removed: sku }, changed: true };
    });
  },

  async 'sync.plan'({ shop }, ctx) {
    await requireShop(ctx, shop);
    return computePlan(ctx.engine.jobs, shop);
  },
});
