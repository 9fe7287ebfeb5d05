// Keeps charts.json up to date from the engine's own events: a stock sample for every SKU whose
// on-hand or available quantity changed, and a record of every order pull with the shop's lag.
import { join } from 'node:path';
import { indexCommitments } from '../model';
import { CHART_HISTORY_FILE, chartHistorySpec, lastSuccess, recordRun, recordStock, trimStock, type ChartHistory } from '../store/chart-history';
import { JsonDocument } from '../store/json-document';
import type { ApiContext } from './context';
import { stockView } from './namespaces/stock';

export interface ChartRecorder {
  readonly history: ChartHistory;
  /** Stops listening and waits until everything recorded is on disk. */
  stop(): Promise<void>;
}

/** Histories by data context, for the chart handlers. */
const recorders = new WeakMap<ApiContext, ChartRecorder>();

export function chartHistoryOf(ctx: ApiContext): ChartHistory | undefined {
  return recorders.get(ctx)?.history;
}

export interface ChartRecorderOptions {
  /**
   * Take a sample of every SKU at once (engine hosts: daemon, desktop, terminal UI, web). A one-off
   * command does not: at 20,000 SKUs the pass cost a cold `status` some 35 ms for a picture it never
   * shows, and a command that changes stock is sampled with its change all the same.
   */
  sampleAtStart?: boolean;
}

export async function startChartRecorder(ctx: ApiContext, options: ChartRecorderOptions = {}): Promise<ChartRecorder> {
  const { doc } = await JsonDocument.open(join(ctx.store.dataDir, CHART_HISTORY_FILE), chartHistorySpec);
  const history = doc.data;
  let saving: Promise<void> = Promise.resolve();

  // The figures last sampled for every SKU, also those the history has no room for: only a SKU whose
  // figures changed is recorded, so SKUs beyond MAX_SKUS are not dropped and re-added at every sample.
  const sampled = new Map<string, string>();
  for (const [sku, points] of Object.entries(history.stock)) {
    const last = points.at(-1);
    if (last) sampled.set(sku, `${last[1]}/${last[2]}`);
  }
  const sampleStock = () => {
    const at = Math.floor(ctx.clock.now().getTime() / 1000);
    const data = ctx.store.stock.data;
    const index = indexCommitments(data.commitments);
    let changed = false;
    for (const item of Object.values(data.items)) {
      const view = stockView(item.sku, item, index);
      const figures = `${view.totalOnHand}/${view.available}`;
      if (sampled.get(item.sku) === figures) continue;
      sampled.set(item.sku, figures);
      changed = recordStock(history, item.sku, at, view.totalOnHand, view.available, false) || changed;
    }
    trimStock(history);
    if (changed) saving = doc.save();
  };
  const offs = [
    // Sampled at once, at the time of the change: each operation (an edit, an import, an order
    // pull) announces its change once, so this is one pass over the stock per operation.
    ctx.events.on('changed', ({ area }) => (area === 'stock' || area === 'orders') && sampleStock()),
    ctx.events.on('job', ({ job, target, state }) => {
      if (job !== 'orders' || state === 'running') return;
      const now = ctx.clock.now();
      const previous = lastSuccess(history, target) ?? ctx.store.main.data.shops.find((s) => s.name === target)?.addedAt;
      const lagSeconds = previous ? Math.max(0, Math.round((now.getTime() - Date.parse(previous)) / 1000)) : 0;
      recordRun(history, { shop: target, at: now.toISOString(), ok: state === 'done', lagSeconds });
      saving = doc.save();
    }),
  ];
  // The first picture starts from today's stock, not from the first change after it.
  if (options.sampleAtStart ?? true) sampleStock();

  const recorder: ChartRecorder = {
    history,
    async stop() {
      offs.forEach((off) => off());
      await saving;
      await doc.flush();
    },
  };
  recorders.set(ctx, recorder);
  return recorder;
}
