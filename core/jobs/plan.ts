import {
  desiredQuantities, explainOffer, indexCommitments, isKnownShopSku, orderKey, PLAN_ORDERS_READ, PLAN_ORDERS_SHOWN, resolveSku,
  type Commitment, type CrmPlanLine, type Order, type Shop, type ShopPlan, type StockItem, type StockPlanLine, type SyncPlan,
} from '../model';
import type { QueuedWork, WorkKind, WorkOf } from '../model/work';
import type { RemoteStockItem } from '../platforms/types';
import type { SettingsSnapshot } from '../store/repositories';
import { commitmentFor } from './commitments';
import type { JobContext } from './context';
import { CRM_KIND, crmLane, ledgerKey } from './crm';
import { orderEvents, type TagEvent } from './crm-events';
import { listShopStock, stockToSend } from './inventory';
import { decideOrder, pullStart } from './orders';
import { describeFailure } from '../platforms/errors';
import { SHIPPING_KIND, shippingDue, shopLane } from './shipping';

/*
 * The dry run (`backroom sync --plan`): what one sync pass would do, worked out by the functions the
 * pass itself runs — the order decision of the pull, the commitment rule, the availability rule, the
 * push's choice of what differs, the shipping check and the CRM rules — on copies, so nothing is
 * written. It reads the shops (orders and stock, GET requests only) and writes nothing anywhere: no
 * file in the data folder, no request that changes a shop or a CRM.
 *
 * Backroom's side is read through the repositories once per plan (settings and catalogue, stock
 * items and commitments), so every shop's plan is worked out from the same reading.
 */

/** What the plan reads of Backroom's own data, once. */
interface Known {
  settings: SettingsSnapshot;
  items: Record<string, StockItem>;
  commitments: Record<string, Commitment>;
}

const ofKind = <K extends WorkKind>(kind: K) => (item: QueuedWork): item is WorkOf<K> => item.kind === kind;

interface OrdersRead {
  plan: Pick<ShopPlan, 'orders' | 'moreOrders' | 'stoppedReading' | 'skippedByStatus' | 'problem'>;
  /** What each planned order would become, with the order before (undefined for new ones). */
  changes: { previous: Order | undefined; next: Order }[];
}

/** Reads the shop's orders from its cursor as the pull would, and decides each without staging it. */
async function planOrders(ctx: JobContext, known: Known, shop: Shop): Promise<OrdersRead> {
  const { repos } = ctx;
  const now = ctx.clock.now();
  const plan: OrdersRead['plan'] = { orders: [], moreOrders: 0, skippedByStatus: {} };
  // An order re-read by keyset paging is decided once, by its newest reading.
  const decided = new Map<string, { previous: Order | undefined; next: Order; action: string }>();
  const skipped = new Map<string, string>();
  try {
    const connector = await ctx.shop(shop);
    const start = pullStart((await repos.cursors.of(shop.name)).ordersModifiedAfter);
    let read = 0;
    // The same pages the pull reads (keyset paging in the connector); an order shown twice is decided once.
    pages: for await (const { items } of connector.orderPages({ modifiedAfter: start.after, bulk: false })) {
      for (const entry of items) {
        if (!entry.ok) continue;
        const remote = entry.order;
        read++;
        const existing = await repos.orders.get(shop.name, remote.remoteId, remote.createdAt);
        const decision = decideOrder(shop, existing, remote, start, now);
        if (decision.kind === 'import') decided.set(remote.remoteId, { previous: undefined, next: decision.order, action: 'import' });
        else if (decision.kind === 'update') decided.set(remote.remoteId, { previous: decision.previous, next: decision.next, action: decision.counted });
        else if (decision.kind === 'skip' && decision.counted) skipped.set(remote.remoteId, remote.status);
      }
      if (read >= PLAN_ORDERS_READ) {
        plan.stoppedReading = `The plan read the first ${PLAN_ORDERS_READ.toLocaleString('en-US')} orders only; the sync itself reads them all.`;
        break pages;
      }
    }
  } catch (error) {
    plan.problem = `Could not read the orders of ${shop.name}: ${describeFailure(error, { kind: 'shop', name: shop.name })}`;
  }
  for (const status of skipped.values()) plan.skippedByStatus[status] = (plan.skippedByStatus[status] ?? 0) + 1;
  const { catalogue } = known.settings;
  const entries = [...decided.values()].sort((a, b) => a.next.createdAt.localeCompare(b.next.createdAt));
  for (const { next, action } of entries.slice(0, PLAN_ORDERS_SHOWN)) {
    plan.orders.push({
      number: next.number,
      remoteId: next.remoteId,
      status: next.status,
      action,
      email: next.customer.email,
      lines: next.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      holds: commitmentFor(next, shop, catalogue)?.lines ?? {},
      unknownSkus: action === 'import' ? next.lines.filter((l) => !l.sku || !isKnownShopSku(known.items, catalogue, shop.name, l.sku)).map((l) => l.sku || `(no SKU: ${l.name})`) : [],
    });
  }
  plan.moreOrders = Math.max(0, entries.length - PLAN_ORDERS_SHOWN);
  return { plan, changes: entries.map(({ previous, next }) => ({ previous, next })) };
}

/** The quantities the push would send once the planned orders hold their stock. */
async function planStock(ctx: JobContext, known: Known, shop: Shop, commitments: Record<string, Commitment>): Promise<Pick<ShopPlan, 'stock' | 'unchangedStock' | 'problem'>> {
  const { catalogue } = known.settings;
  const input = { items: known.items, commitments, catalogue };
  const index = indexCommitments(commitments);
  const desired = desiredQuantities(input, shop, index);
  const cursor = await ctx.repos.cursors.of(shop.name);
  const lastSent = cursor.lastSent;
  let remote: Map<string, RemoteStockItem> | undefined;
  let problem: string | undefined;
  try {
    remote = await listShopStock(ctx, shop);
  } catch (error) {
    problem = `Could not read the stock of ${shop.name}: ${describeFailure(error, { kind: 'shop', name: shop.name })}`;
  }
  // As a plain push chooses (a reconcile would also correct what drifted on the shop).
  const { changed, held } = stockToSend(desired, lastSent, cursor.skipped ?? {}, remote, false);
  const stock: StockPlanLine[] = [];
  const line = (sku: string, to: number, action: StockPlanLine['action']): StockPlanLine => {
    const item = remote?.get(sku);
    const catalogueSku = resolveSku(catalogue.aliases, shop.name, sku);
    return {
      sku,
      ...(catalogueSku !== sku ? { catalogueSku } : {}),
      from: item?.manageStock && item.quantity !== null ? item.quantity : (lastSent[sku] ?? null),
      to,
      action,
      why: explainOffer(input, shop, sku, to, index),
    };
  };
  for (const [sku, qty] of changed) {
    const item = remote?.get(sku);
    stock.push(line(sku, qty, !remote ? 'push' : !item ? 'missing' : !item.manageStock ? 'unmanaged' : 'push'));
  }
  for (const [sku] of held) stock.push(line(sku, desired.get(sku)!, 'held'));
  stock.sort((a, b) => a.sku.localeCompare(b.sku));
  return { stock, unchangedStock: desired.size - changed.length - held.length, problem };
}

/** Shipping pushes waiting in the shop's queue, as the shipping job would find them. */
async function planShipments(ctx: JobContext, shop: Shop): Promise<ShopPlan['shipments']> {
  const lane = shopLane(shop.name);
  const out: ShopPlan['shipments'] = [];
  for (const item of (await ctx.repos.queue.list(lane)).filter(ofKind(SHIPPING_KIND))) {
    const order = await ctx.repos.orders.findByNumber(item.payload.order);
    if (!order) continue;
    const due = shippingDue(order, shop);
    if (due.state === 'nothing') continue;
    if (due.state === 'waiting') {
      out.push({ order: order.number, shipments: [], complete: false, waiting: 'waiting for the rest of the order to ship (the shop hears once the whole order has shipped)' });
      continue;
    }
    out.push({
      order: order.number,
      shipments: due.unsent.map((s) => ({ id: s.id, carrier: s.carrier, tracking: s.tracking, lines: s.lines })),
      complete: due.mustComplete,
    });
  }
  return out;
}

/** CRM work already queued, and what the planned orders would queue (the rules decide it, the ledger drops what was done). */
async function planCrm(ctx: JobContext, known: Known, events: TagEvent[]): Promise<CrmPlanLine[]> {
  const out: CrmPlanLine[] = [];
  const done = (key: string) => ctx.repos.crmLedger.done(key);
  const notDone = async (tags: string[], key: (tag: string) => string) => {
    const left: string[] = [];
    for (const tag of tags) if (!(await done(key(tag)))) left.push(tag);
    return left;
  };
  for (const crm of known.settings.crms) {
    const lane = crmLane(crm.name);
    for (const { payload: work } of (await ctx.repos.queue.list(lane)).filter(ofKind(CRM_KIND))) {
      const tags = (op: 'add' | 'remove') => work.ops.filter((o) => o.op === op).map((o) => o.tag);
      out.push({ crm: crm.name, email: work.email, add: tags('add'), remove: tags('remove'), source: 'queued' });
    }
    for (const event of events) {
      if (event.crm && event.crm !== crm.name) continue;
      const add = await notDone(event.apply, (tag) => ledgerKey(event, crm.name, tag, 'add'));
      const remove = await notDone(event.remove, (tag) => ledgerKey(event, crm.name, tag, 'remove'));
      if (add.length || remove.length) out.push({ crm: crm.name, email: event.email, add, remove, source: 'orders' });
    }
  }
  return out;
}

/**
 * The plan of one sync pass over every shop (or only `only`). Orders first, for every shop, since
 * what one shop's orders hold changes what every other shop is offered; then each shop's stock,
 * shipping and, for a whole pass, the CRMs.
 */
export async function computePlan(ctx: JobContext, only?: string): Promise<SyncPlan> {
  const { repos } = ctx;
  const known: Known = {
    settings: await repos.settings.get(),
    items: Object.fromEntries((await repos.stock.items()).map((item) => [item.sku, item])),
    commitments: await repos.stock.commitments(),
  };
  const shops = known.settings.shops.filter((s) => !only || s.name === only);
  const ordersByShop = await Promise.all(shops.map((shop) => planOrders(ctx, known, shop)));
  const commitments: Record<string, Commitment> = { ...known.commitments };
  const events: TagEvent[] = [];
  shops.forEach((shop, i) => {
    for (const { previous, next } of ordersByShop[i]!.changes) {
      const held = commitmentFor(next, shop, known.settings.catalogue);
      if (held) commitments[orderKey(next)] = held;
      else delete commitments[orderKey(next)];
      events.push(...orderEvents(known.settings.rules, previous, next));
    }
  });
  const plans: ShopPlan[] = [];
  for (const [i, shop] of shops.entries()) {
    const orders = ordersByShop[i]!.plan;
    const stock = await planStock(ctx, known, shop, commitments);
    const { lastRun } = await repos.cursors.of(shop.name);
    plans.push({
      shop: shop.name,
      firstSync: !lastRun.orders && !lastRun.inventory,
      ...orders,
      ...stock,
      problem: [orders.problem, stock.problem].filter(Boolean).join(' ') || undefined,
      shipments: await planShipments(ctx, shop),
    });
  }
  // `--shop` limits a pass to one shop, and such a pass runs no CRM job; the orders' work is still shown.
  return { computedAt: ctx.clock.now().toISOString(), shops: plans, crm: await planCrm(ctx, known, events) };
}
