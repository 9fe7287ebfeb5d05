// Property: a shop is never offered stock the hub cannot ship from that shop's source (SPEC §2).
//
// What "cannot ship" means, precisely. Stock is per SKU and per location. An open order of a shop
// mapped to location L must ship from L; an open order of a combined shop may ship from any
// location (its commitment has location null). The hub can ship a set of open orders iff there is
// an allocation of units to them with no location giving more than it has on hand. For one SKU that
// means: every location has on hand ≥ what its own orders hold, and the pooled (combined) demand
// fits into what the locations have left over.
//
// The invariants, checked after every step of a random history of stock edits, sales, shipments,
// cancellations and refunds:
//   1. For every shop and SKU, the quantity pushed is ≥ 0 and at most the largest new order of that
//      SKU the shop could take that the hub could still ship from the shop's source without taking
//      a unit any open order needs. That bound is found by search (try 0, 1, 2, … units and allocate),
//      not by the availability formula. With no buffer and nothing over-committed it is met exactly,
//      so offering too little fails the test too.
//   2. With a safety buffer b, the pushed quantity is 0 or more than b.
//   3. Sales accepted within what each shop was last pushed never make a shippable set of orders
//      unshippable: if the hub could ship everything before a sale, a shipment, a cancellation or
//      a refund, it can after. (Only the merchant lowering on-hand stock can break that; such a step
//      is not held against the hub.)
// Why not "all shops selling everything they are offered at the same moment": shops that draw on
// the same units are each offered those units, by design; a sale on one is pushed to the others
// within seconds (the engine pushes after every order pull, as this test does after every step),
// and the safety buffer is the merchant's guard for sales in between (SPEC §2). The promise that
// can hold, and that this test attacks, is per sale: whatever a shop sells within what it was
// offered can be shipped, together with every order already held.
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { applyCommitmentIn, outstandingBySku } from '../../core/jobs/commitments';
import type { JobContext } from '../../core/jobs/context';
import { desiredStock } from '../../core/jobs/inventory';
import { Shop, type LocationMapping, type Order } from '../../core/model';
import { removeTempDirs, tempDir } from '../helpers';
import { quickShopFactory } from '../sync/world';
import { runsWith } from './seed';

const LOCATIONS = ['A', 'B', 'C'];
const SKUS = ['MUG', 'CAP'];

let host: EngineHost;
let jobs: JobContext;
beforeAll(async () => {
  host = (await hostEngine({ dataDir: await tempDir('br-prop-'), serve: false, connectorFactory: quickShopFactory }))!;
  jobs = host.ctx.engine.jobs;
});
afterAll(async () => {
  await host.close();
  await removeTempDirs();
});

/** Sets the stock an order holds, as the order pull does, in a unit of its own. */
function holdFor(order: Order, shop: Shop): Promise<boolean> {
  return jobs.repos.write(async (w) => applyCommitmentIn(w, (await w.settings.get()).catalogue, order, shop, { at: jobs.clock.now(), cause: 'order-edit' }));
}

interface ShopSpec {
  mapping: number; // index into LOCATIONS, or -1 for combined
  buffer: number;
}

type Step =
  | { kind: 'stock'; sku: number; location: number; quantity: number }
  | { kind: 'sell'; shop: number; sku: number; share: number }
  | { kind: 'ship'; order: number; share: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'refund'; order: number; share: number; full: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('stock' as const), sku: fc.nat(SKUS.length - 1), location: fc.nat(LOCATIONS.length - 1), quantity: fc.nat(15) }),
  fc.record({ kind: fc.constant('sell' as const), shop: fc.nat(7), sku: fc.nat(SKUS.length - 1), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('sell' as const), shop: fc.nat(7), sku: fc.nat(SKUS.length - 1), share: fc.constant(1) }),
  fc.record({ kind: fc.constant('ship' as const), order: fc.nat(50), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(50) }),
  fc.record({ kind: fc.constant('refund' as const), order: fc.nat(50), share: fc.double({ min: 0, max: 1, noNaN: true }), full: fc.boolean() }),
);

const scenario = fc.record({
  locations: fc.integer({ min: 1, max: LOCATIONS.length }),
  shops: fc.array(fc.record({ mapping: fc.integer({ min: -1, max: LOCATIONS.length - 1 }), buffer: fc.oneof(fc.constant(0), fc.nat(3)) }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(step, { minLength: 1, maxLength: 40 }),
});

function shopOf(spec: ShopSpec, i: number, locations: string[]): Shop {
  const location: LocationMapping = spec.mapping < 0 ? { kind: 'combined' } : { kind: 'location', location: locations[spec.mapping % locations.length]! };
  return Shop.parse({ platform: 'woocommerce', name: `Shop ${i}`, prefix: `S${i}`, url: 'https://shop.example.com', location, safetyBuffer: spec.buffer, secretRef: `shop:${i}`, addedAt: '2026-01-01T00:00:00.000Z' });
}

function orderOf(shop: Shop, n: number, sku: string, quantity: number): Order {
  const at = '2026-06-10T12:00:00.000Z';
  return {
    shop: shop.name, remoteId: String(n), number: `${shop.prefix}:${n}`, remoteNumber: String(n), status: 'processing', currency: 'EUR', total: '0.00',
    customer: { email: `c${n}@example.com`, firstName: '', lastName: '', phone: '', company: '' },
    lines: [{ lineId: `${n}-1`, sku, name: sku, quantity, refundedQuantity: 0, productId: '1', total: '0.00' }],
    meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** Units of `sku` held per location by location-bound orders, and the pooled demand of combined ones. */
function demandOf(sku: string): { bound: Map<string, number>; pooled: number } {
  const bound = new Map<string, number>();
  let pooled = 0;
  for (const c of Object.values(jobs.store.stock.data.commitments)) {
    const q = c.lines[sku] ?? 0;
    if (c.location === null) pooled += q;
    else bound.set(c.location, (bound.get(c.location) ?? 0) + q);
  }
  return { bound, pooled };
}

const onHandAt = (sku: string, location: string) => jobs.store.stock.data.items[sku]?.onHand[location] ?? 0;

/**
 * Can the hub ship every open order of `sku`, plus `extra` units for a new order from `source`?
 * Bound demand must fit at its location; pooled demand is then allocated unit by unit to whatever
 * locations have left over. Bound demand that no longer fits (the merchant lowered stock) is left
 * out when `ignoreBroken`, so a location's own shortfall is not blamed on another location's shop.
 */
function shippable(sku: string, locations: string[], source: LocationMapping | null, extra: number, ignoreBroken: boolean): boolean {
  const { bound, pooled } = demandOf(sku);
  if (source?.kind === 'location') bound.set(source.location, (bound.get(source.location) ?? 0) + extra);
  let pool = pooled + (source?.kind === 'combined' ? extra : 0);
  for (const location of locations) {
    const have = onHandAt(sku, location);
    const need = bound.get(location) ?? 0;
    const brokenBefore = need - (source?.kind === 'location' && source.location === location ? extra : 0) > have;
    if (need > have) {
      if (ignoreBroken && brokenBefore && !(source?.kind === 'location' && source.location === location && extra > 0)) continue;
      return false;
    }
    let left = have - need;
    while (left > 0 && pool > 0) {
      left--;
      pool--;
    }
  }
  return pool === 0;
}

/** The largest new order from the shop's source the hub could ship without taking held units. */
function largestShippableOrder(sku: string, locations: string[], shop: Shop): number {
  let x = 0;
  const total = locations.reduce((a, l) => a + onHandAt(sku, l), 0);
  while (x < total && shippable(sku, locations, shop.location, x + 1, true)) x++;
  return x;
}

const everythingShippable = (locations: string[]) => SKUS.every((sku) => shippable(sku, locations, null, 0, false));

describe('availability under random histories (mixed mappings, buffers)', () => {
  test.prop([scenario], runsWith(300))('never offers what cannot ship, after every step', async ({ locations: locationCount, shops: specs, steps }) => {
    const locations = LOCATIONS.slice(0, locationCount);
    const shops = specs.map((spec, i) => shopOf(spec, i, locations));
    // A fresh stock master per run (in memory; nothing here is saved).
    jobs.store.stock.data.items = {};
    jobs.store.stock.data.commitments = {};
    const orders: Order[] = [];
    let pushed = new Map(await Promise.all(shops.map(async (s) => [s.name, await desiredStock(jobs.repos, s)] as const)));

    for (const [n, s] of steps.entries()) {
      const wasShippable = everythingShippable(locations);
      if (s.kind === 'stock') {
        const sku = SKUS[s.sku]!;
        const item = (jobs.store.stock.data.items[sku] ??= { sku, onHand: {} });
        item.onHand[locations[s.location % locations.length]!] = s.quantity;
      } else if (s.kind === 'sell') {
        const shop = shops[s.shop % shops.length]!;
        const sku = SKUS[s.sku]!;
        // The customer can buy at most what the shop shows: what it was last pushed.
        const quantity = Math.ceil(s.share * (pushed.get(shop.name)!.get(sku) ?? 0));
        if (quantity > 0) {
          const order = orderOf(shop, n, sku, quantity);
          orders.push(order);
          await holdFor(order, shop);
        }
      } else if (orders.length > 0) {
        const order = orders[s.order % orders.length]!;
        const shop = shops.find((x) => x.name === order.shop)!;
        if (s.kind === 'ship') shipSome(order, shop, locations, s.share, n);
        else if (s.kind === 'cancel') order.status = 'cancelled';
        else if (s.full) order.status = 'refunded';
        else for (const line of order.lines) line.refundedQuantity = Math.max(line.refundedQuantity, Math.floor(s.share * line.quantity));
        await holdFor(order, shop);
      }

      // The engine pushes after every change; this is what each shop is sent.
      pushed = new Map(await Promise.all(shops.map(async (shop) => [shop.name, await desiredStock(jobs.repos, shop)] as const)));
      const where = `after step ${n} (${JSON.stringify(s)})`;
      if (s.kind !== 'stock' && wasShippable) expect(everythingShippable(locations), `orders became unshippable ${where}`).toBe(true);
      const noneOverCommitted = locations.every((l) => SKUS.every((sku) => (demandOf(sku).bound.get(l) ?? 0) <= onHandAt(sku, l)));
      for (const shop of shops) {
        for (const sku of SKUS) {
          if (!jobs.store.stock.data.items[sku]) continue;
          const offered = pushed.get(shop.name)!.get(sku)!;
          const bound = largestShippableOrder(sku, locations, shop);
          const label = `${shop.name} (${JSON.stringify(shop.location)}, buffer ${shop.safetyBuffer}) ${sku} ${where}`;
          expect(offered, label).toBeGreaterThanOrEqual(0);
          expect(offered, label).toBeLessThanOrEqual(bound);
          if (shop.safetyBuffer > 0) expect(offered === 0 || offered > shop.safetyBuffer, label).toBe(true);
          if (shop.safetyBuffer === 0 && noneOverCommitted && everythingShippable(locations)) expect(offered, label).toBe(bound);
        }
      }
    }
  });
});

/**
 * Ships part of what the order still owes, as a merchant would: a location-mapped shop's order from
 * its location, a combined shop's order from locations with units not held by their own orders.
 */
function shipSome(order: Order, shop: Shop, locations: string[], share: number, n: number): void {
  if (order.status === 'cancelled' || order.status === 'refunded') return;
  for (const [sku, owed] of outstandingBySku(order)) {
    let toShip = Math.ceil(share * owed);
    const from = shop.location.kind === 'location' ? [shop.location.location] : locations;
    for (const location of from) {
      if (toShip === 0) break;
      const free = shop.location.kind === 'location' ? onHandAt(sku, location) : onHandAt(sku, location) - (demandOf(sku).bound.get(location) ?? 0);
      const quantity = Math.min(toShip, Math.max(0, free));
      if (quantity === 0) continue;
      jobs.store.stock.data.items[sku]!.onHand[location] = onHandAt(sku, location) - quantity;
      order.shipments.push({ id: `S${n}-${location}`, orderNumber: order.number, date: '2026-06-11', carrier: 'DHL', tracking: `T${n}`, location, lines: [{ sku, quantity }], recordedAt: '2026-06-11T10:00:00.000Z' });
      toShip -= quantity;
    }
  }
}
