import { clearErrorIn, recordErrorIn } from '../runtime/issues';
import { checkoutIsHistory, isBeyondHorizon, type Cart, type CartSettings, type CartTransition, type Shop } from '../model';
import { describeFailure, PlatformError } from '../platforms/errors';
import type { RemoteOrder } from '../platforms/types';
import type { CartReader, CartWriter, RepositoryWriters } from '../store/repositories';
import { bump, CHECKPOINT_PAGES, STOPPING, summary, type JobContext, type JobSummary } from './context';

export const cartsOperation = (shop: string) => ({ kind: 'carts.sweep', args: { shop } });
const CAPTURE_OVERLAP_MS = 5 * 60_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

export const cartId = (shop: string, remoteId: string) => `${shop}#${remoteId}`;

/** Blacklist entries are whole addresses (`a@b.com`) or domains (`@b.com` or `b.com`). */
export function isBlacklisted(email: string, blacklist: readonly string[]): boolean {
  const address = email.toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return blacklist.some((entry) => {
    const e = entry.toLowerCase();
    if (e.includes('@') && !e.startsWith('@')) return e === address;
    return e.replace(/^@/, '') === domain;
  });
}

/** Why a checkout is not tracked at all (SPEC §4 "Not tracked"), or null when it is. */
export function notTrackedBecause(remote: RemoteOrder, settings: CartSettings): string | null {
  if (!settings.tracking) return 'cart tracking is switched off';
  if (!remote.customer.email) return 'no email address';
  if (remote.customerRole && settings.excludedRoles.includes(remote.customerRole)) return `customer role ${remote.customerRole} is excluded`;
  if (remote.trackingOptOut) return 'the customer declined tracking';
  return null;
}

function fromCheckout(shop: Shop, remote: RemoteOrder, settings: CartSettings, stateChangedAt: string, history: boolean): Cart {
  return {
    id: cartId(shop.name, remote.remoteId),
    shop: shop.name,
    remoteId: remote.remoteId,
    email: remote.customer.email.toLowerCase(),
    name: `${remote.customer.firstName} ${remote.customer.lastName}`.trim(),
    items: remote.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, total: l.total })),
    total: remote.total,
    currency: remote.currency,
    cartUrl: remote.checkoutUrl ?? '',
    // When the customer started the checkout; orders they place from then on can recover it.
    capturedAt: remote.createdAt,
    updatedAt: remote.modifiedAt,
    state: 'capturing',
    stateChangedAt,
    crmBlocked: isBlacklisted(remote.customer.email, settings.blacklist),
    crmChecks: {},
    history,
  };
}

/**
 * Moves a cart to its next state at `at`, the moment the change was due. The change reaches the CRM
 * (is pushed to `out`) only when the cart is live and that moment is within the capture horizon of
 * `now`; otherwise it is applied quietly and the cart becomes history (SPEC §4): nothing fires for
 * a moment that passed while Backroom was not running.
 */
function move(cart: Cart, to: CartTransition['to'], at: string, now: Date, settings: CartSettings, out: CartTransition[], quiet?: CartTransition[]): void {
  if (isBeyondHorizon(at, now, settings)) cart.history = true;
  cart.state = to;
  cart.stateChangedAt = at;
  if (to === 'abandoned') cart.abandonedAt = at;
  (cart.history ? quiet : out)?.push({ cart: { ...cart }, to });
}

/**
 * What an order seen on the shop means for one cart (SPEC §4 "Recovered"): the checkout itself, or
 * any order of the same customer placed since the cart was captured, reaching a recovery status. A
 * capturing cart simply became an order (`drop`: it was never abandoned); an abandoned one is recovered.
 */
function orderSettles(cart: Cart, shop: Shop, remote: RemoteOrder, email: string): 'drop' | 'recover' | null {
  if (cart.shop !== shop.name) return null;
  const same = cart.remoteId === remote.remoteId || (email && cart.email === email && remote.createdAt >= cart.capturedAt);
  if (!same) return null;
  return cart.state === 'capturing' ? 'drop' : cart.state === 'abandoned' ? 'recover' : null;
}

/**
 * Applies what an order seen on the shop means for carts, in the caller's unit (the order pull's,
 * so the carts change with the order that changed them). Reads only the checkout's own cart and the
 * customer's carts, not every cart.
 */
export async function noteOrderForCartsIn(carts: CartReader & CartWriter, settings: CartSettings, now: Date, shop: Shop, remote: RemoteOrder, out: CartTransition[]): Promise<void> {
  if (!settings.recoveryStatuses.includes(remote.status)) return;
  const email = remote.customer.email.toLowerCase();
  const own = await carts.get(cartId(shop.name, remote.remoteId));
  const candidates = new Map((email ? await carts.ofCustomer(email) : []).map((c) => [c.id, c]));
  if (own) candidates.set(own.id, own);
  for (const cart of [...candidates.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const settles = orderSettles(cart, shop, remote, email);
    if (settles === 'drop') await carts.remove(cart.id);
    else if (settles === 'recover') {
      move(cart, 'recovered', remote.modifiedAt, now, settings, out);
      await carts.put(cart);
    }
  }
}

/**
 * The state changes due at `now` (SPEC §4): capturing → abandoned once the cut-off has passed
 * since the last activity; abandoned → lost once the recovery window has passed. The recorded
 * time of a change is the exact boundary, not the time the sweep happened to run. Returns the
 * changes the CRM hears of; those of history carts are applied without being returned.
 */
export function dueTransitions(carts: Cart[], settings: CartSettings, now: Date, quiet?: CartTransition[]): CartTransition[] {
  const out: CartTransition[] = [];
  const t = now.getTime();
  for (const cart of carts) {
    if (cart.state === 'capturing') {
      const boundary = new Date(cart.updatedAt).getTime() + settings.cutoffMinutes * MINUTE;
      if (t >= boundary) move(cart, 'abandoned', new Date(boundary).toISOString(), now, settings, out, quiet);
    }
    if (cart.state === 'abandoned') {
      const boundary = new Date(cart.stateChangedAt).getTime() + settings.recoveryWindowDays * DAY;
      if (t >= boundary) move(cart, 'lost', new Date(boundary).toISOString(), now, settings, out, quiet);
    }
  }
  return out;
}

/**
 * Carts a sweep has read but not yet written: new ones and capturing ones whose checkout changed.
 * They are written with the cursor over them, every CHECKPOINT_PAGES pages and at the end, as the
 * order pull writes its orders: a crash re-reads at most those pages, and a cart is keyed by its
 * checkout, so reading one again changes nothing.
 */
type PendingCarts = Map<string, { cart: Cart; isNew: boolean }>;

/**
 * Writes the carts a sweep has read, in the caller's unit. A cart the order pull settled meanwhile
 * is left as the pull left it: a new one already there was captured by someone else, and an update
 * of a cart that is gone (it became an order) or no longer capturing does not bring it back.
 */
async function writePending(w: RepositoryWriters, pending: PendingCarts): Promise<void> {
  for (const { cart, isNew } of pending.values()) {
    const now = await w.carts.get(cart.id);
    if (isNew ? !now : now?.state === 'capturing') await w.carts.put(cart);
  }
  pending.clear();
}

/**
 * The abandonment sweep for one shop: captures checkouts with an email and no paid order,
 * follows checkouts that became orders, and moves carts along their lifecycle. Returns the
 * transitions, which the CRM job turns into tags.
 */
export async function sweepCarts(ctx: JobContext, shop: Shop): Promise<JobSummary> {
  const s = summary('carts', shop.name);
  const { repos } = ctx;
  const settings = (await repos.settings.get()).settings.carts;
  const connector = await ctx.shop(shop);
  const before = connector.stats.requests;
  const cursor = await repos.cursors.of(shop.name);
  // Moved with the carts it covers, in their unit; it never goes back.
  let readTo = cursor.cartsModifiedAfter;
  let finished: Record<string, string> | undefined;
  const now = ctx.clock.now();
  const transitions: CartTransition[] = [];
  const quiet: CartTransition[] = [];
  const pending: PendingCarts = new Map();
  // A shop added before Backroom kept connection times gets one now, at its first sweep after the
  // upgrade: the safe choice, since every checkout not yet seen is then history and no customer is
  // tagged for something that happened before the upgrade (`rules replay` can still act on them).
  // Saved in the sweep's last unit.
  const stored = (await repos.settings.get()).shops.find((x) => x.name === shop.name);
  const connectedAt = stored?.connectedAt ?? shop.connectedAt ?? now.toISOString();
  let failure: { error: unknown } | undefined;
  try {
    if (settings.tracking) {
      const since = cursor.cartsModifiedAfter ? new Date(new Date(cursor.cartsModifiedAfter).getTime() - CAPTURE_OVERLAP_MS).toISOString() : undefined;
      let pages = 0;
      // Paged like the order pull: each page says how far the shop's checkouts are then read.
      for await (const page of connector.checkoutPages({ modifiedAfter: since })) {
        for (const entry of page.items) {
          if (!entry.ok) continue;
          const remote = entry.order;
          const id = cartId(shop.name, remote.remoteId);
          const existing = pending.get(id)?.cart ?? (await repos.carts.get(id));
          if (notTrackedBecause(remote, settings)) {
            bump(s, 'notTracked');
            continue;
          }
          if (!existing) {
            const history = checkoutIsHistory(remote, connectedAt, now, settings);
            pending.set(id, { cart: fromCheckout(shop, remote, settings, now.toISOString(), history), isNew: true });
            bump(s, history ? 'history' : 'captured');
          } else if (existing.state === 'capturing' && remote.modifiedAt > existing.updatedAt) {
            // Still shopping: the cut-off counts again from the latest activity (history stays history).
            const updated = fromCheckout(shop, remote, settings, existing.stateChangedAt, existing.history);
            pending.set(id, { cart: { ...existing, ...updated }, isNew: pending.get(id)?.isNew ?? false });
            bump(s, 'updated');
          }
        }
        // The cursor never goes back: a re-read after the overlap starts before the saved one.
        if (page.checkpoint && (!readTo || Date.parse(page.checkpoint) > Date.parse(readTo))) readTo = page.checkpoint;
        // A long first sweep keeps what it read, like the order pull: the carts, then the cursor over them.
        if (++pages % CHECKPOINT_PAGES === 0) {
          const move = { shop: shop.name, cartsModifiedAfter: readTo };
          await repos.write((w) => writePending(w, pending), [move]);
        }
        if (ctx.signal?.aborted) {
          // Stopping between pages: the carts read so far are saved with the cursor over them.
          s.stopped = STOPPING;
          break;
        }
      }
    }
  } catch (error) {
    failure = { error };
    s.errors++;
    s.stopped = error instanceof Error ? error.message : String(error);
    s.authFailed = error instanceof PlatformError && error.kind === 'auth';
  } finally {
    s.requests = connector.stats.requests - before;
  }
  // The sweep's last unit: the carts read, the state changes now due, the tag work they bring (the
  // hook queues it in this unit), the error list, and the cursor with its last run over all of it.
  if (!failure && !s.stopped) finished = { carts: now.toISOString() };
  await repos.write(async (w) => {
    await writePending(w, pending);
    if (!failure) {
      // Checkouts that became orders are followed by the order pull (noteOrderForCartsIn), which runs first.
      const carts = await w.carts.list({ shop: shop.name });
      transitions.push(...dueTransitions(carts, settings, now, quiet));
      const moved = new Set([...transitions, ...quiet].map((t) => t.cart.id));
      for (const cart of carts) if (moved.has(cart.id)) await w.carts.put(cart);
      for (const t of transitions) bump(s, t.to);
      if (quiet.length) bump(s, 'history', quiet.length);
      await clearErrorIn(w.issues, cartsOperation(shop.name));
    } else {
      await recordErrorIn(w.issues, now, { source: { kind: 'shop', name: shop.name }, operation: cartsOperation(shop.name), object: `carts of ${shop.name}`, message: describeFailure(failure.error) });
    }
    if (transitions.length) await ctx.hooks.cartsChanged?.(w, transitions);
    if (stored && !stored.connectedAt) {
      const { shops } = await w.settings.get();
      await w.settings.update({ shops: shops.map((x) => (x.name === shop.name && !x.connectedAt ? { ...x, connectedAt } : x)) });
    }
  }, [{ shop: shop.name, cartsModifiedAfter: readTo, lastRun: finished }]);
  if (failure && !(failure.error instanceof PlatformError)) throw failure.error;
  if (s.counts.captured || s.counts.history || transitions.length) ctx.events.emit('changed', { area: 'carts' });
  return s;
}
