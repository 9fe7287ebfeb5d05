import { clearErrorIn, recordErrorIn } from '../runtime/issues';
import { UnitErrors } from '../runtime/issues-repos';
import { RELEASING_STATUSES, type CartTransition, type Order, type Shop } from '../model';
import { describeFailure, PlatformError } from '../platforms/errors';
import type { RemoteOrder, RemoteOrderResult } from '../platforms/types';
import { noteOrderForCartsIn } from './carts';
import { applyCommitmentIn, fulfilmentOf, orderCause, orderUnit, type OrderUnit } from './commitments';
import { bump, CHECKPOINT_PAGES, STOPPING, summary, type JobContext, type JobSummary } from './context';
import { bookRestocks } from './refund-restock';
import { noteUnlinkedOrderLines } from './unlinked';

/** Orders ingested between turns given to the event loop within one unit. */
const YIELD_EVERY = 200;

/**
 * WooCommerce statuses of checkouts not paid yet (SPEC §4: what the cart sweep captures there).
 * Never counted as skipped orders. On Shopify, carts are abandoned checkouts, not orders, so a
 * pending Shopify order is a real order and is counted.
 */
const WOO_UNPAID_CHECKOUT_STATUSES: ReadonlySet<string> = new Set(['checkout-draft', 'pending']);

/** Re-read this much before the saved cursor on every pull, so clock skew between shop and hub never drops an order. */
export const CURSOR_OVERLAP_MS = 5 * 60_000;
/** Shop times are whole seconds: orders in the second after the saved cursor were already counted as skipped. */
const SAME_SECOND_MS = 1000;
// Every 2 s was the most frequent trigger on a busy machine and cost a fifth of a 20,000-order
// pull's CPU in rewritten month files; 5 s keeps what a crash re-reads small.
export const CHECKPOINT_MS = 5_000;

export const pullOperation = (shop: string) => ({ kind: 'orders.pull', args: { shop } });
export const importOperation = (shop: string, remoteId: string) => ({ kind: 'orders.import', args: { shop, remoteId } });

function sourceOf(shop: Shop) {
  return { kind: 'shop' as const, name: shop.name };
}

/** The parts of an order Backroom follows; equal fingerprints mean nothing to apply. */
function fingerprint(o: Pick<RemoteOrder, 'status' | 'total' | 'lines' | 'meta' | 'customer'>): string {
  return JSON.stringify([o.status, o.total, o.lines, o.meta, o.customer]);
}

interface PullState {
  /** Newest modified time seen by the previous pull: re-reads at or below it are not counted again as skipped. */
  previousNewest?: string;
  skippedByStatus: Map<string, number>;
}

/** Merges a remote order into an existing one (SPEC §1: Backroom follows imported orders). */
function followed(existing: Order, remote: RemoteOrder): Order {
  const next: Order = { ...existing, status: remote.status, modifiedAt: remote.modifiedAt, total: remote.total, customer: remote.customer, meta: remote.meta };
  if (existing.fulfilment === 'unfulfilled') {
    // Line changes are applied while nothing has shipped; refunds are followed always.
    next.lines = remote.lines;
  } else {
    const refunded = new Map(remote.lines.map((l) => [l.lineId, l.refundedQuantity]));
    next.lines = existing.lines.map((l) => ({ ...l, refundedQuantity: refunded.get(l.lineId) ?? l.refundedQuantity }));
  }
  next.fulfilment = fulfilmentOf(next);
  return next;
}

function newOrder(shop: Shop, remote: RemoteOrder, now: string): Order {
  const order: Order = {
    shop: shop.name,
    remoteId: remote.remoteId,
    number: `${shop.prefix}:${remote.number}`,
    remoteNumber: remote.number,
    status: remote.status,
    currency: remote.currency,
    total: remote.total,
    customer: remote.customer,
    lines: remote.lines,
    meta: remote.meta,
    createdAt: remote.createdAt,
    modifiedAt: remote.modifiedAt,
    importedAt: now,
    fulfilment: 'unfulfilled',
    shipments: [],
  };
  order.fulfilment = fulfilmentOf(order);
  return order;
}

/** What importing one remote order would do, decided without changing anything (the pull and the dry run share it). */
export type OrderDecision =
  | { kind: 'unchanged' }
  /** An imported order changed on the shop; `counted` is what the summary counts it as (updated, cancelled, …). */
  | { kind: 'update'; previous: Order; next: Order; counted: string }
  /** Not in the shop's statuses; `counted` is false for re-reads already counted and for unpaid checkouts. */
  | { kind: 'skip'; counted: boolean }
  | { kind: 'import'; order: Order };

export function decideOrder(shop: Shop, existing: Order | undefined, remote: RemoteOrder, state: Pick<PullState, 'previousNewest'>, now: Date): OrderDecision {
  if (existing) {
    // Shops report modified times to the second, so an edit in the same second as the last read
    // keeps its time: compare what Backroom keeps, not just the time.
    if (existing.modifiedAt === remote.modifiedAt && fingerprint(existing) === fingerprint(remote)) return { kind: 'unchanged' };
    const next = followed(existing, remote);
    const releasing = existing.status !== next.status && (RELEASING_STATUSES as readonly string[]).includes(next.status);
    return { kind: 'update', previous: existing, next, counted: releasing ? next.status : 'updated' };
  }
  if (!shop.statuses.includes(remote.status)) {
    // Orders at or before the newest time of the last pull were counted then (the overlap re-reads them).
    // Unpaid checkouts are carts (the cart sweep follows them; they arrive here once paid): not "skipped".
    const unpaidCheckout = shop.platform === 'woocommerce' && WOO_UNPAID_CHECKOUT_STATUSES.has(remote.status);
    return { kind: 'skip', counted: !unpaidCheckout && (!state.previousNewest || remote.modifiedAt > state.previousNewest) };
  }
  return { kind: 'import', order: newOrder(shop, remote, now.toISOString()) };
}

/**
 * Imports or follows one remote order, in the caller's unit. Returns what happened. The pull runs
 * it for every order of the pages a unit covers, so a page costs no write of its own; new orders
 * are counted in their shop's order count by the orders repository's `put`, in the same unit.
 */
async function ingestInto(ctx: JobContext, unit: OrderUnit, shop: Shop, remote: RemoteOrder, state: PullState, s: JobSummary): Promise<Order | null> {
  const { w } = unit;
  const now = ctx.clock.now();
  const existing = await w.orders.get(shop.name, remote.remoteId, remote.createdAt);
  const decision = decideOrder(shop, existing, remote, state, now);
  if (decision.kind === 'unchanged') {
    bump(s, 'unchanged');
    // A refund seen before is booked already (by its id); one a kill kept from its booking is booked now.
    if (existing) await bookRestocks(unit, shop, existing, remote.restocks, now);
    return null;
  }
  if (decision.kind === 'update') {
    const { next } = decision;
    bump(s, decision.counted);
    await applyCommitmentIn(w, (await unit.settings()).catalogue, next, shop, { at: now, cause: orderCause(existing, next), ref: next.number });
    if (await bookRestocks(unit, shop, next, remote.restocks, now)) bump(s, 'restocked');
    await ctx.hooks.orderChanged?.(w, shop, existing, next);
    // Put last, once what it implies is in the unit: the order book is written after what it implies
    // (stock, CRM work), so the order is never on disk without its stock and CRM work.
    await w.orders.put(next);
    return next;
  }
  if (decision.kind === 'skip') {
    if (decision.counted) {
      state.skippedByStatus.set(remote.status, (state.skippedByStatus.get(remote.status) ?? 0) + 1);
      bump(s, 'skipped');
    }
    return null;
  }
  const { order } = decision;
  const { catalogue } = await unit.settings();
  await applyCommitmentIn(w, catalogue, order, shop, { at: now, cause: 'order', ref: order.number });
  // Nothing of a new order was shipped by Backroom: its refunds are only noted, so they never count later.
  await bookRestocks(unit, shop, order, remote.restocks, now);
  bump(s, 'pulled');
  await ctx.hooks.orderChanged?.(w, shop, undefined, order);
  // Lines the catalogue does not know go to the unlinked list (backroom sku unlinked) as well as the alert.
  // Noted on the unit's catalogue, which the unit writes once at its end (OrderUnit.finish).
  const { unknown, listed } = await noteUnlinkedOrderLines(w.stock, catalogue, order, now);
  if (listed) unit.catalogueChanged();
  for (const line of unknown) {
    const what = line.sku ? `SKU ${line.sku}` : `a line without a SKU ("${line.name}")`;
    await (await unit.alerts()).raise(now, {
      key: `unknown-sku:${shop.name}:${line.sku || line.name}`,
      source: sourceOf(shop),
      kind: 'unknown-sku',
      message: `Order ${order.number} has ${what}, which is not in the catalogue; the order was imported, but no stock is held for it.${line.sku ? ` Link it to a catalogue SKU (backroom sku link ${line.sku} SKU --shop "${shop.name}") or ignore it (backroom sku ignore ${line.sku} --shop "${shop.name}").` : ''}`,
    });
    bump(s, 'unknownSku');
  }
  // Last, as above: after its stock, CRM work and alerts. Counted in the shop's order count by `put`.
  await w.orders.put(order);
  return order;
}

/** Imports or follows one remote order in a unit of its own (re-importing one order, tests). */
export function ingestOrder(ctx: JobContext, shop: Shop, remote: RemoteOrder, state: PullState, s: JobSummary): Promise<Order | null> {
  return ctx.repos.write(async (w) => {
    const unit = orderUnit(w);
    const ingested = await ingestInto(ctx, unit, shop, remote, state, s);
    await unit.finish();
    return ingested;
  });
}

/** Where a pull starts: the saved cursor less the overlap; re-reads up to `previousNewest` were counted before. */
export function pullStart(saved: string | undefined): { after?: string; previousNewest?: string } {
  if (!saved) return {};
  const at = new Date(saved).getTime();
  return { after: new Date(at - CURSOR_OVERLAP_MS).toISOString(), previousNewest: new Date(at + SAME_SECOND_MS).toISOString() };
}

/**
 * Order pull (SPEC §1): incremental on the shop's modified time (UTC), with an overlap, reading
 * pages to exhaustion. The pages read are ingested every CHECKPOINT_PAGES pages or CHECKPOINT_MS, in
 * one unit that also moves the cursor over them, so the cursor is never ahead of the orders it
 * covers and a crash resumes at or before where it stopped; orders are de-duplicated by (shop,
 * remote id), so re-reading loses and duplicates nothing.
 */
export async function pullOrders(ctx: JobContext, shop: Shop): Promise<JobSummary> {
  const s = summary('orders', shop.name);
  const { repos } = ctx;
  const connector = await ctx.shop(shop);
  const requestsBefore = connector.stats.requests;
  const saved = (await repos.cursors.of(shop.name)).ordersModifiedAfter;
  // Where the pages read so far reach, and where the units written so far moved the cursor.
  let readTo = saved;
  let writtenTo = saved;
  // The entries of the pages read since the last unit: the next unit ingests them and moves the cursor over them.
  let unwritten: RemoteOrderResult[] = [];
  const start = pullStart(saved);
  const state: PullState = { previousNewest: start.previousNewest, skippedByStatus: new Map() };
  const cartTransitions: CartTransition[] = [];
  // Read once per pull, as the cart sweep reads them once per run.
  const cartSettings = (await repos.settings.get()).settings.carts;

  /** One unit: the pages read since the last, the cursor moved over them (and `lastRun`), and `ending`'s writes. */
  const writeUnit = async (lastRun?: Record<string, string>, ending?: (unit: OrderUnit) => Promise<void>) => {
    const entries = unwritten;
    const to = readTo;
    unwritten = [];
    try {
      await repos.write(async (w) => {
        const unit = orderUnit(w);
        const errors = await UnitErrors.read(w.issues);
        for (const [i, entry] of entries.entries()) {
          // A unit of 50 pages is thousands of orders whose awaits resolve at once on the folder: give
          // the event loop a turn now and then so the API (attaching front ends) is answered meanwhile.
          if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
          if (!entry.ok) {
            await errors.record(ctx.clock.now(), { source: sourceOf(shop), operation: importOperation(shop.name, entry.remoteId), object: `order #${entry.remoteId} on ${shop.name}`, message: entry.message });
            s.errors++;
            continue;
          }
          const order = entry.order;
          await noteOrderForCartsIn(w.carts, cartSettings, ctx.clock.now(), shop, order, cartTransitions);
          // The carts it recovers and their CRM work together, in this unit with the order.
          if (cartTransitions.length) await ctx.hooks.cartsChanged?.(w, cartTransitions.splice(0));
          await ingestInto(ctx, unit, shop, order, state, s);
          await errors.clear(importOperation(shop.name, order.remoteId));
        }
        await ending?.(unit);
        await unit.finish();
      }, [{ shop: shop.name, ordersModifiedAfter: to, lastRun }]);
      writtenTo = to;
    } catch (error) {
      // The cursor stays where the last unit left it: the pages of this one are read again next time.
      readTo = writtenTo;
      throw error;
    }
  };

  let page = 1;
  let pagesSinceUnit = 0;
  let unitAt = performance.now();
  try {
    ctx.events.emit('job', { job: 'orders', target: shop.name, state: 'running', message: `reading page ${page}`, done: 0 });
    // The connector pages (keyset on the modified time); each page says how far the shop is then read.
    for await (const { items, checkpoint } of connector.orderPages({ modifiedAfter: start.after })) {
      unwritten.push(...items);
      // Every order up to the checkpoint is now read; the cursor moves there with the unit that ingests them.
      if (checkpoint && (!readTo || Date.parse(checkpoint) > Date.parse(readTo))) readTo = checkpoint;
      if (++pagesSinceUnit >= CHECKPOINT_PAGES || performance.now() - unitAt >= CHECKPOINT_MS) {
        await writeUnit();
        pagesSinceUnit = 0;
        unitAt = performance.now();
      }
      if (ctx.signal?.aborted) {
        // Stopping (SIGTERM, quit): what was read is written below; the next start reads on from there.
        s.stopped = STOPPING;
        break;
      }
      ctx.events.emit('job', { job: 'orders', target: shop.name, state: 'running', message: `reading page ${++page}`, done: s.counts.pulled ?? 0 });
    }
    // A pull cut short by a stop has not finished: its last run stays the previous whole one.
    const finishedAt = s.stopped ? undefined : ctx.clock.now().toISOString();
    await writeUnit(finishedAt ? { orders: finishedAt } : undefined, async (unit) => {
      for (const [status, count] of state.skippedByStatus) {
        // "12 orders skipped in status on-hold": the top answer to "my order never arrived".
        const key = `skipped-status:${shop.name}:${status}`;
        const alerts = await unit.alerts();
        const total = (alerts.get(key)?.count ?? 0) + count;
        await alerts.raise(ctx.clock.now(), {
          key,
          source: sourceOf(shop),
          kind: 'skipped-status',
          count,
          message: `${total} order${total === 1 ? '' : 's'} skipped in status ${status} on ${shop.name}: Backroom imports ${shop.statuses.join(', ')}. Add "${status}" to the shop's statuses (backroom shop set "${shop.name}" --statuses …) if these should be imported.`,
        });
      }
      await clearErrorIn(unit.w.issues, pullOperation(shop.name));
    });
  } catch (error) {
    s.errors++;
    s.stopped = error instanceof Error ? error.message : String(error);
    s.authFailed = error instanceof PlatformError && error.kind === 'auth';
    const at = ctx.clock.now();
    // What was read before the failure is written with the error (a unit that failed left its pages unwritten).
    await writeUnit(undefined, async ({ w }) => {
      await recordErrorIn(w.issues, at, { source: sourceOf(shop), operation: pullOperation(shop.name), object: `orders of ${shop.name}`, message: describeFailure(error, sourceOf(shop)) });
    });
    if (!(error instanceof PlatformError)) throw error;
  } finally {
    s.requests = connector.stats.requests - requestsBefore;
    if (s.counts.pulled || s.counts.updated || s.counts.cancelled || s.counts.refunded) ctx.events.emit('changed', { area: 'orders' });
    if (s.errors) ctx.events.emit('changed', { area: 'issues' });
  }
  return s;
}
