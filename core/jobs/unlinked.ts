import { isKnownShopSku, isKnownShopSkuBy, resolveSku, UNLINKED_ITEMS_KEPT, UNLINKED_ORDERS_KEPT, unlinkedKey, type CatalogueData, type Order, type UnlinkedItem } from '../model';
import type { RemoteStockItem } from '../platforms/types';
import type { Store } from '../store';
import type { RepositoryWriters } from '../store/repositories';
import { applyCommitment } from './commitments';

type Catalogue = CatalogueData;

/** Keeps the unlinked list bounded: the items seen longest ago go first (they come back when seen again). */
function trim(catalogue: Catalogue): void {
  const keys = Object.keys(catalogue.unlinked);
  if (keys.length <= UNLINKED_ITEMS_KEPT) return;
  const oldest = keys.sort((a, b) => catalogue.unlinked[a]!.lastSeenAt.localeCompare(catalogue.unlinked[b]!.lastSeenAt));
  for (const key of oldest.slice(0, keys.length - UNLINKED_ITEMS_KEPT)) delete catalogue.unlinked[key];
}

function entryFor(catalogue: Catalogue, shop: string, shopSku: string, name: string, now: string): UnlinkedItem {
  const key = unlinkedKey(shop, shopSku);
  return (catalogue.unlinked[key] ??= { shop, shopSku, name: name.slice(0, 200), seenOnOrders: false, seenOnProducts: false, orders: [], lines: 0, firstSeenAt: now, lastSeenAt: now });
}

/**
 * Notes the lines of a newly imported order whose SKU the catalogue does not know. Returns those
 * lines (for the alert). Ignored SKUs and lines without a SKU are not listed (a line without a SKU
 * cannot be linked; the alert names it).
 */
export function noteUnlinkedOrder(store: Store, order: Order, now: Date): Order['lines'] {
  const catalogue = store.catalogue.data;
  const items = store.stock.data.items;
  const unknown: Order['lines'] = [];
  for (const line of order.lines) {
    if (line.sku && isKnownShopSku(items, catalogue, order.shop, line.sku)) continue;
    unknown.push(line);
    if (!line.sku || line.sku.length > 100 || line.sku !== line.sku.trim()) continue;
    const entry = entryFor(catalogue, order.shop, line.sku, line.name, now.toISOString());
    entry.seenOnOrders = true;
    entry.lines++;
    entry.lastSeenAt = now.toISOString();
    if (!entry.orders.includes(order.number)) entry.orders = [order.number, ...entry.orders].slice(0, UNLINKED_ORDERS_KEPT);
  }
  trim(catalogue);
  return unknown;
}

/**
 * Notes shop products whose SKU the catalogue does not know (read by a reconcile or a push), inside
 * the caller's unit. Returns how many were newly noted; none, and nothing is written.
 */
export async function noteUnlinkedProductsIn(w: Pick<RepositoryWriters, 'settings' | 'stock'>, shop: string, products: Iterable<RemoteStockItem>, now: Date): Promise<number> {
  const { catalogue } = await w.settings.get();
  const candidates = [...products].map((p) => p.sku).filter((sku) => sku && sku.length <= 100 && sku === sku.trim());
  // Which catalogue SKUs the candidates stand for are on the stock list: one read, whatever the count.
  const stocked = await w.stock.stocked(candidates.map((sku) => resolveSku(catalogue.aliases, shop, sku)));
  const noted = noteProducts(catalogue, shop, candidates, (sku) => stocked.has(sku), now);
  if (noted > 0) await w.settings.update({ catalogue });
  return noted;
}

/** Notes `skus` of a shop's products the catalogue does not know in `catalogue.unlinked`; returns how many were new. */
function noteProducts(catalogue: Catalogue, shop: string, skus: readonly string[], hasStock: (sku: string) => boolean, now: Date): number {
  let noted = 0;
  for (const sku of skus) {
    if (isKnownShopSkuBy(hasStock, catalogue, shop, sku)) continue;
    const existing = catalogue.unlinked[unlinkedKey(shop, sku)];
    // Seen before: nothing to write, so a quiet reconcile stays a quiet one.
    if (existing?.seenOnProducts) continue;
    const entry = entryFor(catalogue, shop, sku, '', now.toISOString());
    entry.seenOnProducts = true;
    entry.lastSeenAt = now.toISOString();
    noted++;
  }
  trim(catalogue);
  return noted;
}

/** The unlinked items still unknown to the catalogue (a SKU given stock since then is no longer unlinked). */
export function openUnlinked(store: Store, options: { shop?: string; ignored?: boolean } = {}): UnlinkedItem[] {
  const catalogue = store.catalogue.data;
  const items = store.stock.data.items;
  return Object.values(catalogue.unlinked)
    .filter((u) => !options.shop || u.shop === options.shop)
    .filter((u) => (options.ignored ? Boolean(u.ignoredAt) : !u.ignoredAt && !isKnownShopSku(items, catalogue, u.shop, u.shopSku)))
    .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt) || a.shop.localeCompare(b.shop) || a.shopSku.localeCompare(b.shopSku));
}

/** Drops entries the catalogue now knows (linked through an alias, or given stock or a kit), and their alerts. */
export function forgetLinked(store: Store): void {
  const catalogue = store.catalogue.data;
  for (const [key, entry] of Object.entries(catalogue.unlinked)) {
    if (!entry.ignoredAt && isKnownShopSku(store.stock.data.items, catalogue, entry.shop, entry.shopSku)) delete catalogue.unlinked[key];
  }
  clearKnownSkuAlerts(store);
}

/**
 * An unknown-SKU alert asks the merchant to link or ignore the SKU; once it is linked, aliased,
 * ignored or in the catalogue, the alert has been answered and goes (raised again only if an order
 * brings a SKU still unknown). Its key is `unknown-sku:SHOP:SKU`; the shop is the alert's source,
 * so a shop name with a colon in it is read right.
 */
export function clearKnownSkuAlerts(store: Store): number {
  const catalogue = store.catalogue.data;
  const items = store.stock.data.items;
  const before = store.issues.data.alerts.length;
  store.issues.data.alerts = store.issues.data.alerts.filter((alert) => {
    if (alert.kind !== 'unknown-sku') return true;
    const prefix = `unknown-sku:${alert.source.name}:`;
    if (!alert.key.startsWith(prefix)) return true;
    const shopSku = alert.key.slice(prefix.length);
    return !shopSku || !isKnownShopSku(items, catalogue, alert.source.name, shopSku);
  });
  return before - store.issues.data.alerts.length;
}

/**
 * After the catalogue changed (an alias, a kit, an ignored SKU): every order's held stock is worked
 * out again from its lines. Each order's commitment is set, not added to, so an order already
 * holding stock is never counted twice. Reads every month of orders once; the caller saves.
 */
export async function recomputeCommitments(store: Store): Promise<number> {
  const shops = new Map(store.main.data.shops.map((s) => [s.name, s]));
  let changed = 0;
  for await (const order of store.orders.all()) if (applyCommitment(store, order, shops.get(order.shop))) changed++;
  return changed;
}
