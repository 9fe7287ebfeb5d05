import { clearErrorIn, raiseAlertIn, recordErrorIn, type AlertInput, type ErrorInput } from '../runtime/issues';
import { desiredFromFree, type Shop, type SkippedStock } from '../model';
import { describeFailure, PlatformError } from '../platforms/errors';
import { chunk } from '../platforms/paging';
import type { IssueReader, IssueWriter, RepositoryReaders } from '../store/repositories';
import { noteUnlinkedProductsIn } from './unlinked';
import type { RemoteStockItem, StockUpdate } from '../platforms/types';
import { bump, STOPPING, summary, type JobContext, type JobSummary } from './context';

export const pushOperation = (shop: string) => ({ kind: 'inventory.push', args: { shop } });

/**
 * What each catalogue SKU (and kit, and this shop's alias) should show on this shop now: one read
 * of every SKU's free units at the shop's source, never a copy of the stock list.
 */
export async function desiredStock(repos: Pick<RepositoryReaders, 'stock' | 'settings'>, shop: Shop): Promise<Map<string, number>> {
  // One after the other: a unit's readers share one connection on PostgreSQL.
  const free = await repos.stock.freeAt(shop.location);
  return desiredFromFree(free, (await repos.settings.get()).catalogue, shop);
}

/** The shop's stock items by SKU, as the shop lists them now (read only). */
export async function listShopStock(ctx: JobContext, shop: Shop): Promise<Map<string, RemoteStockItem>> {
  const connector = await ctx.shop(shop);
  const bySku = new Map<string, RemoteStockItem>();
  for await (const page of connector.stockPages()) for (const item of page.items) if (item.sku) bySku.set(item.sku, item);
  return bySku;
}

/** Reads the shop's stock items and keeps them for the next push; `read` collects what was read, for the unlinked list. */
async function readStockItems(ctx: JobContext, shop: Shop, read: RemoteStockItem[][]): Promise<Map<string, RemoteStockItem>> {
  const bySku = await listShopStock(ctx, shop);
  ctx.stockItems.set(shop.name, bySku);
  read.push([...bySku.values()]);
  return bySku;
}

/**
 * Which SKUs a push sends (SPEC §2: only what differs from what the shop was last sent). Shared by
 * the push and the dry run, so the plan shows exactly what a sync would send.
 */
export function stockToSend(desired: ReadonlyMap<string, number>, lastSent: Readonly<Record<string, number>>, skipped: Readonly<Record<string, SkippedStock>>, remote: ReadonlyMap<string, RemoteStockItem> | undefined, reconcile: boolean): { changed: [string, number][]; held: [string, SkippedStock][] } {
  const changed: [string, number][] = [];
  const held: [string, SkippedStock][] = [];
  for (const [sku, qty] of desired) {
    const skip = Object.hasOwn(skipped, sku) ? skipped[sku] : undefined;
    // A reconcile has just read the shop: a SKU it cannot take is looked at again (still missing,
    // or now there), even where an older Backroom recorded it as sent.
    const cannotTake = reconcile && remote && !remote.get(sku)?.manageStock;
    if (lastSent[sku] === qty && !cannotTake) continue;
    if (skip && !reconcile) {
      held.push([sku, skip]);
      continue;
    }
    changed.push([sku, qty]);
  }
  return { changed, held };
}

/**
 * Inventory push (SPEC §2): sends each SKU's available quantity to the shop, but only where it
 * differs from what the shop was last sent, in batches. With `reconcile`, reads the shop's stock
 * first and corrects drift. Nothing changed and no reconcile: no request at all.
 */
export async function pushInventory(ctx: JobContext, shop: Shop, options: { reconcile?: boolean } = {}): Promise<JobSummary> {
  const s = summary('inventory', shop.name);
  const { repos } = ctx;
  const connector = await ctx.shop(shop);
  const requestsBefore = connector.stats.requests;
  // What the shop is known to show, per SKU: the stored markers plus what this run learns. Only the
  // shop's own answers (a reconcile read, an accepted update) change it; the unit at the end stores it.
  const cursor = await repos.cursors.of(shop.name);
  const lastSent = { ...cursor.lastSent };
  const learnt: Record<string, number> = {};
  // SKUs the shop cannot take, apart from lastSent so no quantity is claimed that the shop never accepted.
  const skipped = { ...cursor.skipped };
  // What the run has to record, kept until its one unit at the end: no unit is held open across
  // the shop's requests, and the markers move in that unit, with the alerts and errors they explain.
  const source = { kind: 'shop' as const, name: shop.name };
  const now = ctx.clock.now();
  const issuesToNote: ((issues: IssueReader & IssueWriter) => Promise<unknown>)[] = [];
  const raise = (alert: AlertInput) => issuesToNote.push((issues) => raiseAlertIn(issues, now, alert));
  const fail = (error: ErrorInput) => issuesToNote.push((issues) => recordErrorIn(issues, now, error));
  const productsRead: RemoteStockItem[][] = [];
  const skipMoves: Record<string, SkippedStock | null> = {};
  const know = (sku: string, quantity: number) => {
    lastSent[sku] = quantity;
    learnt[sku] = quantity;
    if (skipped[sku]) {
      delete skipped[sku];
      skipMoves[sku] = null;
    }
  };
  /**
   * Records a SKU the shop cannot take. Returns whether it is newly so (worth an alert and a count);
   * a reconcile finding it as it was changes nothing, so a quiet shop stays quiet.
   */
  const skip = (sku: string, wanted: number, reason: SkippedStock['reason']): boolean => {
    const before = skipped[sku];
    if (before?.reason === reason && before.wanted === wanted) return false;
    skipped[sku] = skipMoves[sku] = { wanted, reason };
    return before?.reason !== reason;
  };
  let finished: Record<string, string> | undefined;
  try {
    const desired = await desiredStock(repos, shop);
    let remote = ctx.stockItems.get(shop.name);
    if (options.reconcile) {
      remote = await readStockItems(ctx, shop, productsRead);
      for (const [sku, item] of remote) {
        // What the shop really shows is what it was last sent: drift becomes a difference to push.
        if (desired.has(sku) && item.manageStock && item.quantity !== null) know(sku, item.quantity);
      }
      bump(s, 'read', remote.size);
    }
    for (const sku of Object.keys(skipped)) if (!desired.has(sku)) skipMoves[sku] = null; // gone from the catalogue
    const { changed, held } = stockToSend(desired, lastSent, skipped, remote, Boolean(options.reconcile));
    // Not retried by plain pushes: only what is wanted is noted, without a request.
    for (const [sku, was] of held) if (was.wanted !== desired.get(sku)) skip(sku, desired.get(sku)!, was.reason);
    if (changed.length > 0) {
      remote ??= await readStockItems(ctx, shop, productsRead);
      const updates: StockUpdate[] = [];
      for (const [sku, quantity] of changed) {
        const item = remote.get(sku);
        if (!item) {
          // Not retried on every push; the next reconcile looks again.
          if (skip(sku, quantity, 'missing')) {
            raise({ key: `sku-missing:${shop.name}:${sku}`, source, kind: 'sku-missing', message: `SKU ${sku} is in the catalogue but not on ${shop.name}; its stock is not pushed there.` });
            bump(s, 'missing');
          }
        } else if (!item.manageStock) {
          if (skip(sku, quantity, 'unmanaged')) {
            raise({ key: `stock-unmanaged:${shop.name}:${sku}`, source, kind: 'stock-unmanaged', message: `${shop.name} does not manage stock for SKU ${sku} (stock management is off for that product), so Backroom cannot set it.` });
            bump(s, 'unmanaged');
          }
        } else {
          if (item.allowsBackorders) issuesToNote.push((issues) => noteBackorders(issues, now, shop, sku));
          updates.push({ item, quantity });
        }
      }
      // One batch request at a time, so a stop (SIGTERM, quit) ends the push between requests; what
      // was accepted so far is recorded as last sent by the checkpoint below, the rest is pushed at the next start.
      let done = 0;
      for (const batch of chunk(updates, Math.max(1, connector.limits.batchSize))) {
        if (ctx.signal?.aborted) {
          s.stopped = STOPPING;
          break;
        }
        ctx.events.emit('job', { job: 'inventory', target: shop.name, state: 'running', message: `pushing ${updates.length} SKUs`, done, total: updates.length });
        done += batch.length;
        const result = await connector.setStock(batch);
        const sent = new Map(batch.map((u) => [u.item.remoteId, u.quantity]));
        for (const item of result.updated) {
          const quantity = sent.get(item.remoteId) ?? item.quantity ?? 0;
          know(item.sku, quantity);
          remote.set(item.sku, { ...item, quantity });
        }
        bump(s, 'pushed', result.updated.length);
        if (result.failed.length) {
          s.errors += result.failed.length;
          const first = result.failed[0]!;
          fail({
            source,
            operation: pushOperation(shop.name),
            object: `stock of ${result.failed.length} SKU(s) on ${shop.name} (first: ${first.item.sku})`,
            message: `${shop.name} refused some stock updates: ${first.message}`,
          });
        }
      }
    }
    if (!s.stopped) finished = { [options.reconcile ? 'reconcile' : 'inventory']: now.toISOString() };
  } catch (error) {
    s.errors++;
    s.stopped = error instanceof Error ? error.message : String(error);
    s.authFailed = error instanceof PlatformError && error.kind === 'auth';
    fail({ source, operation: pushOperation(shop.name), object: `stock on ${shop.name}`, message: describeFailure(error) });
    if (!(error instanceof PlatformError)) throw error;
  } finally {
    s.requests = connector.stats.requests - requestsBefore;
    const clean = s.errors === 0 && !s.stopped;
    await repos.write(async (w) => {
      for (const products of productsRead) await noteUnlinkedProductsIn(w, shop.name, products, now);
      const issues = await alertsReadOnce(w.issues);
      for (const note of issuesToNote) await note(issues);
      if (clean) await clearErrorIn(issues, pushOperation(shop.name));
    }, [{ shop: shop.name, lastSent: learnt, skipped: skipMoves, lastRun: finished }]);
    if (s.errors) ctx.events.emit('changed', { area: 'issues' });
  }
  return s;
}

/**
 * The unit's issues with the alerts read once: a push that raises an alert for each of thousands of
 * SKUs asks the repository for the alert list once, not once per alert (each raise looks its key up).
 */
async function alertsReadOnce(issues: IssueReader & IssueWriter): Promise<IssueReader & IssueWriter> {
  const alerts = await issues.alerts();
  return {
    errors: () => issues.errors(),
    alerts: async () => alerts,
    putError: (entry) => issues.putError(entry),
    removeError: (id) => issues.removeError(id),
    async putAlert(alert) {
      const at = alerts.findIndex((a) => a.key === alert.key);
      if (at >= 0) alerts[at] = alert;
      else alerts.push(alert);
      await issues.putAlert(alert);
    },
    async removeAlert(key) {
      const at = alerts.findIndex((a) => a.key === key);
      if (at >= 0) alerts.splice(at, 1);
      await issues.removeAlert(key);
    },
  };
}

/**
 * A product that takes backorders is sent its real quantity like any other, and its backorder
 * setting is left as the merchant chose it: never switched off behind their back. They are told
 * once, because such a product keeps selling below 0, which may or may not be what they want.
 */
async function noteBackorders(issues: IssueReader & IssueWriter, now: Date, shop: Shop, sku: string): Promise<void> {
  const key = `backorders:${shop.name}:${sku}`;
  if ((await issues.alerts()).some((a) => a.key === key)) return;
  await raiseAlertIn(issues, now, {
    key,
    source: { kind: 'shop', name: shop.name },
    kind: 'backorders',
    message:
      shop.platform === 'shopify'
        ? `SKU ${sku} is set to "Continue selling when out of stock" on ${shop.name}: Backroom sends its real quantity, and Shopify keeps selling it at 0 and below. Backroom leaves that setting alone; untick it for the variant in Shopify if it should stop selling at 0.`
        : `SKU ${sku} takes backorders on ${shop.name}: Backroom sends its real quantity, and the shop keeps selling it at 0 and below. Backroom leaves that setting alone; turn backorders off for the product on the shop if it should stop selling at 0.`,
  });
}
