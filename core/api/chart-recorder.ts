// Keeps charts.json up to date from the engine's own events: a stock sample for every SKU whose
// on-hand or available quantity changed, and a record of every order pull with the shop's lag.
import { join } from 'node:path';
import { offeredQuantity } from '../model';
import { CHART_HISTORY_FILE, chartHistorySpec, lastSuccess, recordRun, recordStock, trimStock, type ChartHistory } from '../store/chart-history';
import { JsonDocument } from '../store/json-document';
import type { ApiContext } from './context';

export interface ChartRecorder {
  readonly history: ChartHistory;
  /** Waits until every change announced so far is sampled (samples read the repositories, so they take a moment). */
  idle(): Promise<void>;
  /** Stops listening and waits until everything recorded is on disk. */
  stop(): Promise<void>;
}

/** Histories by data context, for the chart handlers. */
const recorders = new WeakMap<ApiContext, ChartRecorder>();

/** The history, with every change announced before the call in it. */
export async function chartHistoryOf(ctx: ApiContext): Promise<ChartHistory | undefined> {
  const recorder = recorders.get(ctx);
  await recorder?.idle();
  return recorder?.history;
}

export interface ChartRecorderOptions {
  /** The data folder: charts.json is kept there, beside the store, whatever the store is. */
  dataDir: string;
  /**
   * Take a sample of every SKU at once (engine hosts: daemon, desktop, terminal UI, web). A one-off
   * command does not: at 20,000 SKUs the pass cost a cold `status` some 35 ms for a picture it never
   * shows, and a command that changes stock is sampled with its change all the same.
   */
  sampleAtStart?: boolean;
}

export async function startChartRecorder(ctx: ApiContext, options: ChartRecorderOptions): Promise<ChartRecorder> {
  const { doc } = await JsonDocument.open(join(options.dataDir, CHART_HISTORY_FILE), chartHistorySpec);
  const history = doc.data;
  let saving: Promise<void> = Promise.resolve();
  // Samples and run records one after the other, in the order their events came: each reads the
  // repositories first, and a later one must never be overtaken by an earlier one.
  let recording: Promise<void> = Promise.resolve();
  const record = (step: () => Promise<void>) => {
    recording = recording.then(step).catch(() => undefined); // a failed sample leaves the picture as it was; the next change samples again
  };

  // The figures last sampled for every SKU, also those the history has no room for: only a SKU whose
  // figures changed is recorded, so SKUs beyond MAX_SKUS are not dropped and re-added at every sample.
  const sampled = new Map<string, string>();
  for (const [sku, points] of Object.entries(history.stock)) {
    const last = points.at(-1);
    if (last) sampled.set(sku, `${last[1]}/${last[2]}`);
  }
  const sampleStock = async () => {
    const at = Math.floor(ctx.clock.now().getTime() / 1000);
    // Two figures per SKU, summed where the stock is kept (stock.totals): no stock item is copied.
    let changed = false;
    for (const [sku, { onHand, free }] of await ctx.repos.stock.totals()) {
      // "available" as the stock list shows it: what a combined shop without a buffer is offered.
      const available = offeredQuantity(free);
      const figures = `${onHand}/${available}`;
      if (sampled.get(sku) === figures) continue;
      sampled.set(sku, figures);
      changed = recordStock(history, sku, at, onHand, available, false) || changed;
    }
    trimStock(history);
    if (changed) saving = doc.save();
  };
  const offs = [
    // Sampled at once, at the time of the change: each operation (an edit, an import, an order
    // pull) announces its change once, so this is one pass over the stock per operation.
    ctx.events.on('changed', ({ area }) => (area === 'stock' || area === 'orders') && record(sampleStock)),
    ctx.events.on('job', ({ job, target, state }) => {
      if (job !== 'orders' || state === 'running') return;
      const now = ctx.clock.now();
      record(async () => {
        const previous = lastSuccess(history, target) ?? (await ctx.repos.settings.get()).shops.find((s) => s.name === target)?.addedAt;
        const lagSeconds = previous ? Math.max(0, Math.round((now.getTime() - Date.parse(previous)) / 1000)) : 0;
        recordRun(history, { shop: target, at: now.toISOString(), ok: state === 'done', lagSeconds });
        saving = doc.save();
      });
    }),
  ];
  // The first picture starts from today's stock, not from the first change after it.
  if (options.sampleAtStart ?? true) record(sampleStock);

  const recorder: ChartRecorder = {
    history,
    idle: () => recording,
    async stop() {
      offs.forEach((off) => off());
      await recording;
      await saving;
      await doc.flush();
    },
  };
  recorders.set(ctx, recorder);
  return recorder;
}
