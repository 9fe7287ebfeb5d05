// The Shopify shop of the crash test: a practice shop on 127.0.0.1 with its declared limits (the
// cost bucket of the plan it stands for, nothing shortened), two Shopify locations, orders placed
// on it before and during the run, and the checks run on it once the engine has settled:
// fulfilments made once per location and line, and stock at the location Backroom sets what the
// hub offers that shop.
import type { StockItem, Commitment } from '../../core/model';
import { startShopifySandbox, type OrderRecord, type ShopifySandbox } from '../../sandbox/shopify';

/** Backroom sets stock at this Shopify location; some lines ship from the other, as order routing assigns them. */
export const SHOPIFY_STOCK_LOCATION = 'Shop floor';
export const SHOPIFY_OTHER_LOCATION = 'Back room';

export interface Buyer {
  email: string;
  firstName: string;
  lastName: string;
}

export interface CrashShopify {
  sandbox: ShopifySandbox;
  /** Every paid order placed on it, by Shopify's own (numeric) id. */
  paid: Set<number>;
  /** SKUs it tracks stock for at the stock location. */
  skus: string[];
  /** Places a paid order for this buyer; `splitLocation` sends its last line from the other Shopify location. */
  place(buyer: Buyer, lines: { sku: string; quantity: number }[], options?: { createdAt?: number; splitLocation?: boolean }): OrderRecord;
}

export async function startCrashShopify(random: number, currency: string): Promise<CrashShopify> {
  // The sandbox's default bucket: 2000 points, restored at 100 a second (Shopify's Standard plan); the connector paces itself to it.
  const sandbox = await startShopifySandbox({ locations: [SHOPIFY_STOCK_LOCATION, SHOPIFY_OTHER_LOCATION], currency, seed: { products: 20, random } });
  const skus: string[] = [];
  for (const v of sandbox.state.variants.values()) {
    if (!v.sku) continue;
    const item = sandbox.state.inventoryItems.get(v.inventoryItemId)!;
    if (item.tracked) skus.push(v.sku);
    // Every variant is stocked at the other location too, so a line may ship from there.
    sandbox.setInventory(v.sku, 1000, SHOPIFY_OTHER_LOCATION);
  }
  const paid = new Set<number>();
  return {
    sandbox,
    paid,
    skus,
    place(buyer, lines, options = {}) {
      const order = sandbox.addOrder({
        email: buyer.email,
        firstName: buyer.firstName,
        lastName: buyer.lastName,
        ...(options.createdAt !== undefined ? { createdAt: options.createdAt } : {}),
        lines: lines.map((l, i) => ({ ...l, location: options.splitLocation && i === lines.length - 1 && lines.length > 1 ? SHOPIFY_OTHER_LOCATION : SHOPIFY_STOCK_LOCATION })),
      });
      paid.add(order.id);
      return order;
    },
  };
}

/** An order's total as the practice shop states it (line prices times units; no shipping). */
export function shopifyOrderCents(order: OrderRecord): number {
  return order.lineItems.reduce((sum, l) => sum + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
}

/**
 * What a shop mapped to `location` must be offered, worked out here from the hub's stock on hand
 * and its commitments (not through the hub's own code): the free units at that location, but never
 * more than the free units over every location.
 */
export function offeredAt(location: string, item: StockItem | undefined, sku: string, commitments: Record<string, Commitment>): number {
  let heldHere = 0;
  let heldAll = 0;
  for (const c of Object.values(commitments)) {
    const q = c.lines[sku] ?? 0;
    heldAll += q;
    if (c.location === location) heldHere += q;
  }
  const onHand = item?.onHand ?? {};
  const here = (onHand[location] ?? 0) - heldHere;
  const all = Object.values(onHand).reduce((a, b) => a + b, 0) - heldAll;
  return Math.max(0, Math.min(here, all));
}

/**
 * Fulfilments on the Shopify shop against the hub's shipments of each order: every tracking number
 * the hub recorded is on the shop and no other; each (tracking number, location) is one fulfilment;
 * and an order the hub shipped has every unit of every line fulfilled exactly once. Returns what differs.
 */
export function shopifyShipmentProblems(sandbox: ShopifySandbox, hubTrackings: Map<number, string[]>): string[] {
  const problems: string[] = [];
  for (const [id, order] of sandbox.state.orders) {
    const live = order.fulfillments.filter((f) => f.status === 'SUCCESS');
    const want = [...(hubTrackings.get(id) ?? [])].sort();
    const got = [...new Set(live.flatMap((f) => f.trackingInfo.map((t) => t.number ?? '(none)')))].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`Shopify order ${order.name} (${id}): tracking numbers ${got.join(', ') || 'none'}, the hub shipped ${want.join(', ') || 'none'}`);
    const pairs = live.flatMap((f) => f.trackingInfo.map((t) => `${t.number} @ ${f.locationId}`));
    const twice = pairs.filter((p, i) => pairs.indexOf(p) !== i);
    if (twice.length) problems.push(`Shopify order ${order.name} (${id}): fulfilled twice: ${twice.join(', ')}`);
    if (want.length === 0) continue;
    // The hub ships whole orders here: every unit once, none twice.
    for (const line of order.lineItems) {
      const units = live.reduce((n, f) => n + f.lines.filter((l) => l.lineItemId === line.id).reduce((m, l) => m + l.quantity, 0), 0);
      if (units !== line.quantity) problems.push(`Shopify order ${order.name} (${id}): ${units} of ${line.quantity} × ${line.sku} fulfilled`);
    }
  }
  return problems;
}
