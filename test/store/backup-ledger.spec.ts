// The daily backup holds the stock ledger's month files (ledger/YYYY-MM.jsonl) with the rest of the
// data folder, as they were that day: a month file is appended to in place, so the backup must be a
// copy of it, never a link that later appends would reach.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setOnHand } from '../fixtures/folder-stock';
import { openStore } from '../../core/store/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

describe('daily backups and the stock ledger', () => {
  it('copies every ledger month file into the day\'s backup, untouched by later entries', async () => {
    const dir = await tempDir('br-backup-ledger-');
    const store = await openStore(dir);
    store.main.data.locations.push({ name: 'WH', addedAt: '2026-01-01T00:00:00.000Z' });
    setOnHand(store, 'MUG', 'WH', 5, { at: new Date('2026-04-30T10:00:00Z'), cause: 'set' });
    setOnHand(store, 'MUG', 'WH', 7, { at: new Date('2026-05-02T10:00:00Z'), cause: 'set' });
    await store.stock.save();
    await store.ledger.flush();
    const months = (await readdir(join(dir, 'ledger'))).sort();
    expect(months).toEqual(['2026-04.jsonl', '2026-05.jsonl']);
    const before = await Promise.all(months.map((m) => readFile(join(dir, 'ledger', m), 'utf8')));

    const target = await store.backup('2026-05-02');
    expect(target).not.toBeNull();
    expect((await readdir(join(target!, 'ledger'))).sort()).toEqual(months);

    // Entries after the backup reach the live file only.
    setOnHand(store, 'MUG', 'WH', 9, { at: new Date('2026-05-02T11:00:00Z'), cause: 'set' });
    await store.stock.save();
    await store.ledger.flush();
    expect(await readFile(join(dir, 'ledger', '2026-05.jsonl'), 'utf8')).not.toBe(before[1]);
    expect(await Promise.all(months.map((m) => readFile(join(target!, 'ledger', m), 'utf8')))).toEqual(before);
    await store.flush();
  });
});
