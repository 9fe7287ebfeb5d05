// charts.json: the small, bounded history the pictures need and nothing else stores — each SKU's
// stock over time (sampled) and a ring of recent order-pull runs per shop (for the sync lag).
// Derived, not authoritative: losing it loses pictures, never data, so it is not in the backups.
// A later full stock ledger can replace the stock part.
import { z } from 'zod';
import type { DocumentSpec } from './json-document';

export const CHART_HISTORY_FILE = 'charts.json';
/** Points kept per SKU: at one point per 15 minutes at most, a busy SKU keeps over a day; a quiet one, months. */
export const MAX_POINTS_PER_SKU = 120;
/** SKUs with a history; the one changed longest ago goes first. */
export const MAX_SKUS = 5000;
/** Changes closer together than this replace the SKU's last point instead of adding one (sampling). */
export const SAMPLE_SECONDS = 900;
/** Order-pull runs remembered, over all shops together. */
export const MAX_RUNS = 1000;

/** [seconds since 1970 (UTC), on hand in all locations, available]. */
const StockPoint = z.tuple([z.number().int().nonnegative(), z.number().int(), z.number().int()]);
export type StockPoint = z.infer<typeof StockPoint>;

const PullRun = z.object({
  shop: z.string(),
  /** When the run ended (ISO, UTC). */
  at: z.string(),
  ok: z.boolean(),
  /** Seconds since the shop's previous successful pull: how old Backroom's copy of its orders was. */
  lagSeconds: z.number().nonnegative(),
});
export type PullRun = z.infer<typeof PullRun>;

export const ChartHistory = z.object({
  schemaVersion: z.literal(1),
  stock: z.record(z.string(), z.array(StockPoint).max(MAX_POINTS_PER_SKU)),
  runs: z.array(PullRun).max(MAX_RUNS),
});
export type ChartHistory = z.infer<typeof ChartHistory>;

export const chartHistorySpec: DocumentSpec<ChartHistory> = {
  label: CHART_HISTORY_FILE,
  version: 1,
  create: () => ({ schemaVersion: 1, stock: {}, runs: [] }),
  validate: (data) => {
    const parsed = ChartHistory.safeParse(data);
    if (!parsed.success) throw new Error(`field ${parsed.error.issues[0]!.path.join('.') || '(root)'} ${parsed.error.issues[0]!.message}`);
    return parsed.data;
  },
};

/**
 * Adds a stock sample for `sku` at `atSeconds`. Returns false (nothing changed) when the figures
 * equal the last point. Keeps every bound: points per SKU, number of SKUs (unless `trim` is false:
 * the caller then calls trimStock once it has recorded a whole pass), sampling interval.
 */
export function recordStock(history: ChartHistory, sku: string, atSeconds: number, onHand: number, available: number, trim = true): boolean {
  const points = history.stock[sku] ?? [];
  const last = points.at(-1);
  if (last && last[1] === onHand && last[2] === available) return false;
  // The newest point is provisional while it lies within the sampling interval after the one before
  // it: newer figures replace it. Once it is that far apart it stays, and a new point is added. So
  // kept points are SAMPLE_SECONDS apart, the first one stays, and the newest is always current.
  const before = points.at(-2);
  const time = Math.max(last?.[0] ?? 0, atSeconds);
  if (last && before && last[0] - before[0] < SAMPLE_SECONDS) points[points.length - 1] = [time, onHand, available];
  else points.push([time, onHand, available]);
  if (points.length > MAX_POINTS_PER_SKU) points.splice(0, points.length - MAX_POINTS_PER_SKU);
  // Re-inserting moves the SKU to the end: key order is "changed longest ago" first.
  const known = Object.hasOwn(history.stock, sku);
  delete history.stock[sku];
  history.stock[sku] = points;
  if (!known) skuCounts.set(history.stock, skuCount(history) + 1);
  if (trim) trimStock(history);
  return true;
}

/** How many SKUs each history's stock map holds, kept up to date by recordStock and trimStock. */
const skuCounts = new WeakMap<ChartHistory['stock'], number>();
function skuCount(history: ChartHistory): number {
  return skuCounts.get(history.stock) ?? Object.keys(history.stock).length;
}

/**
 * Drops the SKUs changed longest ago beyond MAX_SKUS. One pass over the keys, and only when there
 * are too many: a sample of 20,000 SKUs trims once at its end rather than after every SKU.
 */
export function trimStock(history: ChartHistory): void {
  const count = skuCount(history);
  if (count <= MAX_SKUS) return;
  const skus = Object.keys(history.stock);
  for (let i = 0; i < skus.length - MAX_SKUS; i++) delete history.stock[skus[i]!];
  skuCounts.set(history.stock, Math.min(skus.length, MAX_SKUS));
}

/** Adds an order-pull run to the ring, dropping the oldest beyond MAX_RUNS. */
export function recordRun(history: ChartHistory, run: PullRun): void {
  history.runs.push(run);
  if (history.runs.length > MAX_RUNS) history.runs.splice(0, history.runs.length - MAX_RUNS);
}

/** When `shop` last pulled its orders successfully, from the ring (undefined when it never did). */
export function lastSuccess(history: ChartHistory, shop: string): string | undefined {
  for (let i = history.runs.length - 1; i >= 0; i--) if (history.runs[i]!.shop === shop && history.runs[i]!.ok) return history.runs[i]!.at;
  return undefined;
}
