import { unitsOf, type Location, type Order, type Shop } from '../model';
import type { RemoteRestock } from '../platforms/types';
import type { BookedReturn } from '../store/stock-extras';
import { shippedBySku, type OrderUnit } from './commitments';
import { addOnHandIn } from './stock-changes';

/** The key a shop's refund is booked under (shared with `backroom return`'s bookings, so both count against what was shipped). */
export const refundKey = (shop: string, refundId: string) => `refund:${shop}#${refundId}`;

/** Units of each shop SKU of an order already put back, by returns and refunds (the order's bookings). */
function backBySku(returns: Record<string, BookedReturn>): Map<string, number> {
  const back = new Map<string, number>();
  for (const r of Object.values(returns)) for (const l of r.lines) back.set(l.sku, (back.get(l.sku) ?? 0) + l.quantity);
  return back;
}

/**
 * Where restocked units go on Backroom's shelf: the Backroom location named as the shop names its
 * location, else where the SKU was shipped from, else the shop's own location, else the first.
 */
function shelfFor(locations: readonly Location[], order: Order, shop: Shop, sku: string, shopLocation: string | undefined): string | undefined {
  const names = locations.map((l) => l.name);
  const named = shopLocation ? names.find((n) => n.toLowerCase() === shopLocation.toLowerCase()) : undefined;
  const shippedFrom = [...order.shipments].reverse().find((s) => s.lines.some((l) => l.sku === sku))?.location;
  return named ?? shippedFrom ?? (shop.location.kind === 'location' ? shop.location.location : undefined) ?? names[0];
}

/**
 * Books refunds that restocked shipped units on the shop (SPEC: a refund is followed): the units go
 * back on hand with a `refund` ledger entry naming the order. Each refund is booked once, under its
 * shop's refund id, in stock.json beside the units (the same write), so a re-pull or a kill and
 * re-pull never restocks twice. Only units Backroom took off the shelf can come back — what it
 * shipped, less what returns and refunds already put back; more, on an order Backroom shipped, is
 * told in an alert, never booked.
 * Written in the caller's unit (the pull's: stock.json before the orders).
 */
export async function bookRestocks(unit: OrderUnit, shop: Shop, order: Order, restocks: readonly RemoteRestock[] | undefined, now: Date): Promise<number> {
  if (!restocks?.length) return 0;
  const { w } = unit;
  const fresh: RemoteRestock[] = [];
  for (const r of restocks) if (!(await w.stock.bookedReturn(refundKey(shop.name, r.refundId)))) fresh.push(r);
  if (fresh.length === 0) return 0;
  const { locations, catalogue } = await unit.settings();
  const shipped = shippedBySku(order);
  const back = backBySku(await w.stock.returnsOf(order.number));
  // Units per shop SKU and shelf, so restocks read together make one ledger entry each, not one per unit.
  const shelves = new Map<string, { sku: string; shelf: string; units: number }>();
  let booked = 0;
  for (const refund of fresh) {
    const lines: BookedReturn['lines'] = [];
    const unshipped: string[] = [];
    let location: string | undefined;
    for (const line of refund.lines) {
      if (!line.sku || line.quantity <= 0) continue;
      const left = Math.max(0, (shipped.get(line.sku) ?? 0) - (back.get(line.sku) ?? 0));
      const units = Math.min(line.quantity, left);
      if (units < line.quantity) unshipped.push(`${line.quantity - units} × ${line.sku}`);
      const shelf = units > 0 ? shelfFor(locations, order, shop, line.sku, line.location) : undefined;
      if (!shelf) continue;
      location ??= shelf;
      const k = `${line.sku}\u0000${shelf}`;
      const row = shelves.get(k) ?? shelves.set(k, { sku: line.sku, shelf, units: 0 }).get(k)!;
      row.units += units;
      back.set(line.sku, (back.get(line.sku) ?? 0) + units);
      lines.push({ sku: line.sku, quantity: units });
      booked += units;
    }
    // Booked even with no units, so shipments recorded later never make an old refund count.
    await w.stock.bookReturn(refundKey(shop.name, refund.refundId), { order: order.number, at: now.toISOString(), location: location ?? '', lines });
    // An order Backroom never shipped was fulfilled on the shop: its stock never left Backroom's shelf, nothing to tell.
    if (refund.afterShipping && unshipped.length && order.shipments.length) {
      await (await unit.alerts()).raise(now, {
        key: `refund-restock:${shop.name}:${refund.refundId}`,
        source: { kind: 'shop', name: shop.name },
        kind: 'other',
        message: `A refund of order ${order.number} on ${shop.name} put ${unshipped.join(', ')} back in the shop's stock that Backroom did not ship, so Backroom's stock is unchanged for them. If they are on your shelf, count them in: backroom stock set SKU QTY --location L.`,
      });
    }
  }
  for (const { sku: shopSku, shelf, units } of shelves.values()) {
    for (const [sku, parts] of unitsOf(catalogue, order.shop, shopSku, units)) await addOnHandIn(unit.w, sku, shelf, parts, { at: now, cause: 'refund', ref: order.number });
  }
  return booked;
}
