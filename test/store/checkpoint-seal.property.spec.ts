// The rule behind issue 9, attacked with random interleavings: pulls that note an order's CRM work and
// then stage it, updates of staged and written orders, checkpoints started while others are still
// writing, and looks at the disk at random moments. Whenever the disk is looked at (as a kill would
// leave it), every order on it has CRM work on disk at least as new as itself; every reader sees
// every staged order at once; and once the checkpoints are done, everything staged is on disk.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { openStore, type Store } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const MONTHS = ['2026-10', '2026-11'];

function order(id: number, version: number): Order {
  const at = `${MONTHS[id % MONTHS.length]}-20T08:00:00.000Z`;
  return {
    shop: 'Main', remoteId: String(id), number: `WO:${id}`, remoteNumber: String(id), status: 'processing', currency: 'EUR', total: `${version}.00`,
    customer: { email: `c${id % 3}@example.com`, firstName: '', lastName: '', phone: '', company: '' },
    lines: [], meta: { version: String(version) }, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** What the order hook does: the order's CRM work (here its version, as cents) into the queue, in memory. */
function noteWork(store: Store, o: Order): void {
  const email = o.customer.email;
  store.queue.data.customers[email] = { ...store.queue.data.customers[email], [`Main#${o.remoteId}`]: { cents: Number(o.meta.version), at: o.createdAt } };
}

type Step =
  | { kind: 'pull'; count: number }
  | { kind: 'update'; pick: number }
  | { kind: 'checkpoint' }
  | { kind: 'turns'; count: number }
  | { kind: 'look' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('pull' as const), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat() }),
  fc.constant({ kind: 'checkpoint' as const }),
  fc.record({ kind: fc.constant('turns' as const), count: fc.integer({ min: 1, max: 40 }) }),
  fc.constant({ kind: 'look' as const }),
);

/**
 * Versions of the orders on disk and of the CRM work on disk. The month files are read before
 * queue.json: CRM work only grows, so work read later is at least what was there with the orders.
 */
async function onDisk(dir: string): Promise<{ orders: Map<string, number>; work: Map<string, number> }> {
  const orders = new Map<string, number>();
  const names = await readdir(join(dir, 'orders')).catch(() => []);
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const month = JSON.parse(await readFile(join(dir, 'orders', name), 'utf8')) as { orders: Record<string, Order> };
    for (const [key, o] of Object.entries(month.orders)) orders.set(key, Number(o.meta.version));
  }
  const work = new Map<string, number>();
  const queue = JSON.parse(await readFile(join(dir, 'queue.json'), 'utf8').catch(() => '{"customers":{}}')) as { customers: Record<string, Record<string, { cents: number }>> };
  for (const byOrder of Object.values(queue.customers)) for (const [key, w] of Object.entries(byOrder)) work.set(key, w.cents);
  return { orders, work };
}

function ahead(disk: { orders: Map<string, number>; work: Map<string, number> }): string[] {
  return [...disk.orders].filter(([key, v]) => (disk.work.get(key) ?? 0) < v).map(([key, v]) => `${key} v${v} on disk, its CRM work ${disk.work.has(key) ? `v${disk.work.get(key)}` : 'missing'}`);
}

describe('checkpoints beside pulls, in any interleaving', () => {
  it('never leave an order on disk ahead of its CRM work, and write everything staged in the end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const dir = await tempDir('br-seal-');
        const store = await openStore(dir);
        const versions = new Map<number, number>();
        const running: Promise<void>[] = [];
        let next = 1;
        const stage = async (id: number, version: number) => {
          const o = order(id, version);
          noteWork(store, o);
          await store.orders.stage(o);
          versions.set(id, version);
          expect((await store.orders.get('Main', String(id), o.createdAt))?.meta.version, 'a staged order is read at once').toBe(String(version));
        };
        for (const s of steps) {
          if (s.kind === 'pull') for (let n = 0; n < s.count; n++) await stage(next++, 1);
          else if (s.kind === 'update' && versions.size) {
            const id = [...versions.keys()][s.pick % versions.size]!;
            await stage(id, versions.get(id)! + 1);
          } else if (s.kind === 'checkpoint') running.push(store.checkpoint());
          else if (s.kind === 'turns') for (let t = 0; t < s.count; t++) await new Promise((resolve) => setImmediate(resolve));
          else if (s.kind === 'look') expect(ahead(await onDisk(dir)), 'orders on disk ahead of their CRM work').toEqual([]);
        }
        expect(ahead(await onDisk(dir)), 'orders on disk ahead of their CRM work').toEqual([]);
        await Promise.all(running);
        expect(ahead(await onDisk(dir))).toEqual([]);
        let seen = 0;
        for await (const o of store.orders.all()) if (versions.get(Number(o.remoteId)) === Number(o.meta.version)) seen++;
        expect(seen, 'every reader sees the newest staged version of every order').toBe(versions.size);
        await store.checkpoint();
        const disk = await onDisk(dir);
        expect(new Map([...versions].map(([id, v]) => [`Main#${id}`, v])), 'after the last checkpoint, every staged order is on disk').toEqual(disk.orders);
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});
