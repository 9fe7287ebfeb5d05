// Copying a data folder into PostgreSQL: the folder is only read (hashed before and after), every
// table arrives with the same rows (counts and checksums read back from the server), a copy
// stopped part-way goes on where it stopped without a row twice, and a dry run writes nothing.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rule, Shop, type Order } from '../../core/model';
import { openStore } from '../../core/store';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { copyFolder, FolderCopyError } from '../../core/store/postgres/copy-folder';
import { loadMigrations, migrate, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { generateStoreKey, openSecret, parseStoreKey } from '../../core/store/postgres/secret-box';
import { removeTempDirs, tempDir } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres folder copy');
const key = parseStoreKey(generateStoreKey(), 'test');

async function hashFolder(dir: string): Promise<Record<string, string>> {
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
async function makeFolder(orders: number): Promise<string> {
  const dir = await tempDir('br-copy-');
  const store = await openStore(dir);
  store.main.data.locations.push({ name: 'Warehouse', addedAt: '2026-01-01T00:00:00.000Z' });
  store.main.data.shops.push(Shop.parse({ name: 'Main', prefix: 'WO', platform: 'woocommerce', url: 'https://shop.example.com', statuses: ['processing'], location: { kind: 'location', location: 'Warehouse' }, secretRef: 'shop-main', addedAt: '2026-01-01T00:00:00.000Z' }));
  store.main.data.crms.push({ name: 'AC', platform: 'activecampaign', url: 'https://acct.api-us1.com', secretRef: 'crm-ac', addedAt: '2026-01-02T00:00:00.000Z' });
  store.main.data.crmLastRun.AC = '2026-11-20T10:00:00.000Z';
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
  store.queue.data.items.push({ id: 'q1', lane: 'crm:AC', kind: 'contact', payload: { email: 'c1@example.com', tags: ['VIP'] }, enqueuedAt: '2026-11-20T09:00:00.000Z', attempts: 1 });
  store.issues.data.errors.push({ id: 'e1', source: { kind: 'shop', name: 'Main' }, operation: { kind: 'push-stock', args: { sku: 'SKU-1' } }, object: 'SKU SKU-1', message: 'WooCommerce answered 503', firstAt: '2026-11-20T09:00:00.000Z', lastAt: '2026-11-20T09:10:00.000Z', attempts: 2, dismissed: false });
  store.issues.data.alerts.push({ id: 'a1', key: 'unknown-sku:Main:X', source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku', message: 'order WO:1 names SKU X', count: 3, firstAt: '2026-11-20T09:00:00.000Z', lastAt: '2026-11-20T09:10:00.000Z', dismissed: false });
  await store.checkpoint({
    shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z', cartsModifiedAfter: '2026-11-20T09:05:00.000Z', lastRun: { orders: '2026-11-20T10:00:00.000Z' },
    lastSent: Object.fromEntries(Array.from({ length: 30 }, (_, s) => [`SKU-${s}`, s])), skipped: { 'SKU-29': { wanted: 4, reason: 'missing' } }, ordersImported: orders,
  });
  await store.flush();
  return dir;
}

describe.skipIf(!started.ok)('copying a data folder into PostgreSQL', () => {
  const server = started.ok ? started.server : undefined!;
  let target: StorePool;
  let migrations: Migration[];
  let schemas = 0;
  const freshSchema = () => `copy_${++schemas}`;

  beforeAll(async () => {
    const db = await server.createDatabase('copies');
    target = await openStorePool(parseStoreAddress(db.url), { max: 8 });
    migrations = await loadMigrations();
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    await server.stop();
    await removeTempDirs();
  }, 180_000);

  it('copies every table, verified by counts and checksums read back, and leaves the folder untouched', async () => {
    const dir = await makeFolder(1234);
    const before = await hashFolder(dir);
    const source = await openStore(dir);
    const schema = freshSchema();
    const report = await copyFolder({ source, target, schema, key, migrations });
    expect(await hashFolder(dir)).toEqual(before);
    const rows = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(rows).toMatchObject({ orders: 1234, shops: 1, crm_connections: 1, rules: 1, locations: 1, stock: 30, carts: 1, crm_ledger: 1, queue_items: 1, issue_errors: 1, issue_alerts: 1, shop_cursors: 1, shop_last_sent: 30, shop_skipped_stock: 1, app_settings: 1, order_months: 11, crm_customer_orders: 1234 });
    expect(report.tables.every((t) => t.copied === t.rows)).toBe(true);
    const { rows: counts } = await target.pool.query(`select (select count(*) from ${schema}.orders)::int as orders, (select sum(order_count) from ${schema}.order_months)::int as counted`);
    expect(counts[0]).toEqual({ orders: 1234, counted: 1234 });
    // Keys are sealed in the database and open with the operator's key.
    const { rows: shops } = await target.pool.query<{ credentials: string }>(`select credentials from ${schema}.shops`);
    expect(shops[0]!.credentials).not.toContain('ck_0123456789abcdef0123');
    expect(JSON.parse(openSecret(key, shops[0]!.credentials, 'shop:Main'))).toEqual({ key: 'ck_0123456789abcdef0123', secret: 'cs_0123456789abcdef0123' });
  }, 240_000);

  it('a dry run reports the same counts and writes nothing to the database', async () => {
    const dir = await makeFolder(40);
    const schema = freshSchema();
    const report = await copyFolder({ source: await openStore(dir), target, schema, key, migrations, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.tables.find((t) => t.table === 'orders')).toMatchObject({ rows: 40, copied: 0 });
    const { rowCount } = await target.pool.query('select 1 from pg_namespace where nspname = $1', [schema]);
    expect(rowCount).toBe(0);
  }, 120_000);

  it('stopped after any batch, a second run goes on from there and ends with every row once', async () => {
    const dir = await makeFolder(1700);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 24 }), async (stopAfter) => {
        const schema = freshSchema();
        let batches = 0;
        const stop = new Error('stopped');
        const first = await copyFolder({
          source: await openStore(dir), target, schema, key, migrations,
          afterBatch: () => {
            if (++batches === stopAfter) throw stop;
          },
        }).catch((e: unknown) => e);
        const finished = first !== stop;
        const second = await copyFolder({ source: await openStore(dir), target, schema, key, migrations });
        expect(second.resumed).toBe(true);
        const copiedTwice = second.tables.reduce((n, t) => n + t.copied, 0);
        const total = second.tables.reduce((n, t) => n + t.rows, 0);
        if (finished) expect(copiedTwice).toBe(0);
        else expect(copiedTwice).toBeLessThan(total);
        const { rows } = await target.pool.query(`select count(*)::int as n from ${schema}.orders`);
        expect(rows[0]).toEqual({ n: 1700 });
      }),
      { numRuns: 6, verbose: true },
    );
  }, 300_000);

  it('refuses to copy into a database that already holds other Backroom data, and a changed row fails verification', async () => {
    const dir = await makeFolder(20);
    const schema = freshSchema();
    await copyFolder({ source: await openStore(dir), target, schema, key, migrations });
    // The copied orders are changed in the database: a second run verifies and names the table.
    await target.pool.query(`update ${schema}.orders set status = 'cancelled' where remote_id = '3'`);
    await expect(copyFolder({ source: await openStore(dir), target, schema, key, migrations })).rejects.toThrow('The copy does not match the folder in: orders (folder 20 rows, database 20 rows, contents differ)');
    const other = freshSchema();
    await target.pool.query(`create schema ${other}`);
    await migrate(target.pool, other, migrations);
    await target.pool.query(`insert into ${other}.locations (name, added_at) values ('Elsewhere', now())`);
    const error = await copyFolder({ source: await openStore(dir), target, schema: other, key, migrations }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FolderCopyError);
    expect((error as Error).message).toContain('already holds Backroom data (table locations has rows)');
  }, 180_000);
});
