import { clearErrorIn, recordErrorIn } from '../runtime/issues';
import { newId, type WorkOutcome } from '../runtime/queue';
import { RELEASING_STATUSES, unitsOf, type Order, type Shipment, type Shop } from '../model';
import { SHIPPING_PUSH, type WorkOf } from '../model/work';
import type { RepositoryWriters } from '../store/repositories';
import { describeFailure, PlatformError } from '../platforms/errors';
import { applyCommitmentIn, fulfilmentOf, orderUnit, outstandingBySku } from './commitments';
import { bump, STOPPING, summary, type JobContext, type JobSummary } from './context';
import { addOnHandIn } from './stock-changes';

export const SHIPPING_KIND = SHIPPING_PUSH;
export const shopLane = (shop: string) => `shop:${shop}`;
export const shippingOperation = (shop: string, order: string) => ({ kind: SHIPPING_KIND, args: { shop, order } });

export interface ShipmentInput {
  orderNumber: string;
  carrier: string;
  tracking: string;
  /** YYYY-MM-DD; today when omitted. */
  date?: string;
  /** What left; everything still outstanding when omitted. */
  lines?: { sku: string; quantity: number }[];
  /** Where it left from; the shop's location when the shop is mapped to one. */
  location?: string;
}

/** A shipment that cannot be recorded as given, with the field at fault. */
export class ShipmentInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/**
 * Records a shipment (SPEC §3): checks it against what the order still owes, takes the units off
 * on-hand stock at its location, updates the order's fulfilment and the stock it holds, and queues
 * the shipping push. Nothing is changed unless every check passes.
 */
export async function recordShipment(ctx: JobContext, input: ShipmentInput): Promise<{ order: Order; shipment: Shipment }> {
  // A shipment a kill left half-recorded is put on its order first, so it counts as shipped below.
  await settleRecordedShipments(ctx);
  const recorded = await ctx.repos.write(async (w) => {
    const unit = orderUnit(w);
    // The transit record of an earlier shipment goes with this write of stock, not a write of its own.
    await forgetSettled(w);
    const order = await w.orders.findByNumber(input.orderNumber);
    if (!order) throw new ShipmentInputError('order', `There is no order ${input.orderNumber}. Order numbers look like WO:1043 (see: backroom orders list).`);
    const { shops, locations, catalogue } = await unit.settings();
    const shop = shops.find((s) => s.name === order.shop);
    if ((RELEASING_STATUSES as readonly string[]).includes(order.status)) throw new ShipmentInputError('order', `Order ${order.number} is ${order.status}; it cannot be shipped.`);
    const owed = outstandingBySku(order);
    const lines = input.lines?.length ? input.lines : [...owed].filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity }));
    if (lines.length === 0) throw new ShipmentInputError('lines', `Order ${order.number} has nothing left to ship.`);
    for (const line of lines) {
      const left = owed.get(line.sku);
      if (left === undefined) throw new ShipmentInputError('lines', `Order ${order.number} has no line with SKU ${line.sku}.`);
      if (line.quantity > left) throw new ShipmentInputError('lines', `Order ${order.number} owes ${left} × ${line.sku}; cannot ship ${line.quantity}.`);
    }
    const location = input.location ?? (shop?.location.kind === 'location' ? shop.location.location : locations[0]?.name);
    if (!location) throw new ShipmentInputError('location', 'There is no stock location to ship from; add one: backroom location add NAME.');
    if (!locations.some((l) => l.name === location)) throw new ShipmentInputError('location', `Location "${location}" does not exist.`);
    const date = input.date ?? ctx.clock.now().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new ShipmentInputError('date', `Date "${date}" is not a date in the form YYYY-MM-DD.`);

    const shipment: Shipment = { id: newId('S'), orderNumber: order.number, date, carrier: input.carrier.trim(), tracking: input.tracking.trim(), location, lines, recordedAt: ctx.clock.now().toISOString() };
    const next: Order = { ...order, shipments: [...order.shipments, shipment] };
    next.fulfilment = fulfilmentOf(next);
    const why = { at: ctx.clock.now(), cause: 'shipment' as const, ref: order.number };
    // Lines are in the shop's SKUs: what leaves the shelf is the catalogue SKU they stand for (a kit: its parts).
    for (const line of lines) {
      for (const [sku, units] of unitsOf(catalogue, order.shop, line.sku, line.quantity)) await addOnHandIn(w, sku, location, -units, why);
    }
    // The shipment is recorded in stock with the on-hand change it makes, and its push queued: the
    // unit writes both before the order (on the folder: stock.json before the order's month file),
    // so a kill between them leaves the shipment where `settleRecordedShipments` finds it and puts
    // it on the order. The order is put in this unit, so what a running pull has ingested is
    // written with what it implies (stock held, CRM work), never the orders without it.
    await w.stock.shipmentInTransit(shipment.id, shipment);
    await applyCommitmentIn(w, catalogue, next, shop, why);
    if (shop) await queueShippingPush(ctx, w, shop, next);
    await w.orders.put(next);
    return { order: next, shipment };
  });
  // The order holds the shipment on disk now; its transit record is forgotten with the next write
  // that records a shipment (or settles one), as it always went with stock.json's next write.
  ctx.events.emit('changed', { area: 'orders' });
  ctx.events.emit('changed', { area: 'stock' });
  return recorded;
}

/** Queues the order's shipping push in the unit that records it, unless it is queued already. */
async function queueShippingPush(ctx: JobContext, w: RepositoryWriters, shop: Shop, order: Order): Promise<void> {
  const lane = shopLane(shop.name);
  const queue = ctx.queue.queueIn(w);
  // One push per order: one already queued (perhaps waiting out a back-off) stays as it is.
  if (await queue.find(SHIPPING_KIND, order.number)) return;
  await queue.upsert({ id: newId('q'), lane, kind: SHIPPING_KIND, payload: { order: order.number, createdAt: order.createdAt, remoteId: order.remoteId, dedupeKey: `ship:${order.number}` }, enqueuedAt: ctx.clock.now().toISOString(), attempts: 0 });
}

/**
 * Forgets, in the caller's unit, the shipments in transit that their order already holds: an
 * earlier unit wrote that order, so the record has done its job. A record whose order is gone goes too.
 */
async function forgetSettled(w: RepositoryWriters): Promise<void> {
  for (const shipment of Object.values(await w.stock.shipmentsInTransit())) {
    const order = await w.orders.findByNumber(shipment.orderNumber);
    if (!order || order.shipments.some((s) => s.id === shipment.id)) await w.stock.shipmentInTransit(shipment.id, null);
  }
}

/**
 * Shipments recorded in transit that their order lacks (a kill fell between the two writes of
 * `recordShipment`): each is put on its order — its units were taken off already — with its push
 * queued, in one unit, and only once that is written are the transit records forgotten, in the next.
 */
export async function settleRecordedShipments(ctx: JobContext): Promise<number> {
  const pending = Object.values(await ctx.repos.stock.shipmentsInTransit());
  if (pending.length === 0) return 0;
  const settled = await ctx.repos.write(async (w) => {
    const unit = orderUnit(w);
    let count = 0;
    for (const shipment of pending) {
      const order = await w.orders.findByNumber(shipment.orderNumber);
      if (!order || order.shipments.some((s) => s.id === shipment.id)) continue;
      const { shops, catalogue } = await unit.settings();
      const shop = shops.find((s) => s.name === order.shop);
      const next: Order = { ...order, shipments: [...order.shipments, shipment] };
      next.fulfilment = fulfilmentOf(next);
      await applyCommitmentIn(w, catalogue, next, shop, { at: ctx.clock.now(), cause: 'order-edit' });
      if (shop) await queueShippingPush(ctx, w, shop, next);
      await w.orders.put(next);
      count++;
    }
    return count;
  });
  if (settled === 0) return 0;
  await ctx.repos.write(forgetSettled);
  ctx.events.emit('changed', { area: 'orders' });
  ctx.events.emit('changed', { area: 'stock' });
  return settled;
}

/** What pushing an order's shipping would send now (shared by the push and the dry run). */
export function shippingDue(order: Order, shop: Pick<Shop, 'shippingPush'>): { state: 'waiting' } | { state: 'nothing' } | { state: 'push'; unsent: Shipment[]; mustComplete: boolean } {
  if (shop.shippingPush === 'complete' && order.fulfilment !== 'fulfilled') return { state: 'waiting' };
  const unsent = order.shipments.filter((s) => !s.pushedAt);
  const mustComplete = order.fulfilment === 'fulfilled' && !order.shippingPushedAt;
  if (unsent.length === 0 && !mustComplete) return { state: 'nothing' };
  return { state: 'push', unsent, mustComplete };
}

/**
 * Pushes one order's shipping to its shop, exactly once: before sending a shipment it looks for
 * it on the shop (our shipment id is written into every entry), so a retry after a crash between
 * the push and its record finds the entry instead of creating a second one and a second email.
 */
export async function pushOrderShipping(ctx: JobContext, shop: Shop, orderNumber: string): Promise<'pushed' | 'waiting' | 'nothing'> {
  // A copy (reads return copies): changed here, and put again after each step on the shop.
  const order = await ctx.repos.orders.findByNumber(orderNumber);
  if (!order) return 'nothing';
  const due = shippingDue(order, shop);
  if (due.state !== 'push') return due.state;
  const { unsent, mustComplete } = due;
  const connector = await ctx.shop(shop);
  if (unsent.length) {
    const onShop = connector.addShipmentChecksShop ? [] : await connector.listShipments(order.remoteId);
    for (const shipment of unsent) {
      // Ours by id; or, where a crash fell between a tracking entry and the note naming it, by tracking number.
      const found = onShop.find((r) => r.shipmentId === shipment.id) ?? onShop.find((r) => !r.shipmentId && r.tracking === shipment.tracking);
      const ref = found ?? (await connector.addShipment(order.remoteId, { shipmentId: shipment.id, date: shipment.date, carrier: shipment.carrier, tracking: shipment.tracking, lines: shipment.lines }));
      shipment.pushedAt = ctx.clock.now().toISOString();
      shipment.remoteRef = ref.remoteRef;
      await ctx.repos.write((w) => w.orders.put(order));
    }
  }
  if (mustComplete) {
    await connector.completeOrder(order.remoteId);
    order.shippingPushedAt = ctx.clock.now().toISOString();
    order.status = 'completed';
    await ctx.repos.write((w) => w.orders.put(order));
  }
  return 'pushed';
}

/** Shipping push job: works through the shop's queued shipping pushes. */
export async function pushShipping(ctx: JobContext, shop: Shop): Promise<JobSummary> {
  const s = summary('shipping', shop.name);
  const recovered = await settleRecordedShipments(ctx);
  if (recovered) bump(s, 'recovered', recovered);
  const connector = await ctx.shop(shop);
  const before = connector.stats.requests;
  const source = { kind: 'shop' as const, name: shop.name };
  try {
    const handle = async (item: WorkOf<typeof SHIPPING_KIND>): Promise<WorkOutcome> => {
      const orderNumber = item.payload.order;
      const operation = shippingOperation(shop.name, orderNumber);
      try {
        const outcome = await pushOrderShipping(ctx, shop, orderNumber);
        await ctx.repos.write((w) => clearErrorIn(w.issues, operation));
        bump(s, outcome);
        // `waiting` (partly shipped, whole-order mode) stays queued until the rest ships.
        return outcome === 'waiting' ? { status: 'wait', afterMs: 0, message: 'waiting for the rest of the order' } : { status: 'done' };
      } catch (error) {
        s.errors++;
        const issue = { source, operation, object: `shipping of order ${orderNumber}` };
        if (error instanceof PlatformError) {
          // Stays queued with back-off, written with the error entry in one unit; the entry tells the
          // merchant, and `errors retry` runs it now.
          await ctx.queue.failJob(item, error, { issue });
          return { status: 'retry' };
        }
        // Not the platform's answer (a fault of this process): the entry is written and the run ends;
        // the item stays queued as it was, due at once, as a kill at this point would leave it.
        await ctx.repos.write((w) => recordErrorIn(w.issues, ctx.clock.now(), { ...issue, message: describeFailure(error, source) }));
        throw error;
      }
    };
    const result = await ctx.queue.drain(shopLane(shop.name), SHIPPING_KIND, handle, { signal: ctx.signal });
    s.counts.waiting = result.waiting;
    if (ctx.signal?.aborted) s.stopped = STOPPING;
  } finally {
    s.requests = connector.stats.requests - before;
    if (s.counts.pushed) ctx.events.emit('changed', { area: 'orders' });
    if (s.errors) ctx.events.emit('changed', { area: 'issues' });
  }
  return s;
}
