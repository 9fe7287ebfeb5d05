// kill -9 while stock changes and its ledger entries are being written: after every kill the
// ledger, replayed from zero, equals the stock on hand and held that stock.json holds; no entry is
// lost, none is doubled, and each entry's "after" is the running total of its deltas.
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerKey, type LedgerEntry } from '../../core/model';
import { openStore } from '../../core/store';
import { removeTempDirs, spawnTs, tempDir } from '../helpers';

afterAll(removeTempDirs);

async function check(dir: string): Promise<number> {
  const store = await openStore(dir);
  const held = new Map<string, number>();
  for (const item of Object.values(store.stock.data.items)) for (const [location, q] of Object.entries(item.onHand)) if (q) held.set(ledgerKey({ sku: item.sku, location, measure: 'onHand' }), q);
  for (const c of Object.values(store.stock.data.commitments)) {
    for (const [sku, q] of Object.entries(c.lines)) held.set(ledgerKey({ sku, location: c.location, measure: 'committed' }), (held.get(ledgerKey({ sku, location: c.location, measure: 'committed' })) ?? 0) + q);
  }
  const entries: LedgerEntry[] = [];
  for await (const e of store.ledger.entries()) entries.push(e);
  entries.sort((a, b) => a.seq - b.seq);
  const sums = new Map<string, number>();
  entries.forEach((e, i) => {
    expect(e.seq, 'entries numbered 1, 2, 3, … with none lost or doubled').toBe(i + 1);
    const total = (sums.get(ledgerKey(e)) ?? 0) + e.delta;
    sums.set(ledgerKey(e), total);
    expect(e.after, `entry ${e.seq}`).toBe(total);
  });
  for (const [k, v] of sums) if (v === 0) sums.delete(k);
  expect([...sums].sort(), 'ledger replayed = stock.json').toEqual([...held].sort());
  await store.flush();
  return entries.length;
}

describe('kill -9 mid ledger write', () => {
  it('keeps the ledger and the stock in step across kills', async () => {
    const dir = await tempDir('br-ledger-kill-');
    let entries = 0;
    for (let round = 0; round < 8; round++) {
      const child = spawnTs('test/fixtures/ledger-loop.ts', [dir]);
      await child.waitForLine((l) => l === 'start', 60_000);
      const target = 2 + Math.floor(Math.random() * 20);
      await child.waitForLine((l) => l.startsWith('saved ') && child.lines.filter((x) => x.startsWith('saved ')).length >= target, 60_000);
      // Kill at a random moment within the following writes (the loop is always mid-save).
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      child.process.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      const now = await check(dir);
      expect(now, 'the ledger only grows').toBeGreaterThanOrEqual(entries);
      entries = now;
    }
    expect(entries).toBeGreaterThan(0);
  }, 240_000);
});
