import { join } from 'node:path';
import { checkExportFolder, EXPORT_KINDS, ExportTargetError, writeExportFrom, type ExportKind } from '../../jobs/export';
import { recordReturn } from '../../jobs/returns';
import { ShipmentInputError } from '../../jobs/shipping';
import { checkReorderPointIn, lowStockKey } from '../../jobs/stock-changes';
import { RELEASING_STATUSES, type LedgerPosition } from '../../model';
import { monthOf } from '../../store/order-book';
import { endOf, ledgerContract, startOf, type LowStockRow, type StockStory } from '../contract-ledger';
import { badInput, notFound } from '../errors';
import { namespace } from '../namespace';

const DAY_MS = 86_400_000;

/** Units of each SKU ordered since `since` (orders created then or later; cancelled ones and refunded units left out). */
async function soldSince(orders: AsyncIterable<{ createdAt: string; status: string; lines: { sku: string; quantity: number; refundedQuantity: number }[] }[]>, since: string): Promise<Map<string, number>> {
  const sold = new Map<string, number>();
  const firstMonth = monthOf(since);
  for await (const month of orders) {
    if (month[0] && monthOf(month[0].createdAt) < firstMonth) break; // newest month first: the rest is older
    for (const order of month) {
      if (order.createdAt < since || (RELEASING_STATUSES as readonly string[]).includes(order.status)) continue;
      for (const l of order.lines) if (l.sku) sold.set(l.sku, (sold.get(l.sku) ?? 0) + Math.max(0, l.quantity - l.refundedQuantity));
    }
  }
  return sold;
}

export const ledger = namespace(ledgerContract, {
  async 'stock.why'({ sku, location, limit }, ctx) {
    const entries = await ctx.repos.stock.history(sku, location);
    if (entries.length === 0 && !(await ctx.repos.stock.item(sku))) throw notFound('sku', `There is no SKU "${sku}" in your stock list or its history.`);
    const now = new Map<string, LedgerPosition>();
    for (const e of entries) {
      const key = e.location ?? '\u0000';
      const p = now.get(key) ?? now.set(key, { sku, location: e.location, onHand: 0, committed: 0 }).get(key)!;
      p[e.measure] = e.after;
    }
    return { sku, location: location ?? null, now: [...now.values()], entries: entries.slice(-limit), total: entries.length } satisfies StockStory;
  },

  async 'stock.at'({ at }, ctx) {
    const instant = endOf(at);
    return { at: instant, positions: (await ctx.repos.stock.at(instant)).filter((p) => p.onHand || p.committed) };
  },

  async 'stock.reorderPoint'({ sku, point }, ctx) {
    await ctx.repos.write(async (w) => {
      if (!(await w.stock.item(sku))) throw notFound('sku', `There is no SKU "${sku}" in your stock list; set its stock first: backroom stock set ${sku} QTY --location L.`);
      await w.stock.setReorderPoint(sku, point);
      // A new point may put the SKU below it at once (one alert), or lift it clear of an old one.
      if (point !== 0) await w.stock.setLowSince(sku, null);
      else await w.issues.removeAlert(lowStockKey(sku));
      await checkReorderPointIn(w, sku, ctx.clock.now());
    });
    ctx.events.emit('changed', { area: 'stock' });
    ctx.events.emit('changed', { area: 'issues' });
    return { sku, point: point || null };
  },

  async 'stock.low'(_params, ctx) {
    const points = await ctx.repos.stock.reorderPoints();
    const since = new Date(ctx.clock.now().getTime() - 30 * DAY_MS).toISOString();
    const [sold, freeOf] = await Promise.all([soldSince(ctx.repos.orders.byMonth(), since), ctx.repos.stock.free(Object.keys(points))]);
    const rows: LowStockRow[] = [];
    for (const [sku, point] of Object.entries(points)) {
      const free = freeOf[sku] ?? 0;
      if (free > point) continue;
      const units = sold.get(sku) ?? 0;
      rows.push({ sku, point, free, soldLast30Days: units, daysOfCover: units ? Math.round((free / (units / 30)) * 10) / 10 : null });
    }
    return rows.sort((a, b) => (a.daysOfCover ?? Infinity) - (b.daysOfCover ?? Infinity) || a.sku.localeCompare(b.sku));
  },

  async 'stock.return'({ order, lines, location }, ctx) {
    try {
      return await recordReturn(ctx.engine.jobs, { orderNumber: order, lines, location });
    } catch (error) {
      if (error instanceof ShipmentInputError) throw badInput(error.field, error.message);
      throw error;
    }
  },

  async 'export.write'({ what, from, to, out }, ctx) {
    const range = { from: from ? startOf(from) : undefined, to: to ? endOf(to) : undefined };
    if (range.from && range.to && range.from > range.to) throw badInput('from', `--from (${from}) is after --to (${to}); give the earlier date first.`);
    try {
      if (what !== 'all') return { files: [await writeExportFrom(ctx.repos, what, out, range)] };
      await checkExportFolder(out);
      const files = [];
      for (const kind of EXPORT_KINDS satisfies readonly ExportKind[]) files.push(await writeExportFrom(ctx.repos, kind, join(out, `${kind}.csv`), range));
      return { files };
    } catch (error) {
      if (error instanceof ExportTargetError) throw badInput('out', error.message);
      throw error;
    }
  },
});
