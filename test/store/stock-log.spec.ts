// stock.json's change log (core/store/stock-log.ts): small changes are appended beside the file.
// Attacked with random changes saved while earlier saves are still on their way, and with the log
// torn at every byte of its last line: after a reopen the stock is what was saved, and the ledger,
// replayed from zero, still equals the stock on hand and held.
import { cpSync } from 'node:fs';
import { mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerKey } from '../../core/model';
import { replaceCommitment, setOnHand } from '../fixtures/folder-stock';
import { openStore, type Store } from '../../core/store';
import { STOCK_LOG } from '../../core/store/stock-log';
import { runsWith } from '../property/seed';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const why = { at: new Date('2026-11-20T09:00:00.000Z'), cause: 'set' as const };
const SKUS = ['MUG', 'TEE-M', 'TOTE', 'PIN'];

/** `await`: wait for the save; else `yields` turns of the event loop, so the next change lands while the write is on its way. */
type Change =
  | { kind: 'onHand'; sku: string; location: string; quantity: number; await: boolean; yields: number }
  | { kind: 'hold'; order: string; lines: Record<string, number> | null; await: boolean; yields: number };

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('onHand' as const), sku: fc.constantFrom(...SKUS), location: fc.constantFrom('WH', 'Shop'), quantity: fc.integer({ min: 0, max: 30 }), await: fc.boolean(), yields: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('hold' as const), order: fc.constantFrom('Main#1', 'Main#2', 'Outlet#3'), lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 4 }), { minKeys: 1 }), { nil: null }), await: fc.boolean(), yields: fc.integer({ min: 0, max: 6 }) }),
);

function change(store: Store, c: Change): void {
  if (c.kind === 'onHand') setOnHand(store, c.sku, c.location, c.quantity, why);
  else replaceCommitment(store, c.order, c.lines && { location: c.order.startsWith('Main') ? 'WH' : null, lines: c.lines }, why);
}

/** The ledger replayed from zero must equal on hand and held. */
async function expectLedgerMatches(store: Store): Promise<void> {
  const held = new Map<string, number>();
  for (const item of Object.values(store.stock.data.items)) for (const [location, q] of Object.entries(item.onHand)) if (q) held.set(ledgerKey({ sku: item.sku, location, measure: 'onHand' }), q);
  for (const c of Object.values(store.stock.data.commitments)) for (const [sku, q] of Object.entries(c.lines)) {
    const key = ledgerKey({ sku, location: c.location, measure: 'committed' });
    held.set(key, (held.get(key) ?? 0) + q);
  }
  const sums = new Map<string, number>();
  const seqs: number[] = [];
  for await (const e of store.ledger.entries()) {
    seqs.push(e.seq);
    sums.set(ledgerKey(e), (sums.get(ledgerKey(e)) ?? 0) + e.delta);
  }
  for (const [k, v] of sums) if (v === 0) sums.delete(k);
  expect(seqs.sort((a, b) => a - b), 'no entry lost or doubled').toEqual(seqs.map((_, i) => i + 1));
  expect([...sums].sort()).toEqual([...held].sort());
}

const stockOf = (store: Store) => ({ items: store.stock.data.items, commitments: store.stock.data.commitments });

describe('stock change log', () => {
  it('reopens to what was saved, with saves overlapping the changes that follow them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(changeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), fc.boolean(), async (batches, reopenBetween) => {
        const dir = await tempDir('br-stocklog-');
        let store = await openStore(dir);
        for (const [i, batch] of batches.entries()) {
          for (const c of batch) {
            change(store, c);
            // Not awaited: the next change lands while this save is being written.
            const saving = store.stock.save();
            if (c.await) await saving;
            else for (let i = 0; i < c.yields; i++) await new Promise((resolve) => setImmediate(resolve));
          }
          if (reopenBetween && i === Math.floor(batches.length / 2)) {
            await store.flush();
            store = await openStore(dir);
          }
        }
        await store.flush();
        const expected = structuredClone(stockOf(store));
        const again = await openStore(dir);
        expect(stockOf(again)).toEqual(expected);
        await expectLedgerMatches(again);
        await again.flush();
      }),
      runsWith(40),
    );
  }, 240_000);

  it('a change is appended, not a rewrite of every SKU; a log torn anywhere in its last line reopens to before that change', async () => {
    const dir = await tempDir('br-stocklog-torn-');
    const store = await openStore(dir);
    for (let i = 0; i < 200; i++) setOnHand(store, `SKU-${i}`, 'WH', i + 1, why);
    await store.stock.save();
    const file = await stat(join(dir, 'stock.json'));
    setOnHand(store, 'SKU-7', 'WH', 70, why);
    await store.stock.save();
    const before = structuredClone(stockOf(store));
    await store.ledger.flush();
    // The ledger's month file before the last change: its entry is appended there only once the log line is durable.
    const ledgerFile = join(dir, 'ledger', '2026-11.jsonl');
    const ledgerBefore = (await stat(ledgerFile)).size;
    setOnHand(store, 'SKU-9', 'WH', 90, why);
    await store.stock.save();
    const after = structuredClone(stockOf(store));
    await store.flush();
    // stock.json itself was not rewritten for these two changes.
    expect((await stat(join(dir, 'stock.json'))).mtimeMs).toBe(file.mtimeMs);

    const log = await readFile(join(dir, STOCK_LOG));
    const lastStart = log.subarray(0, log.length - 1).lastIndexOf(0x0a) + 1;
    for (let cut = lastStart; cut <= log.length; cut++) {
      const copy = await tempDir('br-stocklog-cut-');
      cpSync(dir, copy, { recursive: true });
      await truncate(join(copy, STOCK_LOG), cut);
      // As a kill mid-append leaves it: the entry not yet in the month file either. (Only the newline
      // missing, the line is whole JSON, and counts: its entry is still pending in it.)
      if (cut < log.length) await truncate(join(copy, 'ledger', '2026-11.jsonl'), ledgerBefore);
      const reopened = await openStore(copy);
      expect(stockOf(reopened), `log cut at byte ${cut} of ${log.length}`).toEqual(cut >= log.length - 1 ? after : before);
      await expectLedgerMatches(reopened);
      // A save after a torn tail never appends to it: it folds everything into stock.json.
      setOnHand(reopened, 'SKU-1', 'WH', 5, why);
      await reopened.stock.save();
      await reopened.flush();
      const third = await openStore(copy);
      expect(third.stock.data.items['SKU-1']?.onHand.WH).toBe(5);
      await expectLedgerMatches(third);
    }
  }, 240_000);
});

/** A v1 stock.json from before the ledger: `skus` SKUs at two locations, each at a non-zero quantity. */
async function writeStockFromBeforeTheLedger(dir: string, skus: number): Promise<void> {
  const items = Object.fromEntries(Array.from({ length: skus }, (_, i) => [`SKU-${i}`, { sku: `SKU-${i}`, onHand: { WH: 1 + (i % 90), Shop: 1 + (i % 7) } }]));
  await writeFile(join(dir, 'stock.json'), JSON.stringify({ schemaVersion: 1, items, commitments: { 'Main#1': { location: 'WH', lines: { 'SKU-1': 2 } } } }));
}

const pendingInFile = async (dir: string) => (JSON.parse(await readFile(join(dir, 'stock.json'), 'utf8')) as { ledger?: { pending: unknown[] } }).ledger?.pending.length;

describe('ledger entries copied to their month file leave stock.json', () => {
  it('a folder from before the ledger: its opening entries are copied, then stock.json is rewritten without them; a kill at any write loses or doubles none', async () => {
    const dir = await tempDir('br-stocklog-opening-');
    await writeStockFromBeforeTheLedger(dir, 3000);
    // A copy of the folder as each write of stock.json begins: what a kill at that moment leaves,
    // among them the one between the copy to the month file and the rewrite of stock.json.
    const killed = await tempDir('br-stocklog-opening-kills-');
    const kills: string[] = [];
    const store = await openStore(dir, {
      beforeWrite: (file) => {
        if (file !== 'stock.json') return;
        const copy = join(killed, `kill-${kills.length}`);
        cpSync(dir, copy, { recursive: true });
        kills.push(copy);
      },
    });
    await store.flush();
    expect(await pendingInFile(dir), 'stock.json no longer carries the 6,001 copied opening entries').toBe(0);
    expect((await readFile(join(dir, 'ledger', `${new Date().toISOString().slice(0, 7)}.jsonl`), 'utf8')).split('\n').filter(Boolean)).toHaveLength(6001);
    expect(kills.length, 'the migration, the opening balance, the rewrite').toBe(3);

    const again = await openStore(dir);
    expect(again.stock.data.ledger?.next).toBe(6002);
    await expectLedgerMatches(again);
    await again.flush();
    for (const copy of kills) {
      const reopened = await openStore(copy);
      expect(stockOf(reopened), copy).toEqual(stockOf(again));
      await expectLedgerMatches(reopened);
      await reopened.flush();
      expect(await pendingInFile(copy), `${copy}: cleaned at its own open`).toBe(0);
    }
  }, 120_000);

  it('a stock.json an earlier Backroom left carrying entries already in their month file is rewritten without them at the next open', async () => {
    for (const withLog of [false, true]) {
      const dir = await tempDir('br-stocklog-copied-');
      const count = 4000;
      const entries = Array.from({ length: count }, (_, i) => ({ seq: i + 1, at: '2026-11-20T09:00:00.000Z', sku: `SKU-${i}`, location: 'WH', measure: 'onHand', delta: i + 1, after: i + 1, cause: 'opening' }));
      const items = Object.fromEntries(entries.map((e) => [e.sku, { sku: e.sku, onHand: { WH: e.after } }]));
      await mkdir(join(dir, 'ledger'));
      await writeFile(join(dir, 'ledger', '2026-11.jsonl'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await writeFile(join(dir, 'stock.json'), JSON.stringify({ schemaVersion: 2, items, commitments: {}, ledger: { next: count + 1, pending: entries }, logThrough: 0 }));
      if (withLog) {
        // One later change in the log, its entry not yet in the month file (as the bench's folder is left).
        const entry = { seq: count + 1, at: '2026-11-21T09:00:00.000Z', sku: 'SKU-0', location: 'WH', measure: 'onHand', delta: 4, after: 5, cause: 'set' };
        await writeFile(join(dir, STOCK_LOG), `${JSON.stringify({ n: 1, items: { 'SKU-0': { sku: 'SKU-0', onHand: { WH: 5 } } }, ledger: { next: count + 2, pending: [entry] } })}\n`);
      }
      const store = await openStore(dir);
      await store.flush();
      expect(await pendingInFile(dir), withLog ? 'with a log' : 'without a log').toBe(0);
      const again = await openStore(dir);
      expect(again.stock.data.items['SKU-0']?.onHand.WH).toBe(withLog ? 5 : 1);
      await expectLedgerMatches(again);
      await again.flush();
    }
  });

  it('a handful of copied entries stay until the next write: stock.json is not rewritten for them', async () => {
    const dir = await tempDir('br-stocklog-few-');
    let writes = 0;
    const store = await openStore(dir, { beforeWrite: (file) => void (file === 'stock.json' && writes++) });
    for (let i = 0; i < 20; i++) setOnHand(store, `SKU-${i}`, 'WH', i + 1, why);
    await store.stock.save();
    await store.flush();
    expect(writes).toBe(1);
    expect(await pendingInFile(dir)).toBe(20);
  });
});
