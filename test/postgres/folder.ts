// A data folder with some of everything, made through the local store, and a hash of every file
// in it, for the suites that copy folders into PostgreSQL.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rule, Shop, type Order } from '../../core/model';
import { openStore } from '../../core/store';
import { tempDir } from '../helpers';

export async function hashFolder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string) => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) await walk(rel);
      else out[rel] = createHash('sha256').update(await readFile(join(dir, rel))).digest('hex');
    }
  };
  await walk('');
  return out;
}

function order(shop: string, n: number, month: number): Order {
  const at = `2026-${String(month).padStart(2, '0')}-1${n % 10}T08:0${n % 6}:00.000Z`;
  return {
    shop, remoteId: String(n), number: `WO:${shop}-${n}`, remoteNumber: String(n), status: n % 3 ? 'processing' : 'completed', currency: 'EUR', total: `${n}.50`,
    customer: { email: `c${n % 40}@example.com`, firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [{ lineId: `l${n}`, sku: `SKU-${n % 30}`, name: 'Mug', quantity: 1 + (n % 3), refundedQuantity: 0, productId: `p${n % 30}`, total: '9.50' }],
    meta: { step: 'checkout' }, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** A folder with some of everything: shops with keys, a CRM, rules, stock, orders over several months, carts, queue, issues, markers. */
export async function makeFolder(orders: number): Promise<string> {
  const dir = await tempDir('br-copy-');
  const store = await openStore(dir);
  store.main.data.locations.push({ name: 'Warehouse', addedAt: '2026-01-01T00:00:00.000Z' });
  store.main.data.shops.push(Shop.parse({ name: 'Main', prefix: 'WO', platform: 'woocommerce', url: 'https://shop.example.com', statuses: ['processing'], location: { kind: 'location', location: 'Warehouse' }, secretRef: 'shop-main', addedAt: '2026-01-01T00:00:00.000Z' }));
  store.main.data.crms.push({ name: 'AC', platform: 'activecampaign', url: 'https://acct.api-us1.com', secretRef: 'crm-ac', addedAt: '2026-01-02T00:00:00.000Z' });
  await store.checkpoint({ crm: 'AC', lastSuccessAt: '2026-11-20T10:00:00.000Z' });
  store.main.data.rules.push(Rule.parse({ id: 'r1', trigger: { kind: 'cart-abandoned' }, applyTags: ['Abandoned cart'], createdAt: '2026-01-03T00:00:00.000Z' }));
  await store.secrets.set('shop-main', { key: 'ck_0123456789abcdef0123', secret: 'cs_0123456789abcdef0123' });
  await store.secrets.set('crm-ac', { key: 'ac-api-key-0123456789' });
  await store.main.save();
  for (let s = 0; s < 30; s++) store.stock.data.items[`SKU-${s}`] = { sku: `SKU-${s}`, onHand: { Warehouse: s * 3 } };
  for (let n = 1; n <= orders; n++) {
    const o = order('Main', n, 1 + (n % 11));
    await store.orders.stage(o);
    if (o.status === 'processing') store.stock.data.commitments[`Main#${n}`] = { location: 'Warehouse', lines: { [o.lines[0]!.sku]: o.lines[0]!.quantity } };
    store.queue.data.customers[o.customer.email] = { ...store.queue.data.customers[o.customer.email], [`Main#${n}`]: { cents: n * 100 + 50, at: o.createdAt } };
  }
  store.carts.data.carts.c1 = {
    id: 'c1', shop: 'Main', remoteId: '900', email: 'cart@example.com', name: '', items: [{ sku: 'SKU-1', name: 'Mug', quantity: 1, total: '9.50' }], total: '9.50', currency: 'EUR', cartUrl: '',
    capturedAt: '2026-11-20T09:00:00.000Z', updatedAt: '2026-11-20T09:05:00.000Z', state: 'abandoned', stateChangedAt: '2026-11-20T09:30:00.000Z', crmBlocked: false, crmChecks: {}, history: false,
  };
  store.queue.data.ledger['order:Main#1|c1@example.com|VIP|add'] = '2026-11-20T09:00:00.000Z';
  store.queue.data.items.push({ id: 'q1', lane: 'crm:AC', kind: 'crm.contact', payload: { email: 'c1@example.com', contact: {}, meta: {}, ops: [{ tag: 'VIP', op: 'add', keys: ['order:Main#1|c1@example.com|VIP|add'], fromCart: false }] }, enqueuedAt: '2026-11-20T09:00:00.000Z', attempts: 1 });
  store.issues.data.errors.push({ id: 'e1', source: { kind: 'shop', name: 'Main' }, operation: { kind: 'push-stock', args: { sku: 'SKU-1' } }, object: 'SKU SKU-1', message: 'WooCommerce answered 503', firstAt: '2026-11-20T09:00:00.000Z', lastAt: '2026-11-20T09:10:00.000Z', attempts: 2, dismissed: false });
  store.issues.data.alerts.push({ id: 'a1', key: 'unknown-sku:Main:X', source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku', message: 'order WO:1 names SKU X', count: 3, firstAt: '2026-11-20T09:00:00.000Z', lastAt: '2026-11-20T09:10:00.000Z', dismissed: false });
  await store.checkpoint({
    shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z', cartsModifiedAfter: '2026-11-20T09:05:00.000Z', lastRun: { orders: '2026-11-20T10:00:00.000Z' },
    lastSent: Object.fromEntries(Array.from({ length: 30 }, (_, s) => [`SKU-${s}`, s])), skipped: { 'SKU-29': { wanted: 4, reason: 'missing' } }, ordersImported: orders,
  });
  await store.flush();
  return dir;
}
