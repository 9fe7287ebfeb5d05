// The unlinked list on the repositories (unlinked.ts `…In` / `…From`) and on the open Store (the
// forms kept for the orders pull and the catalogue namespace until they move) agree: the same
// entries noted, the same lines reported, the same open list, the same entries and alerts gone.
import { afterAll, describe, expect, it } from 'vitest';
import { forgetLinked, forgetLinkedIn, noteUnlinkedOrder, noteUnlinkedOrderIn, noteUnlinkedProductsIn, openUnlinked, openUnlinkedFrom, recomputeCommitments, recomputeCommitmentsIn } from '../../core/jobs/unlinked';
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

describe('unlinked SKUs: the repository forms and the Store forms agree', () => {
  it('note, list and forget the same entries and alerts', async () => {
    const old = await seeded('br-unlinked-store-');
    const store = await seeded('br-unlinked-repos-');
    const repos = jsonRepositories(store);
    const now = new Date('2026-05-02T09:00:00.000Z');
    const lines = ['MUG', 'mug-blue', 'KIT', 'OLD', 'CAP', '', ' TEE ', 'CAP', 'TEE'];
    const reported = noteUnlinkedOrder(old, order('M-1', lines), now);
    expect(await repos.write((w) => noteUnlinkedOrderIn(w, order('M-1', lines), now))).toEqual(reported);
    expect(reported.map((l) => l.sku)).toEqual(['CAP', '', ' TEE ', 'CAP', 'TEE']);
    expect(store.catalogue.data.unlinked).toEqual(old.catalogue.data.unlinked);

    // The Store had no form of its own for products: the entries are those an order would not make.
    expect(await repos.write((w) => noteUnlinkedProductsIn(w, 'Main', ['MUG', 'HAT', 'CAP', 'OLD'].map(product), now))).toBe(2);
    expect(await repos.write((w) => noteUnlinkedProductsIn(w, 'Main', ['HAT'].map(product), now))).toBe(0);
    expect(store.catalogue.data.unlinked['Main#HAT']).toMatchObject({ seenOnProducts: true, seenOnOrders: false });
    expect(store.catalogue.data.unlinked['Main#CAP']).toMatchObject({ seenOnProducts: true, seenOnOrders: true, lines: 2 });
    delete store.catalogue.data.unlinked['Main#HAT'];
    store.catalogue.data.unlinked['Main#CAP']!.seenOnProducts = false;

    expect(await openUnlinkedFrom(repos)).toEqual(openUnlinked(old));
    expect(await openUnlinkedFrom(repos, { ignored: true })).toEqual(openUnlinked(old, { ignored: true }));

    // CAP gets stock: its entry and its alert go; TEE stays unknown.
    for (const s of [old, store]) s.stock.data.items.CAP = { sku: 'CAP', onHand: {} };
    forgetLinked(old);
    await repos.write((w) => forgetLinkedIn(w));
    expect(store.catalogue.data.unlinked).toEqual(old.catalogue.data.unlinked);
    expect(Object.keys(store.catalogue.data.unlinked).sort()).toEqual(['Main#OLD', 'Main#TEE']);
    expect(store.issues.data.alerts).toEqual(old.issues.data.alerts);
    expect(store.issues.data.alerts.map((a) => a.key)).toEqual(['unknown-sku:Main:TEE']);
    await Promise.all([old.flush(), store.flush()]);
  });

  it('recompute the same held stock for every order once the catalogue changed', async () => {
    const old = await seeded('br-recompute-store-');
    const store = await seeded('br-recompute-repos-');
    for (const s of [old, store]) {
      s.main.data.shops = [{ name: 'Main', location: { kind: 'combined' } }] as Store['main']['data']['shops'];
      await jsonRepositories(s).write(async (w) => {
        await w.orders.put(order('M-1', ['mug-blue', 'CAP']));
        await w.orders.put({ ...order('M-2', ['KIT']), remoteId: 'M-2', createdAt: '2026-04-03T08:00:00.000Z' });
      });
      // A new alias: CAP on Main is MUG too, so M-1 now holds two MUGs.
      s.catalogue.data.aliases.push({ shopSku: 'CAP', sku: 'MUG', shop: 'Main', addedAt: AT });
    }
    const changed = await recomputeCommitments(old);
    expect(await jsonRepositories(store).write((w) => recomputeCommitmentsIn(w, new Date(AT)))).toBe(changed);
    expect(changed).toBe(2);
    expect(store.stock.data.commitments).toEqual(old.stock.data.commitments);
    expect(store.stock.data.commitments['Main#M-1']).toEqual({ location: null, lines: { MUG: 2 } });
    await Promise.all([old.flush(), store.flush()]);
  });
});
