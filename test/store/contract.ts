// The contract every store implementation must pass (core/store/repositories.ts), run by
// contract-json.spec.ts against the JSON folder and later against PostgreSQL. A subject supplies a
// fresh, empty store that can be closed and reopened, and the states a crash could leave behind
// while some units are written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, Cart, ErrorEntry, Order } from '../../core/model';
import type { Repositories, RepositoryWriters } from '../../core/store/repositories';
import type { CursorMove } from '../../core/store/cursors';
import { runsWith } from '../property/seed';
import { apiAdditionsContract } from './contract-api';
import { namespaceAdditionsContract } from './contract-namespaces';
import { stockJobsContract } from './contract-stock';
import { orderJobsContract } from './contract-orders';
import { crmAdditionsContract } from './contract-crm';
import { engineAdditionsContract } from './contract-engine';
import { queueWorkContract } from './contract-queue';
import { glueAdditionsContract } from './contract-glue';

export type { ContractFactory, ContractSubject, OpenedStore } from './contract-subject';
import type { ContractFactory } from './contract-subject';

const SHOPS = ['Main', 'Outlet'];
const SKUS = ['MUG', 'TEE-M', 'TOTE'];
const LOCATIONS = ['Warehouse', 'Shop floor'];
const MONTHS = ['2026-09', '2026-10', '2026-11'];

function order(shop: string, remoteId: string, month: string, status: string): Order {
  const at = `${month}-0${1 + (Number(remoteId) % 9)}T08:00:00.000Z`;
  return {
    shop, remoteId, number: `${shop.slice(0, 2).toUpperCase()}:${remoteId}`, remoteNumber: remoteId, status, currency: 'EUR', total: '10.00',
    customer: { email: `c${remoteId}@example.com`, firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

function cart(id: string, shop: string, state: Cart['state']): Cart {
  const at = '2026-11-20T08:00:00.000Z';
  return {
    id, shop, remoteId: id, email: `${id}@example.com`, name: '', items: [], total: '5.00', currency: 'EUR', cartUrl: '',
    capturedAt: at, updatedAt: at, state, stateChangedAt: at, crmBlocked: false, crmChecks: {}, history: false,
  };
}

function errorEntry(id: string, shop: string, attempts: number): ErrorEntry {
  return {
    id, source: { kind: 'shop', name: shop }, operation: { kind: 'orders.pull', args: { shop, page: attempts } }, object: `order ${id}`,
    message: `HTTP 503 (attempt ${attempts})`, firstAt: '2026-11-20T08:00:00.000Z', lastAt: `2026-11-20T08:${String(attempts).padStart(2, '0')}:00.000Z`, attempts, dismissed: attempts % 2 === 0,
  };
}

function alert(key: string, id: string, count: number): Alert {
  return {
    id, key, source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku', message: `Orders name ${key}, which the catalogue does not have`, count,
    firstAt: '2026-11-20T08:00:00.000Z', lastAt: `2026-11-20T09:${String(count).padStart(2, '0')}:00.000Z`, dismissed: count > 5,
  };
}

const why = { at: '2026-11-20T09:00:00.000Z', cause: 'set' as const };

/** One write a unit may make. */
type Op =
  | { kind: 'order'; shop: string; remoteId: string; month: string; status: string }
  | { kind: 'onHand'; sku: string; location: string; quantity: number }
  | { kind: 'commit'; shop: string; remoteId: string; lines: Record<string, number> | null }
  | { kind: 'cart'; id: string; shop: string; state: Cart['state'] }
  | { kind: 'uncart'; id: string }
  | { kind: 'done'; key: string }
  | { kind: 'customer'; email: string; orderKey: string; cents: number }
  | { kind: 'enqueue'; id: string; lane: string }
  | { kind: 'dequeue'; id: string }
  | { kind: 'reorder'; sku: string; point: number }
  | { kind: 'error'; id: string; shop: string; attempts: number }
  | { kind: 'unerror'; id: string }
  | { kind: 'alert'; key: string; id: string; count: number }
  | { kind: 'unalert'; key: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('order' as const), shop: fc.constantFrom(...SHOPS), remoteId: fc.integer({ min: 1, max: 12 }).map(String), month: fc.constantFrom(...MONTHS), status: fc.constantFrom('processing', 'completed') }),
  fc.record({ kind: fc.constant('onHand' as const), sku: fc.constantFrom(...SKUS), location: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 0, max: 50 }) }),
  fc.record({
    kind: fc.constant('commit' as const), shop: fc.constantFrom(...SHOPS), remoteId: fc.integer({ min: 1, max: 12 }).map(String),
    lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('cart' as const), id: fc.constantFrom('c1', 'c2', 'c3'), shop: fc.constantFrom(...SHOPS), state: fc.constantFrom<Cart['state']>('capturing', 'abandoned', 'recovered') }),
  fc.record({ kind: fc.constant('uncart' as const), id: fc.constantFrom('c1', 'c2', 'c3') }),
  fc.record({ kind: fc.constant('done' as const), key: fc.constantFrom('o1|a@x|VIP|add', 'o2|b@x|VIP|add', 'o3|a@x|Lost|remove') }),
  fc.record({ kind: fc.constant('customer' as const), email: fc.constantFrom('Ada@Example.com', 'ben@example.com'), orderKey: fc.constantFrom('Main#1', 'Main#2', 'Outlet#1'), cents: fc.integer({ min: 0, max: 100_000 }) }),
  fc.record({ kind: fc.constant('enqueue' as const), id: fc.constantFrom('q1', 'q2', 'q3'), lane: fc.constantFrom('crm:A', 'crm:B') }),
  fc.record({ kind: fc.constant('dequeue' as const), id: fc.constantFrom('q1', 'q2', 'q3') }),
  fc.record({ kind: fc.constant('reorder' as const), sku: fc.constantFrom(...SKUS), point: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('error' as const), id: fc.constantFrom('e1', 'e2', 'e3'), shop: fc.constantFrom(...SHOPS), attempts: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('unerror' as const), id: fc.constantFrom('e1', 'e2', 'e3') }),
  // The same key under another id: a put by key replaces the alert, id and all.
  fc.record({ kind: fc.constant('alert' as const), key: fc.constantFrom('unknown-sku:Main:BLUE-M', 'unknown-sku:Main:RED-S'), id: fc.constantFrom('a1', 'a2', 'a3'), count: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('unalert' as const), key: fc.constantFrom('unknown-sku:Main:BLUE-M', 'unknown-sku:Main:RED-S') }),
);

async function apply(w: RepositoryWriters, op: Op): Promise<void> {
  switch (op.kind) {
    case 'order': {
      // Same (shop, remote id) keeps its creation month: an order's partition never changes.
      const known = (await Promise.all(MONTHS.map((m) => w.orders.get(op.shop, op.remoteId, order(op.shop, op.remoteId, m, '').createdAt)))).find(Boolean);
      const next = known ? { ...known, status: op.status } : order(op.shop, op.remoteId, op.month, op.status);
      return w.orders.put(next);
    }
    case 'onHand':
      await w.stock.setOnHand(op.sku, op.location, op.quantity, why);
      return;
    case 'commit':
      await w.stock.commit(`${op.shop}#${op.remoteId}`, op.lines && { location: op.shop === 'Main' ? 'Warehouse' : null, lines: op.lines }, why);
      return;
    case 'cart':
      return w.carts.put(cart(op.id, op.shop, op.state));
    case 'uncart':
      return w.carts.remove(op.id);
    case 'done':
      return w.crmLedger.markDone(op.key, why.at);
    case 'customer':
      return w.crmLedger.customerOrder(op.email, op.orderKey, { cents: op.cents, at: why.at });
    case 'enqueue':
      return w.queue.put({ id: op.id, lane: op.lane, kind: 'crm.contact', payload: { email: 'a@x', contact: {}, meta: {}, ops: [{ tag: 'Customer', op: 'add', keys: [`k-${op.id}`], fromCart: false }] }, enqueuedAt: why.at, attempts: 0 });
    case 'dequeue':
      return w.queue.remove(op.id);
    case 'reorder':
      return w.stock.setReorderPoint(op.sku, op.point);
    case 'error':
      return w.issues.putError(errorEntry(op.id, op.shop, op.attempts));
    case 'unerror':
      return w.issues.removeError(op.id);
    case 'alert':
      // Ids stay unique across keys, as the issue log's random ids are.
      return w.issues.putAlert(alert(op.key, `${op.id}-${op.key}`, op.count));
    case 'unalert':
      return w.issues.removeAlert(op.key);
  }
}

/** Everything the repositories hold, read through them only, in a comparable form. */
async function snapshot(repos: Repositories) {
  const orders: Order[] = [];
  for await (const month of repos.orders.byMonth()) orders.push(...month);
  orders.sort((a, b) => `${a.shop}#${a.remoteId}`.localeCompare(`${b.shop}#${b.remoteId}`));
  const committed: Record<string, number> = {};
  const history: Record<string, number> = {};
  for (const sku of SKUS) {
    for (const location of [...LOCATIONS, null]) committed[`${sku}@${location}`] = await repos.stock.committed(sku, location);
    history[sku] = (await repos.stock.history(sku)).length;
  }
  return {
    orders,
    counts: await repos.orders.counts(),
    monthCounts: await repos.orders.monthCounts(),
    items: await repos.stock.items(),
    commitments: await repos.stock.commitments(),
    committed,
    history,
    reorder: await Promise.all(SKUS.map((s) => repos.stock.reorderPoint(s))),
    carts: (await repos.carts.list()).sort((a, b) => a.id.localeCompare(b.id)),
    done: await Promise.all(['o1|a@x|VIP|add', 'o2|b@x|VIP|add', 'o3|a@x|Lost|remove'].map((k) => repos.crmLedger.done(k))),
    customers: await Promise.all(['ada@example.com', 'ben@example.com'].map((e) => repos.crmLedger.customerOrders(e))),
    queue: await repos.queue.list(),
    errors: (await repos.issues.errors()).sort((a, b) => a.id.localeCompare(b.id)),
    alerts: (await repos.issues.alerts()).sort((a, b) => a.key.localeCompare(b.key)),
    cursors: await Promise.all(SHOPS.map((s) => repos.cursors.of(s))),
  };
}

const opsArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });

/** The marker a unit moves: each shop's cursor says "unit i is in". */
const markerOf = (i: number) => `2026-12-01T00:${String(i).padStart(2, '0')}:00.000Z`;
const movesOf = (i: number): CursorMove[] => SHOPS.map((shop) => ({ shop, ordersModifiedAfter: markerOf(i) }));

/** Orders (by key and status) the first `n` units leave, replayed on a plain model. */
function ordersAfter(units: Op[][], n: number): Map<string, string> {
  const model = new Map<string, string>();
  for (const unit of units.slice(0, n)) for (const op of unit) if (op.kind === 'order') model.set(`${op.shop}#${op.remoteId}`, op.status);
  return model;
}

/** The errors and alerts the units leave, replayed on a plain model. */
function issuesAfter(units: Op[][]): { errors: Map<string, ErrorEntry>; alerts: Map<string, Alert> } {
  const errors = new Map<string, ErrorEntry>();
  const alerts = new Map<string, Alert>();
  for (const op of units.flat()) {
    if (op.kind === 'error') errors.set(op.id, errorEntry(op.id, op.shop, op.attempts));
    else if (op.kind === 'unerror') errors.delete(op.id);
    else if (op.kind === 'alert') alerts.set(op.key, alert(op.key, `${op.id}-${op.key}`, op.count));
    else if (op.kind === 'unalert') alerts.delete(op.key);
  }
  return { errors, alerts };
}

export function repositoryContract(factory: ContractFactory): void {
  describe(`repository contract: ${factory.name}`, () => {
    it('reads back what it wrote after close and reopen; counts are the orders it holds', async () => {
      await fc.assert(
        fc.asyncProperty(opsArb, async (units) => {
          const subject = await factory.create();
          const first = await subject.open();
          for (const [i, unit] of units.entries()) {
            await first.repos.write(async (w) => {
              for (const op of unit) await apply(w, op);
            }, movesOf(i + 1));
          }
          const before = await snapshot(first.repos);
          await first.close();
          const again = await subject.open();
          const after = await snapshot(again.repos);
          await again.close();
          expect(after).toEqual(before);

          const model = ordersAfter(units, units.length);
          expect(new Map(after.orders.map((o) => [`${o.shop}#${o.remoteId}`, o.status]))).toEqual(model);
          for (const shop of SHOPS) {
            const held = [...model.keys()].filter((k) => k.startsWith(`${shop}#`)).length;
            expect(after.counts[shop] ?? 0).toBe(held);
            expect(Object.values(after.monthCounts).reduce((sum, m) => sum + (m[shop] ?? 0), 0)).toBe(held);
          }
          for (const shop of after.cursors) expect(shop.ordersModifiedAfter).toBe(markerOf(units.length));
          expect(after.errors).toEqual([...issuesAfter(units).errors.values()].sort((a, b) => a.id.localeCompare(b.id)));
          expect(after.alerts).toEqual([...issuesAfter(units).alerts.values()].sort((a, b) => a.key.localeCompare(b.key)));
        }),
        runsWith(15),
      );
    }, 240_000);

    it('hands out copies: changing what was read changes nothing stored', async () => {
      const subject = await factory.create();
      const { repos, close } = await subject.open();
      await repos.write(async (w) => {
        await w.orders.put(order('Main', '1', '2026-11', 'processing'));
        await w.stock.setOnHand('MUG', 'Warehouse', 4, why);
        await w.carts.put(cart('c1', 'Main', 'capturing'));
        await w.issues.putError(errorEntry('e1', 'Main', 1));
        await w.issues.putAlert(alert('unknown-sku:Main:BLUE-M', 'a1', 1));
      });
      const read = (await repos.orders.get('Main', '1', order('Main', '1', '2026-11', '').createdAt))!;
      read.status = 'cancelled';
      (await repos.stock.item('MUG'))!.onHand.Warehouse = 99;
      (await repos.carts.get('c1'))!.state = 'lost';
      expect((await repos.orders.get('Main', '1', read.createdAt))?.status).toBe('processing');
      expect((await repos.stock.item('MUG'))?.onHand.Warehouse).toBe(4);
      expect((await repos.carts.get('c1'))?.state).toBe('capturing');
      (await repos.issues.errors())[0]!.attempts = 7;
      (await repos.issues.alerts())[0]!.count = 7;
      expect((await repos.issues.errors())[0]?.attempts).toBe(1);
      expect((await repos.issues.alerts())[0]?.count).toBe(1);
      await close();
    });

    it('a crash at any step of a unit never leaves a marker ahead of its data, nor a count above the orders', async () => {
      await fc.assert(
        fc.asyncProperty(opsArb, async (units) => {
          const subject = await factory.create();
          const openers = await subject.crashStates(async (repos) => {
            for (const [i, unit] of units.entries()) {
              await repos.write(async (w) => {
                for (const op of unit) await apply(w, op);
              }, movesOf(i + 1));
            }
          });
          expect(openers.length).toBeGreaterThanOrEqual(2);
          for (const reopen of openers) {
            const { repos, close } = await reopen();
            const state = await snapshot(repos);
            await close();
            const held = new Map(state.orders.map((o) => [`${o.shop}#${o.remoteId}`, o.status]));
            for (const cursor of state.cursors) {
              if (!cursor.ordersModifiedAfter) continue;
              const unitsIn = units.findIndex((_, i) => markerOf(i + 1) === cursor.ordersModifiedAfter) + 1;
              // Every order the units up to the marker wrote is on disk, as at least that unit left it.
              for (const [key] of ordersAfter(units, unitsIn)) expect(held.has(key), `order ${key} behind marker ${cursor.ordersModifiedAfter}`).toBe(true);
            }
            for (const shop of SHOPS) {
              const onDisk = [...held.keys()].filter((k) => k.startsWith(`${shop}#`)).length;
              expect(state.counts[shop] ?? 0).toBeLessThanOrEqual(onDisk);
            }
          }
        }),
        runsWith(10),
      );
    }, 240_000);

    it('keeps errors by id and alerts by key: a put replaces, a remove removes, across reopen', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      await first.repos.write(async (w) => {
        await w.issues.putError(errorEntry('e1', 'Main', 1));
        await w.issues.putError(errorEntry('e2', 'Outlet', 1));
        await w.issues.putAlert(alert('unknown-sku:Main:BLUE-M', 'a1', 1));
        await w.issues.putAlert(alert('unknown-sku:Main:RED-S', 'a2', 1));
      });
      await first.repos.write(async (w) => {
        await w.issues.putError(errorEntry('e1', 'Main', 3));
        await w.issues.removeError('e2');
        await w.issues.putAlert(alert('unknown-sku:Main:BLUE-M', 'a1', 4));
        await w.issues.removeAlert('unknown-sku:Main:RED-S');
        // A unit's reads see its own writes.
        expect((await w.issues.errors()).map((e) => [e.id, e.attempts])).toEqual([['e1', 3]]);
      });
      await first.close();
      const again = await subject.open();
      expect(await again.repos.issues.errors()).toEqual([errorEntry('e1', 'Main', 3)]);
      expect(await again.repos.issues.alerts()).toEqual([alert('unknown-sku:Main:BLUE-M', 'a1', 4)]);
      await again.close();
    });

    it('a failed unit moves no marker', async () => {
      const subject = await factory.create();
      const { repos, close } = await subject.open();
      await repos.write(() => undefined, movesOf(1));
      await expect(repos.write(() => {
        throw new Error('refused');
      }, movesOf(2))).rejects.toThrow('refused');
      expect((await repos.cursors.of('Main')).ordersModifiedAfter).toBe(markerOf(1));
      await close();
      const again = await subject.open();
      expect((await again.repos.cursors.of('Main')).ordersModifiedAfter).toBe(markerOf(1));
      await again.close();
    });
  });
  apiAdditionsContract(factory);
  namespaceAdditionsContract(factory);
  stockJobsContract(factory);
  orderJobsContract(factory);
  crmAdditionsContract(factory);
  engineAdditionsContract(factory);
  queueWorkContract(factory);
  glueAdditionsContract(factory);
}
