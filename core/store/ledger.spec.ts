import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers';
import { setOnHand } from '../../test/fixtures/folder-stock';
import { openStore } from './store';

afterAll(removeTempDirs);

describe('stock ledger files', () => {
  it('turns the stock of a folder from before the ledger into opening entries, once', async () => {
    const dir = await tempDir('br-ledger-open-');
    await writeFile(join(dir, 'stock.json'), JSON.stringify({ schemaVersion: 1, items: { MUG: { sku: 'MUG', onHand: { WH: 7 } } }, commitments: { 'Main#1': { location: null, lines: { MUG: 2 } } } }));
    const store = await openStore(dir);
    const entries = await store.ledger.history('MUG');
    expect(entries.map((e) => [e.cause, e.measure, e.location, e.delta, e.after])).toEqual([
      ['opening', 'onHand', 'WH', 7, 7],
      ['opening', 'committed', null, 2, 2],
    ]);
    await store.flush();
    const again = await openStore(dir);
    expect(await again.ledger.history('MUG')).toEqual(entries);
    await again.flush();
  });

  it('cuts a torn last line off a month file and appends its entry again from stock.json, once', async () => {
    const dir = await tempDir('br-ledger-torn-');
    const store = await openStore(dir);
    store.main.data.locations.push({ name: 'WH', addedAt: '2026-01-01T00:00:00.000Z' });
    setOnHand(store, 'MUG', 'WH', 5, { at: new Date('2026-05-02T10:00:00Z'), cause: 'set' });
    await store.stock.save();
    await store.flush();
    // A kill mid-append: the next entry is durable in stock.json, and half of it is in the month file.
    setOnHand(store, 'MUG', 'WH', 9, { at: new Date('2026-05-02T11:00:00Z'), cause: 'set' });
    const stock = JSON.parse(JSON.stringify(store.stock.data)) as { ledger: { pending: unknown[] } };
    stock.ledger.pending = [store.stock.data.ledger!.pending.at(-1)];
    await writeFile(join(dir, 'stock.json'), JSON.stringify(stock));
    const month = join(dir, 'ledger', '2026-05.jsonl');
    await appendFile(month, '{"seq":2,"at":"2026-05-02T1');
    const reopened = await openStore(dir);
    await reopened.flush();
    const lines = (await readFile(month, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2]);
    expect((await reopened.ledger.history('MUG')).map((e) => e.after)).toEqual([5, 9]);
  });
});
