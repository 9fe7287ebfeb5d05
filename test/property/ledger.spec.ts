// Property: the stock ledger tells the whole story. After any random history of manual sets, CSV
// imports, orders coming in, edits, cancellations, refunds, shipments and returns:
//   1. the sum of the ledger's deltas per SKU and location equals on hand, and per SKU and location
//      (or "all locations") equals the stock held for open orders;
//   2. `at(t)` equals the stock as it was right after the step taken at t;
//   3. each entry's `after` is the running sum of its deltas (the story reads true line by line);
//   4. all of that still holds after the store is closed and opened again.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { dispatch } from '../../core/api/server';
import { FakeClock } from '../../core/runtime/clock';
import { hostEngine } from '../../core/host/host';
import { ingestOrder } from '../../core/jobs/orders';
import { recordReturn } from '../../core/jobs/returns';
import { recordShipment } from '../../core/jobs/shipping';
import { summary } from '../../core/jobs/context';
import { outstandingBySku } from '../../core/jobs/commitments';
import { ledgerKey, Shop, type LedgerEntry, type Order } from '../../core/model';
import type { RemoteOrder } from '../../core/platforms/types';
import { openStore, type Store } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';
import { quickShopFactory } from '../sync/world';
import { runsWith } from './seed';

const LOCATIONS = ['A', 'B'];
const SKUS = ['MUG', 'CAP', 'TEE'];

type Step =
  | { kind: 'set'; sku: number; location: number; quantity: number }
  | { kind: 'import'; rows: { sku: number; location: number; quantity: number }[] }
  | { kind: 'order'; shop: number; sku: number; quantity: number }
  | { kind: 'edit'; order: number; quantity: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'refund'; order: number; share: number }
  | { kind: 'ship'; order: number; share: number }
  | { kind: 'return'; order: number };

const row = fc.record({ sku: fc.nat(SKUS.length - 1), location: fc.nat(LOCATIONS.length - 1), quantity: fc.nat(20) });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), sku: fc.nat(SKUS.length - 1), location: fc.nat(LOCATIONS.length - 1), quantity: fc.nat(20) }),
  fc.record({ kind: fc.constant('import' as const), rows: fc.uniqueArray(row, { minLength: 1, maxLength: 4, selector: (r) => `${r.sku}:${r.location}` }) }),
  fc.record({ kind: fc.constant('order' as const), shop: fc.nat(1), sku: fc.nat(SKUS.length - 1), quantity: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('edit' as const), order: fc.nat(30), quantity: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(30) }),
  fc.record({ kind: fc.constant('refund' as const), order: fc.nat(30), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('ship' as const), order: fc.nat(30), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('return' as const), order: fc.nat(30) }),
);

// Shop 0 takes its stock from location A; shop 1 from all locations combined.
const SHOPS = [
  Shop.parse({ platform: 'woocommerce', name: 'Woo', prefix: 'WO', url: 'https://woo.example.com', location: { kind: 'location', location: 'A' }, secretRef: 'shop:woo', addedAt: '2026-01-01T00:00:00.000Z' }),
  Shop.parse({ platform: 'woocommerce', name: 'All', prefix: 'AL', url: 'https://all.example.com', location: { kind: 'combined' }, secretRef: 'shop:all', addedAt: '2026-01-01T00:00:00.000Z' }),
];

/** Stock as the store holds it: on hand and held per SKU and location ("*" = all locations). */
function stockNow(store: Store): Map<string, number> {
  const state = new Map<string, number>();
  const add = (key: string, qty: number) => qty && state.set(key, (state.get(key) ?? 0) + qty);
  for (const item of Object.values(store.stock.data.items)) for (const [location, qty] of Object.entries(item.onHand)) add(ledgerKey({ sku: item.sku, location, measure: 'onHand' }), qty);
  for (const c of Object.values(store.stock.data.commitments)) for (const [sku, qty] of Object.entries(c.lines)) add(ledgerKey({ sku, location: c.location, measure: 'committed' }), qty);
  return state;
}

/** Stock as the ledger replays it up to `instant`. */
async function replayed(store: Store, instant: string): Promise<Map<string, number>> {
  const state = new Map<string, number>();
  for (const p of await store.ledger.at(instant)) {
    if (p.onHand) state.set(ledgerKey({ sku: p.sku, location: p.location, measure: 'onHand' }), p.onHand);
    if (p.committed) state.set(ledgerKey({ sku: p.sku, location: p.location, measure: 'committed' }), p.committed);
  }
  return state;
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

function checkRunningTotals(entries: LedgerEntry[]): void {
  const running = new Map<string, number>();
  let lastSeq = 0;
  for (const e of entries) {
    expect(e.seq, `entries in order, each once (seq ${e.seq} after ${lastSeq})`).toBeGreaterThan(lastSeq);
    lastSeq = e.seq;
    const total = (running.get(ledgerKey(e)) ?? 0) + e.delta;
    running.set(ledgerKey(e), total);
    expect(e.after, `entry ${e.seq} (${JSON.stringify(e)}) says what it left`).toBe(total);
  }
}

afterAll(removeTempDirs);

describe('stock ledger under random histories', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 30 })], { ...runsWith(40), timeout: 120_000 })('replays to the stock on hand and held, at every step and after a reopen', async (steps) => {
    const dataDir = await tempDir('br-ledger-prop-');
    const clock = new FakeClock(new Date('2026-03-31T22:00:00.000Z'));
    const host = (await hostEngine({ dataDir, clock, serve: false, connectorFactory: quickShopFactory }))!;
    const { store } = host;
    const jobs = host.ctx.engine.jobs;
    const snapshots: { at: string; state: Map<string, number> }[] = [];
    try {
      for (const name of LOCATIONS) store.main.data.locations.push({ name, addedAt: clock.now().toISOString() });
      store.main.data.shops.push(...SHOPS);
      const orders: { shop: Shop; remote: RemoteOrder }[] = [];
      const orderAt = (i: number) => orders[i % orders.length]!;
      const stored = async (o: { shop: Shop; remote: RemoteOrder }): Promise<Order> => (await store.orders.get(o.shop.name, o.remote.remoteId, o.remote.createdAt))!;
      const follow = async (o: { shop: Shop; remote: RemoteOrder }) => {
        o.remote = { ...o.remote, modifiedAt: clock.now().toISOString() };
        await ingestOrder(jobs, o.shop, o.remote, { skippedByStatus: new Map() }, summary('orders', o.shop.name));
        await store.checkpoint();
      };

      for (const [n, s] of steps.entries()) {
        // Every step one hour later: the history crosses a month boundary (March → April).
        await clock.advance(3_600_000);
        if (s.kind === 'set') {
          await dispatch(host.ctx, 'stock.set', { sku: SKUS[s.sku], location: LOCATIONS[s.location], quantity: s.quantity });
        } else if (s.kind === 'import') {
          const csv = `sku,location,quantity\n${s.rows.map((r) => `${SKUS[r.sku]},${LOCATIONS[r.location]},${r.quantity}`).join('\n')}\n`;
          await dispatch(host.ctx, 'stock.import', { csv, fileName: 'stock.csv' });
        } else if (s.kind === 'order') {
          const at = clock.now().toISOString();
          const sku = SKUS[s.sku]!;
          const remote: RemoteOrder = {
            remoteId: String(n), number: String(1000 + n), status: 'processing', currency: 'EUR', total: '10.00', createdAt: at, modifiedAt: at,
            customer: { email: `c${n}@example.com`, firstName: '', lastName: '', phone: '', company: '' },
            lines: [{ lineId: `${n}-1`, sku, name: sku, quantity: s.quantity, refundedQuantity: 0, productId: '1', total: '10.00' }], meta: {},
          };
          const o = { shop: SHOPS[s.shop]!, remote };
          orders.push(o);
          await follow(o);
        } else if (orders.length > 0) {
          const o = orderAt(s.order);
          const order = await stored(o);
          if (s.kind === 'edit') {
            o.remote = { ...o.remote, lines: o.remote.lines.map((l) => ({ ...l, quantity: s.quantity })) };
            await follow(o);
          } else if (s.kind === 'cancel') {
            o.remote = { ...o.remote, status: 'cancelled' };
            await follow(o);
          } else if (s.kind === 'refund') {
            o.remote = { ...o.remote, lines: o.remote.lines.map((l) => ({ ...l, refundedQuantity: Math.max(l.refundedQuantity, Math.floor(s.share * l.quantity)) })) };
            await follow(o);
          } else if (s.kind === 'ship') {
            const lines = [...outstandingBySku(order)].filter(([, q]) => q > 0).map(([sku, q]) => ({ sku, quantity: Math.max(1, Math.floor(s.share * q)) }));
            if (lines.length && !['cancelled', 'refunded'].includes(order.status)) {
              await recordShipment(jobs, { orderNumber: order.number, carrier: 'DHL', tracking: `T${n}`, lines, location: o.shop.location.kind === 'location' ? o.shop.location.location : LOCATIONS[n % 2] });
            }
          } else {
            const shipped = order.shipments.flatMap((sh) => sh.lines);
            if (shipped.length) {
              await recordReturn(jobs, { orderNumber: order.number, lines: [{ sku: shipped[0]!.sku, quantity: 1 }] }).catch((error: Error) => {
                // Everything shipped may already be back: that refusal is part of the rules, not a failure here.
                if (!/already|no more/i.test(error.message)) throw error;
              });
            }
          }
        }
        await store.flush();
        snapshots.push({ at: clock.now().toISOString(), state: stockNow(store) });
      }

      const end = new Date(clock.now().getTime() + 1000).toISOString();
      expect(sorted(await replayed(store, end)), 'sum of ledger deltas = stock now').toEqual(sorted(stockNow(store)));
      for (const snap of snapshots) expect(sorted(await replayed(store, snap.at)), `at(${snap.at})`).toEqual(sorted(snap.state));
      checkRunningTotals([...(await collect(store))]);
      const before = stockNow(store);
      await host.close();

      // Opened again: what was pending in stock.json and what is in the month files still add up.
      const again = await openStore(dataDir);
      expect(sorted(await replayed(again, end)), 'after reopening').toEqual(sorted(before));
      expect(sorted(stockNow(again))).toEqual(sorted(before));
      await again.flush();
    } finally {
      await host.close().catch(() => undefined);
    }
  });
});

async function collect(store: Store): Promise<LedgerEntry[]> {
  const all: LedgerEntry[] = [];
  for await (const e of store.ledger.entries()) all.push(e);
  return all.sort((a, b) => a.seq - b.seq);
}
