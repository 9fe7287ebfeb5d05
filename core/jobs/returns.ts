import { newId } from '../runtime/queue';
import type { Order } from '../model';
import type { BookedReturn } from '../store/stock-extras';
import { orderUnit, shippedBySku } from './commitments';
import type { JobContext } from './context';
import { ShipmentInputError } from './shipping';
import { addOnHandIn } from './stock-changes';

export interface ReturnInput {
  orderNumber: string;
  lines: { sku: string; quantity: number }[];
  /** Where the units go back on the shelf; where they were shipped from when omitted. */
  location?: string;
  /**
   * What makes this return one return: a shop's refund id (`refund:SHOP#ID`) so a refund seen twice
   * restocks once. A return typed in by the merchant gets a fresh one.
   */
  key?: string;
}

/** Units of each SKU already put back, from an order's bookings. */
function returnedBySku(returns: Record<string, BookedReturn>): Map<string, number> {
  const back = new Map<string, number>();
  for (const r of Object.values(returns)) for (const l of r.lines) back.set(l.sku, (back.get(l.sku) ?? 0) + l.quantity);
  return back;
}

/** The location a SKU of the order was last shipped from. */
function shippedFrom(order: Order, sku: string): string | undefined {
  return [...order.shipments].reverse().find((s) => s.lines.some((l) => l.sku === sku))?.location;
}

/**
 * Books a return (SPEC: returns put units back on hand): only units that were shipped can come back,
 * each at most once. The units, their ledger entries and the record that this return is booked are
 * one unit (on the folder: one write of stock.json), so a kill or a second sight of the same refund
 * never restocks twice.
 */
export async function recordReturn(ctx: JobContext, input: ReturnInput): Promise<{ booked: BookedReturn; key: string; already: boolean }> {
  const result = await ctx.repos.write(async (w) => {
    const unit = orderUnit(w);
    const already = input.key ? await w.stock.bookedReturn(input.key) : undefined;
    if (input.key && already) return { booked: already, key: input.key, already: true };
    const order = await w.orders.findByNumber(input.orderNumber);
    if (!order) throw new ShipmentInputError('order', `There is no order ${input.orderNumber}. Order numbers look like WO:1043 (see: backroom orders list).`);
    if (input.lines.length === 0) throw new ShipmentInputError('lines', 'Name what came back: --lines SKU:QTY,…');
    const shipped = shippedBySku(order);
    const back = returnedBySku(await w.stock.returnsOf(order.number));
    const asked = new Map<string, number>();
    for (const line of input.lines) asked.set(line.sku, (asked.get(line.sku) ?? 0) + line.quantity);
    for (const [sku, quantity] of asked) {
      if (!order.lines.some((l) => l.sku === sku)) throw new ShipmentInputError('lines', `Order ${order.number} has no line with SKU ${sku}.`);
      const left = (shipped.get(sku) ?? 0) - (back.get(sku) ?? 0);
      if (left <= 0) throw new ShipmentInputError('lines', `Order ${order.number} has no more ${sku} to take back: ${shipped.get(sku) ?? 0} shipped, ${back.get(sku) ?? 0} already returned.`);
      if (quantity > left) throw new ShipmentInputError('lines', `Order ${order.number} can return at most ${left} × ${sku} (${shipped.get(sku)} shipped, ${back.get(sku) ?? 0} already returned); got ${quantity}.`);
    }
    const locations = (await unit.settings()).locations.map((l) => l.name);
    if (input.location && !locations.includes(input.location)) throw new ShipmentInputError('location', `Location "${input.location}" does not exist. Known locations: ${locations.join(', ') || 'none yet'}.`);
    const first = [...asked.keys()][0]!;
    const location = input.location ?? shippedFrom(order, first) ?? locations[0];
    if (!location) throw new ShipmentInputError('location', 'There is no stock location to return to; add one: backroom location add NAME.');

    const now = ctx.clock.now();
    const key = input.key ?? `return:${newId('R')}`;
    const booked: BookedReturn = { order: order.number, at: now.toISOString(), location, lines: [...asked].map(([sku, quantity]) => ({ sku, quantity })) };
    for (const line of booked.lines) await addOnHandIn(w, line.sku, location, line.quantity, { at: now, cause: 'return', ref: order.number });
    await w.stock.bookReturn(key, booked);
    return { booked, key, already: false };
  });
  if (!result.already) ctx.events.emit('changed', { area: 'stock' });
  return result;
}
