import type { Order } from '../../model';
import { parseShipmentCsv } from '../../model';
import { recordShipment, ShipmentInputError } from '../../jobs/shipping';
import type { ApiContext } from '../context';
import type { EngineState, OrderListItem } from '../contract-sync';
import { badInput, notFound } from '../errors';
import type { Handler } from '../server';

function listItem(o: Order): OrderListItem {
  return {
    number: o.number,
    shop: o.shop,
    status: o.status,
    fulfilment: o.fulfilment,
    email: o.customer.email,
    name: `${o.customer.firstName} ${o.customer.lastName}`.trim(),
    total: o.total,
    currency: o.currency,
    createdAt: o.createdAt,
    lines: o.lines.length,
  };
}

export function engineState(ctx: ApiContext): EngineState {
  return {
    state: ctx.engine.overallState(),
    paused: ctx.engine.paused,
    running: ctx.engine.runningJobs,
    nextRuns: ctx.scheduler?.nextRuns ?? [],
    queueDepth: ctx.engine.queue.depth(),
  };
}

function requireShop(ctx: ApiContext, name: string | undefined): void {
  if (name && !ctx.store.main.data.shops.some((s) => s.name === name)) throw notFound('shop', `There is no shop called "${name}".`);
}

async function ship(ctx: ApiContext, input: Parameters<typeof recordShipment>[1]) {
  try {
    return await recordShipment(ctx.engine.jobs, input);
  } catch (error) {
    if (error instanceof ShipmentInputError) throw badInput(error.field, error.message);
    throw error;
  }
}

export const syncHandlers: {
  'sync.run': Handler<'sync.run'>;
  'orders.list': Handler<'orders.list'>;
  'orders.show': Handler<'orders.show'>;
  ship: Handler<'ship'>;
  'shipments.import': Handler<'shipments.import'>;
  'errors.retry': Handler<'errors.retry'>;
  'engine.state': Handler<'engine.state'>;
  'engine.pause': Handler<'engine.pause'>;
  'engine.resume': Handler<'engine.resume'>;
} = {
  async 'sync.run'({ job, shop, reconcile }, ctx) {
    requireShop(ctx, shop);
    return { summaries: await ctx.engine.syncOnce({ job, shop, reconcile }) };
  },

  async 'orders.list'({ status, shop, limit, offset }, ctx) {
    const newestFirst = (a: Order, b: Order) => b.createdAt.localeCompare(a.createdAt) || b.number.localeCompare(a.number);
    const matching: Order[] = [];
    if (!status) {
      // The usual screen (newest first, maybe one shop): months are partitions by creation time, so
      // reading stops at the month that fills the page; the total comes from the kept counts.
      const counts = ctx.store.cursors.orderCounts();
      const total = shop ? (counts[shop] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
      for await (const month of ctx.store.orders.byMonth()) {
        matching.push(...month.filter((o) => !shop || o.shop === shop).sort(newestFirst));
        if (matching.length >= offset + limit) break;
      }
      return { total: Math.max(total, matching.length), orders: matching.slice(offset, offset + limit).map(listItem) };
    }
    for await (const order of ctx.store.orders.all()) {
      if (order.status !== status) continue;
      if (shop && order.shop !== shop) continue;
      matching.push(order);
    }
    matching.sort(newestFirst);
    return { total: matching.length, orders: matching.slice(offset, offset + limit).map(listItem) };
  },

  async 'orders.show'({ number }, ctx) {
    const order = await ctx.store.orders.findByNumber(number);
    if (!order) throw notFound('number', `There is no order ${number}. Order numbers look like WO:1043 (see: backroom orders list).`);
    return order;
  },

  async ship(params, ctx) {
    return ship(ctx, params);
  },

  async 'shipments.import'({ csv, dryRun, fileName }, ctx) {
    const { entries, errors } = parseShipmentCsv(csv);
    const problems = errors.map((e) => `${fileName} line ${e.line}: ${e.message}`);
    // Check every shipment against its order before recording any, so a bad line applies nothing.
    for (const entry of entries) {
      const order = await ctx.store.orders.findByNumber(entry.orderNumber);
      if (!order) problems.push(`${fileName} line ${entry.line}: there is no order ${entry.orderNumber}`);
    }
    if (problems.length) throw badInput(problems[0]!.split(':')[0]!, `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}. Nothing was imported.`, problems);
    const shipments = entries.map((e) => ({ orderNumber: e.orderNumber, tracking: e.tracking, lines: e.lines }));
    if (dryRun) return { applied: false, shipments };
    for (const entry of entries) await ship(ctx, { orderNumber: entry.orderNumber, carrier: entry.carrier, tracking: entry.tracking, date: entry.date, lines: entry.lines.length ? entry.lines : undefined });
    return { applied: true, shipments };
  },

  async 'errors.retry'({ id }, ctx) {
    if (!ctx.store.issues.data.errors.some((e) => e.id === id)) throw notFound('id', `There is no error with id "${id}".`);
    return ctx.engine.retryError(id);
  },

  async 'engine.state'(_params, ctx) {
    return engineState(ctx);
  },
  async 'engine.pause'(_params, ctx) {
    ctx.engine.paused = true;
    ctx.events.emit('state', ctx.engine.stateEvent());
    return engineState(ctx);
  },
  async 'engine.resume'(_params, ctx) {
    ctx.engine.paused = false;
    ctx.events.emit('state', ctx.engine.stateEvent());
    return engineState(ctx);
  },
};
