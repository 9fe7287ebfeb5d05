import { isKnownShopSkuBy, orderKey, resolveSku, UNLINKED_ITEMS_KEPT, UNLINKED_ORDERS_KEPT, unlinkedKey, type Alert, type CatalogueData, type Order, type UnlinkedItem } from '../model';
import type { RemoteStockItem } from '../platforms/types';
import type { RepositoryReaders, RepositoryWriters } from '../store/repositories';
import { commitmentFor } from './commitments';
import { replaceCommitmentIn } from './stock-changes';

/*
 * The unlinked list (catalogue.unlinked): SKUs shops use that the catalogue does not know. Each
 * rule is written once, on a catalogue and a "has this catalogue SKU stock?" question; the
 * repository forms (…In, …From) ask the stock repository once for every SKU in question.
 */

type Catalogue = CatalogueData;
type HasStock = (sku: string) => boolean;

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

/** A shop SKU that can be listed as unlinked (one that could never be linked is only named in alerts). */
const listable = (sku: string | undefined): sku is string => Boolean(sku) && sku!.length <= 100 && sku === sku!.trim();

/** Which of the shop's SKUs stand for catalogue SKUs on the stock list: one read, however many. */
async function stockOf(stock: RepositoryReaders['stock'], catalogue: Catalogue, pairs: Iterable<{ shop: string; shopSku: string }>): Promise<HasStock> {
  const stocked = await stock.stocked([...pairs].map((p) => resolveSku(catalogue.aliases, p.shop, p.shopSku)));
  return (sku) => stocked.has(sku);
}

/** Notes an order's lines the catalogue does not know in `catalogue.unlinked`; returns those lines. */
function noteOrderLines(catalogue: Catalogue, hasStock: HasStock, order: Order, now: Date): Order['lines'] {
  const unknown: Order['lines'] = [];
  for (const line of order.lines) {
    if (line.sku && isKnownShopSkuBy(hasStock, catalogue, order.shop, line.sku)) continue;
    unknown.push(line);
    if (!listable(line.sku)) continue;
    const entry = entryFor(catalogue, order.shop, line.sku, line.name, now.toISOString());
    entry.seenOnOrders = true;
    entry.lines++;
    entry.lastSeenAt = now.toISOString();
    if (!entry.orders.includes(order.number)) entry.orders = [order.number, ...entry.orders].slice(0, UNLINKED_ORDERS_KEPT);
  }
  trim(catalogue);
  return unknown;
}

/** Notes `skus` of a shop's products the catalogue does not know in `catalogue.unlinked`; returns how many were new. */
function noteProducts(catalogue: Catalogue, shop: string, skus: readonly string[], hasStock: HasStock, now: Date): number {
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

function openOf(catalogue: Catalogue, hasStock: HasStock, options: { shop?: string; ignored?: boolean }): UnlinkedItem[] {
  return Object.values(catalogue.unlinked)
    .filter((u) => !options.shop || u.shop === options.shop)
    .filter((u) => (options.ignored ? Boolean(u.ignoredAt) : !u.ignoredAt && !isKnownShopSkuBy(hasStock, catalogue, u.shop, u.shopSku)))
    .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt) || a.shop.localeCompare(b.shop) || a.shopSku.localeCompare(b.shopSku));
}

/** Drops the entries the catalogue now knows; returns whether any went. */
function dropLinked(catalogue: Catalogue, hasStock: HasStock): boolean {
  let dropped = false;
  for (const [key, entry] of Object.entries(catalogue.unlinked)) {
    if (!entry.ignoredAt && isKnownShopSkuBy(hasStock, catalogue, entry.shop, entry.shopSku)) {
      delete catalogue.unlinked[key];
      dropped = true;
    }
  }
  return dropped;
}

/**
 * The shop SKU an unknown-SKU alert asks about, or undefined for other alerts. Its key is
 * `unknown-sku:SHOP:SKU`; the shop is the alert's source, so a shop name with a colon in it is read right.
 */
function askedSku(alert: Alert): string | undefined {
  if (alert.kind !== 'unknown-sku') return undefined;
  const prefix = `unknown-sku:${alert.source.name}:`;
  return alert.key.startsWith(prefix) ? alert.key.slice(prefix.length) || undefined : undefined;
}

/** The keys of unknown-SKU alerts the catalogue has answered (the SKU is linked, aliased, ignored or known). */
function answered(alerts: readonly Alert[], catalogue: Catalogue, hasStock: HasStock): Set<string> {
  const keys = new Set<string>();
  for (const alert of alerts) {
    const shopSku = askedSku(alert);
    if (shopSku && isKnownShopSkuBy(hasStock, catalogue, alert.source.name, shopSku)) keys.add(alert.key);
  }
  return keys;
}

// ——— on the repositories ———

/**
 * Notes the lines of a newly imported order whose SKU the catalogue does not know in `catalogue`
 * (the caller's copy; it writes the catalogue back when `listed`). Returns those lines (for the
 * alert). Ignored SKUs and lines without a SKU are not listed (a line without a SKU cannot be
 * linked; the alert names it). For a caller that notes many orders and writes the catalogue once.
 */
export async function noteUnlinkedOrderLines(stock: RepositoryReaders['stock'], catalogue: Catalogue, order: Order, now: Date): Promise<{ unknown: Order['lines']; listed: boolean }> {
  const hasStock = await stockOf(stock, catalogue, order.lines.filter((l) => l.sku).map((l) => ({ shop: order.shop, shopSku: l.sku })));
  const unknown = noteOrderLines(catalogue, hasStock, order, now);
  return { unknown, listed: unknown.some((l) => listable(l.sku)) };
}

/** `noteUnlinkedOrderLines` for one order, with the catalogue read and written in the caller's unit. */
export async function noteUnlinkedOrderIn(w: Pick<RepositoryWriters, 'settings' | 'stock'>, order: Order, now: Date): Promise<Order['lines']> {
  const { catalogue } = await w.settings.get();
  const { unknown, listed } = await noteUnlinkedOrderLines(w.stock, catalogue, order, now);
  if (listed) await w.settings.update({ catalogue });
  return unknown;
}

/**
 * Notes shop products whose SKU the catalogue does not know (read by a reconcile or a push), inside
 * the caller's unit. Returns how many were newly noted; none, and nothing is written.
 */
export async function noteUnlinkedProductsIn(w: Pick<RepositoryWriters, 'settings' | 'stock'>, shop: string, products: Iterable<RemoteStockItem>, now: Date): Promise<number> {
  const { catalogue } = await w.settings.get();
  const skus = [...products].map((p) => p.sku).filter(listable);
  const hasStock = await stockOf(w.stock, catalogue, skus.map((shopSku) => ({ shop, shopSku })));
  const noted = noteProducts(catalogue, shop, skus, hasStock, now);
  if (noted > 0) await w.settings.update({ catalogue });
  return noted;
}

/** The unlinked items still unknown to the catalogue (a SKU given stock since then is no longer unlinked). */
export async function openUnlinkedFrom(repos: Pick<RepositoryReaders, 'settings' | 'stock'>, options: { shop?: string; ignored?: boolean } = {}): Promise<UnlinkedItem[]> {
  const { catalogue } = await repos.settings.get();
  return openOf(catalogue, await stockOf(repos.stock, catalogue, Object.values(catalogue.unlinked)), options);
}

/** Drops entries the catalogue now knows (linked through an alias, or given stock or a kit), and their alerts, inside the caller's unit. */
export async function forgetLinkedIn(w: Pick<RepositoryWriters, 'settings' | 'stock' | 'issues'>): Promise<void> {
  const { catalogue } = await w.settings.get();
  const alerts = await w.issues.alerts();
  const asked = alerts.flatMap((a) => {
    const shopSku = askedSku(a);
    return shopSku ? [{ shop: a.source.name, shopSku }] : [];
  });
  const hasStock = await stockOf(w.stock, catalogue, [...Object.values(catalogue.unlinked), ...asked]);
  if (dropLinked(catalogue, hasStock)) await w.settings.update({ catalogue });
  for (const key of answered(alerts, catalogue, hasStock)) await w.issues.removeAlert(key);
}

/**
 * After the catalogue changed (an alias, a kit, an ignored SKU): every order's held stock is worked
 * out again from its lines, inside the caller's unit. Each order's commitment is set, not added to,
 * so an order already holding stock is never counted twice. Reads one month of orders at a time.
 */
export async function recomputeCommitmentsIn(w: Pick<RepositoryWriters, 'settings' | 'stock' | 'issues' | 'orders'>, now: Date): Promise<number> {
  const { shops, catalogue } = await w.settings.get();
  const byName = new Map(shops.map((s) => [s.name, s]));
  let changed = 0;
  for await (const month of w.orders.byMonth()) {
    for (const order of month) {
      const held = commitmentFor(order, byName.get(order.shop), catalogue);
      if (await replaceCommitmentIn(w, orderKey(order), held, { at: now, cause: 'order-edit', ref: order.number })) changed++;
    }
  }
  return changed;
}
