// The JSON folder's cost model behind the repositories: a unit rewrites only what it changed unless
// it moves a marker or puts an order (then it is a whole checkpoint, as a pull's always was). A CRM
// drain writes one unit per item; if each rewrote stock.json and the rest, a big shop's drain would
// rewrite megabytes per contact.
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

async function opened() {
  const written: string[] = [];
  const store = await openStore(join(await tempDir('br-cost-'), 'data'), { beforeWrite: (file) => written.push(basename(file)) });
  await store.flush();
  written.length = 0;
  return { repos: jsonRepositories(store), written, store };
}

const entry = (id: string) => ({
  id, lane: 'crm:AC', kind: 'crm.contact' as const, enqueuedAt: '2026-11-20T08:00:00.000Z', attempts: 0,
  payload: { email: 'ada@example.com', contact: {}, meta: {}, ops: [{ tag: 'Customer', op: 'add' as const, keys: ['k'], fromCart: false }] },
});

describe('JSON repositories: what a unit writes', () => {
  it('a unit that changes only the queue writes only queue.json', async () => {
    const { repos, written } = await opened();
    await repos.write(async (w) => {
      await w.queue.put(entry('q1'));
      await w.crmLedger.markDone('o1|ada@example.com|Customer|add', '2026-11-20T08:00:00.000Z');
    });
    expect(written).toEqual(['queue.json']);
  });

  it('a unit that changes nothing writes nothing', async () => {
    const { repos, written } = await opened();
    await repos.write(async (w) => void (await w.queue.list()));
    expect(written).toEqual([]);
  });

  it('a unit that moves a marker is a whole checkpoint: the data it covers, then cursors.json', async () => {
    const { repos, written } = await opened();
    await repos.write(async (w) => w.issues.putAlert({
      id: 'a1', key: 'unknown-sku:Main:BLUE-M', source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku', message: 'Orders name BLUE-M', count: 1,
      firstAt: '2026-11-20T08:00:00.000Z', lastAt: '2026-11-20T08:00:00.000Z', dismissed: false,
    }), [{ shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z' }]);
    expect(written).toContain('issues.json');
    expect(written).toContain('stock.json');
    expect(written.at(-1)).toBe('cursors.json');
  });

  it('a unit that failed leaves its changes to be written by the next unit', async () => {
    const { repos, written, store } = await opened();
    await expect(repos.write(async (w) => {
      await w.queue.put(entry('q1'));
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(written).toEqual([]);
    await repos.write(() => undefined);
    expect(written).toEqual(['queue.json']);
    expect(store.queue.data.items.map((i) => i.id)).toEqual(['q1']);
  });
});
