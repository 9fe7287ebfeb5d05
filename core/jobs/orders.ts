import { clearError, raiseAlert, recordError } from '../runtime/issues';
import { RELEASING_STATUSES, type CartTransition, type Order, type Shop } from '../model';
import { describeFailure, PlatformError } from '../platforms/errors';
import type { RemoteOrder } from '../platforms/types';
import { noteOrderForCarts } from './carts';
import { applyCommitment, fulfilmentOf, orderCause } from './commitments';
import { bump, CHECKPOINT_PAGES, STOPPING, summary, type JobContext, type JobSummary } from './context';
import { bookRestocks } from './refund-restock';
import { noteUnlinkedOrder } from './unlinked';

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
 * Imports or follows one remote order. Returns what happened. Changes the store in memory; the
 * caller makes it durable with a checkpoint (after some pages, so a page costs no write of its own),
 * passing the new imports (`s.counts.pulled`) as `ordersImported`.
 */
export async function ingestOrder(ctx: JobContext, shop: Shop, remote: RemoteOrder, state: PullState, s: JobSummary): Promise<Order | null> {
  const { store } = ctx;
  const now = ctx.clock.now();
  const existing = await store.orders.get(shop.name, remote.remoteId, remote.createdAt);
  const decision = decideOrder(shop, existing, remote, state, now);
  if (decision.kind === 'unchanged') {
    bump(s, 'unchanged');
    // A refund seen before is booked already (by its id); one a kill kept from its booking is booked now.
    if (existing) bookRestocks(store, shop, existing, remote.restocks, now);
    return null;
  }
  if (decision.kind === 'update') {
    const { next } = decision;
    bump(s, decision.counted);
    applyCommitment(store, next, shop, { at: now, cause: orderCause(existing, next), ref: next.number });
    if (bookRestocks(store, shop, next, remote.restocks, now)) bump(s, 'restocked');
    ctx.hooks.orderChanged?.(shop, existing, next);
    // Staged last, once what it implies is in memory: a checkpoint writes the orders staged when it
    // begins, so it must never find this one staged without its stock and CRM work.
    await store.orders.stage(next);
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
  applyCommitment(store, order, shop, { at: now, cause: 'order', ref: order.number });
  // Nothing of a new order was shipped by Backroom: its refunds are only noted, so they never count later.
  bookRestocks(store, shop, order, remote.restocks, now);
  // Counted in the shop's order count by the caller's checkpoint, together with the cursor.
  bump(s, 'pulled');
  ctx.hooks.orderChanged?.(shop, undefined, order);
  // Lines the catalogue does not know go to the unlinked list (backroom sku unlinked) as well as the alert.
  for (const line of noteUnlinkedOrder(store, order, now)) {
    const what = line.sku ? `SKU ${line.sku}` : `a line without a SKU ("${line.name}")`;
    raiseAlert(store, now, {
      key: `unknown-sku:${shop.name}:${line.sku || line.name}`,
      source: sourceOf(shop),
      kind: 'unknown-sku',
      message: `Order ${order.number} has ${what}, which is not in the catalogue; the order was imported, but no stock is held for it.${line.sku ? ` Link it to a catalogue SKU (backroom sku link ${line.sku} SKU --shop "${shop.name}") or ignore it (backroom sku ignore ${line.sku} --shop "${shop.name}").` : ''}`,
    });
    bump(s, 'unknownSku');
  }
  // Last, as above: after its stock, CRM work and alerts.
  await store.orders.stage(order);
  return order;
}

/** Where a pull starts: the saved cursor less the overlap; re-reads up to `previousNewest` were counted before. */
export function pullStart(saved: string | undefined): { after?: string; previousNewest?: string } {
  if (!saved) return {};
  const at = new Date(saved).getTime();
  return { after: new Date(at - CURSOR_OVERLAP_MS).toISOString(), previousNewest: new Date(at + SAME_SECOND_MS).toISOString() };
}

/**
 * Order pull (SPEC §1): incremental on the shop's modified time (UTC), with an overlap, reading
 * pages to exhaustion. The cursor moves only by a checkpoint, after the orders it covers are on
 * disk, so a crash resumes at or before where it stopped; orders are de-duplicated by (shop, remote
 * id), so re-reading loses and duplicates nothing.
 */
export async function pullOrders(ctx: JobContext, shop: Shop): Promise<JobSummary> {
  const s = summary('orders', shop.name);
  const { store } = ctx;
  const connector = await ctx.shop(shop);
  const requestsBefore = connector.stats.requests;
  const saved = store.cursors.of(shop.name).ordersModifiedAfter;
  // Where this pull has read to; it reaches the stored cursor only through a checkpoint.
  let readTo = saved;
  let pulledAtCheckpoint = 0;
  const saveCheckpoint = async (lastRun?: Record<string, string>) => {
    const pulled = s.counts.pulled ?? 0;
    await store.checkpoint({ shop: shop.name, ordersModifiedAfter: readTo, ordersImported: pulled - pulledAtCheckpoint, lastRun });
    pulledAtCheckpoint = pulled;
  };
  const start = pullStart(saved);
  const state: PullState = { previousNewest: start.previousNewest, skippedByStatus: new Map() };
  const after = start.after;
  const cartTransitions: CartTransition[] = [];
  let page = 1;
  let pagesSinceCheckpoint = 0;
  let checkpointAt = performance.now();
  let finishedAt: string | undefined;
  try {
    ctx.events.emit('job', { job: 'orders', target: shop.name, state: 'running', message: `reading page ${page}`, done: 0 });
    // The connector pages (keyset on the modified time); each page says how far the shop is then read.
    for await (const { items, checkpoint } of connector.orderPages({ modifiedAfter: after })) {
      for (const entry of items) {
        if (!entry.ok) {
          recordError(store, ctx.clock.now(), { source: sourceOf(shop), operation: importOperation(shop.name, entry.remoteId), object: `order #${entry.remoteId} on ${shop.name}`, message: entry.message });
          s.errors++;
          continue;
        }
        const order = entry.order;
        noteOrderForCarts(ctx, shop, order, cartTransitions);
        // The carts it recovers and their CRM work together, before the next await: a save of
        // carts.json in between would hold a recovered cart whose event is in no queue.json.
        if (cartTransitions.length) ctx.hooks.cartsChanged?.(cartTransitions.splice(0));
        await ingestOrder(ctx, shop, order, state, s);
        // Most pulls have no open error at all: then there is none of this order's to clear.
        if (store.issues.data.errors.length) clearError(store, importOperation(shop.name, order.remoteId));
      }
      // Every order up to the checkpoint has now been ingested; it reaches the disk with the next checkpoint.
      if (checkpoint && (!readTo || Date.parse(checkpoint) > Date.parse(readTo))) readTo = checkpoint;
      if (++pagesSinceCheckpoint >= CHECKPOINT_PAGES || performance.now() - checkpointAt >= CHECKPOINT_MS) {
        await saveCheckpoint();
        pagesSinceCheckpoint = 0;
        checkpointAt = performance.now();
      }
      if (ctx.signal?.aborted) {
        // Stopping (SIGTERM, quit): what was read is checkpointed below; the next start reads on from there.
        s.stopped = STOPPING;
        break;
      }
      ctx.events.emit('job', { job: 'orders', target: shop.name, state: 'running', message: `reading page ${++page}`, done: s.counts.pulled ?? 0 });
    }
    for (const [status, count] of state.skippedByStatus) {
      // "12 orders skipped in status on-hold": the top answer to "my order never arrived".
      const key = `skipped-status:${shop.name}:${status}`;
      const total = (store.issues.data.alerts.find((a) => a.key === key)?.count ?? 0) + count;
      raiseAlert(store, ctx.clock.now(), {
        key,
        source: sourceOf(shop),
        kind: 'skipped-status',
        count,
        message: `${total} order${total === 1 ? '' : 's'} skipped in status ${status} on ${shop.name}: Backroom imports ${shop.statuses.join(', ')}. Add "${status}" to the shop's statuses (backroom shop set "${shop.name}" --statuses …) if these should be imported.`,
      });
    }
    clearError(store, pullOperation(shop.name));
    // A pull cut short by a stop has not finished: its last run stays the previous whole one.
    if (!s.stopped) finishedAt = ctx.clock.now().toISOString();
  } catch (error) {
    s.errors++;
    s.stopped = error instanceof Error ? error.message : String(error);
    s.authFailed = error instanceof PlatformError && error.kind === 'auth';
    recordError(store, ctx.clock.now(), { source: sourceOf(shop), operation: pullOperation(shop.name), object: `orders of ${shop.name}`, message: describeFailure(error, sourceOf(shop)) });
    if (!(error instanceof PlatformError)) throw error;
  } finally {
    s.requests = connector.stats.requests - requestsBefore;
    await saveCheckpoint(finishedAt ? { orders: finishedAt } : undefined);
    if (s.counts.pulled || s.counts.updated || s.counts.cancelled || s.counts.refunded) ctx.events.emit('changed', { area: 'orders' });
    if (s.errors) ctx.events.emit('changed', { area: 'issues' });
  }
  return s;
}
