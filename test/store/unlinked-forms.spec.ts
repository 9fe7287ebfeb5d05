// The unlinked list on the repositories (unlinked.ts `…In` / `…From`): the entries noted, the lines
// reported, the open list, the entries and alerts gone once the catalogue knows a SKU, and every
// order's held stock worked out again — each against what the rules say for a seeded catalogue.
import { afterAll, describe, expect, it } from 'vitest';
import { forgetLinkedIn, noteUnlinkedOrderIn, noteUnlinkedProductsIn, openUnlinkedFrom, recomputeCommitmentsIn } from '../../core/jobs/unlinked';
import type { Alert, Order } from '../../core/model';
import type { RemoteStockItem } from '../../core/platforms/types';
import { openStore, type Store } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const AT = '2026-05-01T08:00:00.000Z';

function order(number: string, skus: string[]): Order {
  return {
    shop: 'Main', remoteId: number, number, remoteNumber: number, status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: skus.map((sku, i) => ({ lineId: String(i), productId: String(i), sku, name: `Line ${sku}`, quantity: 1, refundedQuantity: 0, total: '1.00' })),
    meta: {}, createdAt: AT, modifiedAt: AT, importedAt: AT, fulfilment: 'unfulfilled', shipments: [],
  };
}

const alert = (shopSku: string): Alert => ({
  id: `a-${shopSku}`, key: `unknown-sku:Main:${shopSku}`, source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku', message: `Orders name ${shopSku}`, count: 1, firstAt: AT, lastAt: AT, dismissed: false,
});

/** A store with stock for MUG, a kit KIT, an alias mug-blue → MUG on Main and an ignored SKU. */
async function seeded(prefix: string): Promise<Store> {
  const store = await openStore(await tempDir(prefix));
  store.stock.data.items.MUG = { sku: 'MUG', onHand: { WH: 3 } };
  store.catalogue.data.aliases = [{ shopSku: 'mug-blue', sku: 'MUG', shop: 'Main', addedAt: AT }];
  store.catalogue.data.bundles = { KIT: { sku: 'KIT', parts: [{ sku: 'MUG', quantity: 2 }], addedAt: AT } };
  store.catalogue.data.unlinked['Main#OLD'] = { shop: 'Main', shopSku: 'OLD', name: '', seenOnOrders: true, seenOnProducts: false, orders: [], lines: 1, firstSeenAt: AT, lastSeenAt: AT, ignoredAt: AT };
  store.issues.data.alerts = ['CAP', 'TEE', 'mug-blue'].map(alert);
  return store;
}

const product = (sku: string): RemoteStockItem => ({ remoteId: sku, sku, quantity: 1, manageStock: true });

describe('unlinked SKUs on the repositories', () => {
  it('note, list and forget the entries and alerts the rules say', async () => {
    const store = await seeded('br-unlinked-repos-');
    const repos = jsonRepositories(store);
    const now = new Date('2026-05-02T09:00:00.000Z');
    const seen = now.toISOString();
    // Known: MUG (stock), mug-blue (alias), KIT (kit), OLD (ignored). Unknown: CAP twice, TEE, ' TEE ' and a line without a SKU.
    const lines = ['MUG', 'mug-blue', 'KIT', 'OLD', 'CAP', '', ' TEE ', 'CAP', 'TEE'];
    const reported = await repos.write((w) => noteUnlinkedOrderIn(w, order('M-1', lines), now));
    expect(reported.map((l) => l.sku)).toEqual(['CAP', '', ' TEE ', 'CAP', 'TEE']);
    // Only SKUs that could be linked are listed: not the empty one, not ' TEE ' (spaces around it).
    const noted = { shop: 'Main', seenOnOrders: true, seenOnProducts: false, orders: ['M-1'], firstSeenAt: seen, lastSeenAt: seen };
    expect(store.catalogue.data.unlinked).toEqual({
      'Main#OLD': { shop: 'Main', shopSku: 'OLD', name: '', seenOnOrders: true, seenOnProducts: false, orders: [], lines: 1, firstSeenAt: AT, lastSeenAt: AT, ignoredAt: AT },
      'Main#CAP': { ...noted, shopSku: 'CAP', name: 'Line CAP', lines: 2 },
      'Main#TEE': { ...noted, shopSku: 'TEE', name: 'Line TEE', lines: 1 },
    });

    expect(await repos.write((w) => noteUnlinkedProductsIn(w, 'Main', ['MUG', 'HAT', 'CAP', 'OLD'].map(product), now))).toBe(2);
    expect(await repos.write((w) => noteUnlinkedProductsIn(w, 'Main', ['HAT'].map(product), now))).toBe(0);
    expect(store.catalogue.data.unlinked['Main#HAT']).toMatchObject({ seenOnProducts: true, seenOnOrders: false });
    expect(store.catalogue.data.unlinked['Main#CAP']).toMatchObject({ seenOnProducts: true, seenOnOrders: true, lines: 2 });

    // Newest first, then by shop and SKU; the ignored one only when asked for.
    expect((await openUnlinkedFrom(repos)).map((u) => u.shopSku)).toEqual(['CAP', 'HAT', 'TEE']);
    expect((await openUnlinkedFrom(repos, { ignored: true })).map((u) => u.shopSku)).toEqual(['OLD']);
    // A SKU given stock since it was noted is no longer open, before anything forgets it.
    store.stock.data.items.CAP = { sku: 'CAP', onHand: {} };
    expect((await openUnlinkedFrom(repos)).map((u) => u.shopSku)).toEqual(['HAT', 'TEE']);

    // CAP has stock: its entry and its alert go, and mug-blue's alert (an alias answers it); TEE stays unknown.
    await repos.write((w) => forgetLinkedIn(w));
    expect(Object.keys(store.catalogue.data.unlinked).sort()).toEqual(['Main#HAT', 'Main#OLD', 'Main#TEE']);
    expect(store.issues.data.alerts.map((a) => a.key)).toEqual(['unknown-sku:Main:TEE']);
    await store.flush();
  });

  it('recomputes every order’s held stock once the catalogue changed', async () => {
    const store = await seeded('br-recompute-repos-');
    store.main.data.shops = [{ name: 'Main', location: { kind: 'combined' } }] as Store['main']['data']['shops'];
    const repos = jsonRepositories(store);
    await repos.write(async (w) => {
      await w.orders.put(order('M-1', ['mug-blue', 'CAP']));
      await w.orders.put({ ...order('M-2', ['KIT']), remoteId: 'M-2', createdAt: '2026-04-03T08:00:00.000Z' });
    });
    // A new alias: CAP on Main is MUG too, so M-1 now holds two MUGs; M-2's kit holds its parts.
    store.catalogue.data.aliases.push({ shopSku: 'CAP', sku: 'MUG', shop: 'Main', addedAt: AT });
    expect(await repos.write((w) => recomputeCommitmentsIn(w, new Date(AT)))).toBe(2);
    expect(store.stock.data.commitments).toEqual({ 'Main#M-1': { location: null, lines: { MUG: 2 } }, 'Main#M-2': { location: null, lines: { MUG: 2 } } });
    // Set, never added: a second pass changes nothing.
    expect(await repos.write((w) => recomputeCommitmentsIn(w, new Date(AT)))).toBe(0);
    await store.flush();
  });
});
