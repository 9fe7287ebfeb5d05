// Ledger bench: what the stock ledger costs on the hot path. A stock change is saved with its
// ledger entry in a data folder whose ledger already holds 1,000,000 entries, and in one whose
// ledger is empty; the difference is what the ledger's size costs (target: none to speak of,
// < 5 ms). Also the read side, which only `stock why` / `stock at` / export pay: the story of one
// SKU out of a million entries.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setOnHand } from '../fixtures/folder-stock';
import { openStore } from '../../core/store';
import { median, percentile, type Bench } from './types';

const ENTRIES = 1_000_000;
const SKUS = 2_000;
const SAVES = 150;

/** Writes a month file of `count` entries over `SKUS` SKUs, and a stock.json with those SKUs (the entries' totals). */
async function seedLedger(dir: string, count: number): Promise<void> {
  await mkdir(join(dir, 'ledger'), { recursive: true });
  const out = createWriteStream(join(dir, 'ledger', '2026-01.jsonl'));
  // The same SKUs in both folders, so stock.json is the same size and only the ledger differs.
  const onHand = new Map<string, number>(Array.from({ length: SKUS }, (_, i) => [`SKU-${String(i).padStart(5, '0')}`, 0]));
  for (let seq = 1; seq <= count; seq++) {
    const sku = `SKU-${String(seq % SKUS).padStart(5, '0')}`;
    const after = (onHand.get(sku) ?? 0) + 1;
    onHand.set(sku, after);
    const at = new Date(Date.UTC(2026, 0, 1) + Math.floor((seq / count) * 30 * 86_400_000)).toISOString();
    if (!out.write(`${JSON.stringify({ seq, at, sku, location: 'WH', measure: 'onHand', delta: 1, after, cause: 'set' })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const store = await openStore(dir);
  store.main.data.locations.push({ name: 'WH', addedAt: '2026-01-01T00:00:00.000Z' });
  for (const [sku, qty] of onHand) store.stock.data.items[sku] = { sku, onHand: { WH: qty } };
  store.stock.data.ledger = { next: count + 1, pending: [] };
  await Promise.all([store.stock.save(), store.main.save()]);
  await store.flush();
}

async function timeSaves(dir: string): Promise<number[]> {
  const store = await openStore(dir);
  if (!store.main.data.locations.length) store.main.data.locations.push({ name: 'WH', addedAt: '2026-01-01T00:00:00.000Z' });
  const times: number[] = [];
  for (let i = 0; i < SAVES; i++) {
    const started = performance.now();
    setOnHand(store, `SKU-${String(i % SKUS).padStart(5, '0')}`, 'WH', 5000 + i, { at: new Date(Date.UTC(2026, 1, 1) + i * 1000), cause: 'set' });
    await store.stock.save();
    times.push(performance.now() - started);
  }
  await store.flush();
  return times;
}

export const ledgerBench: Bench = {
  name: 'ledger',
  description: `a stock change saved with its ledger entry, at ${ENTRIES.toLocaleString('en-GB')} entries vs none (${SKUS} SKUs)`,
  async run(report, log) {
    const big = await mkdtemp(join(tmpdir(), 'br-bench-ledger-'));
    const empty = await mkdtemp(join(tmpdir(), 'br-bench-ledger0-'));
    try {
      const seeded = performance.now();
      await seedLedger(big, ENTRIES);
      await seedLedger(empty, 0);
      log(`seeded ${ENTRIES.toLocaleString('en-GB')} entries in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
      // Interleaved rounds, so a busy moment of the machine falls on both alike.
      const atBig: number[] = [];
      const atNone: number[] = [];
      for (let round = 0; round < 2; round++) {
        atNone.push(...(await timeSaves(empty)));
        atBig.push(...(await timeSaves(big)));
      }
      report({ label: 'stock change + ledger entry saved, 1M entries, median', value: median(atBig), unit: 'ms', target: 20, decimals: 2 });
      report({ label: 'stock change + ledger entry saved, 1M entries, p95', value: percentile(atBig, 95), unit: 'ms', decimals: 2 });
      report({ label: 'the same with an empty ledger, median', value: median(atNone), unit: 'ms', decimals: 2 });
      report({ label: 'what 1M entries add to a save (median difference)', value: Math.max(0, median(atBig) - median(atNone)), unit: 'ms', target: 5, decimals: 2 });
      const store = await openStore(big);
      const started = performance.now();
      const story = await store.ledger.history('SKU-00042');
      report({ label: `stock why: one SKU's story out of 1M entries (${story.length} found)`, value: (performance.now() - started) / 1000, unit: 's', target: 5, decimals: 2 });
      const at = performance.now();
      await store.ledger.at('2026-01-15T00:00:00.000Z');
      report({ label: 'stock at: replay to mid-month over 1M entries', value: (performance.now() - at) / 1000, unit: 's', target: 10, decimals: 2 });
      await store.flush();
    } finally {
      await rm(big, { recursive: true, force: true });
      await rm(empty, { recursive: true, force: true });
    }
  },
};
