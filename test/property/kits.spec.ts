// Property: kits (bundles) and their parts are never offered beyond what can ship (SPEC §2, "Kits
// derive from their parts the same way"), together, on shops mixed between one location and all
// locations, with shop-specific SKU aliases.
//
// The world: parts P0..P3 with stock per location A, B, C; kits K0..K2, each made of 1–3 parts or
// earlier kits (so kits share parts and nest); 1–4 shops, each tied to a location or combined, with a
// safety buffer of 0–2, some spelling a SKU their own way (an alias). A random history of stock edits,
// sales (of parts, kits or aliased SKUs, up to what the shop is offered at that moment), shipments
// and cancellations runs through the engine's own functions: `commitmentFor` (what an order holds:
// aliases resolved, kits as their parts) and `desiredQuantities` (what each shop is offered).
//
// "Can ship" is decided independently of those functions. Each part is allocated on its own (a
// combined shop's order may ship different parts from different locations, as shipments allow): an
// order of a location-tied shop must ship from that location; a combined shop's order from any.
// The set of open orders can ship iff, for every part, each location's on hand covers what its own
// orders hold, and what is left over across locations covers the pooled (combined) demand.
//
// The invariants, checked after every step, whenever the open orders can ship at all (only the
// merchant lowering stock can make them unshippable; that is not held against the hub):
//   1. Any single offer is safe: for every shop and every SKU it is offered o > 0 of (part, kit or
//      alias), one more order of o units of that SKU on that shop, expanded to its parts, still
//      leaves every order shippable. This is "any single shop sells all it is offered of a SKU".
//   2. No under-offering: with no safety buffer the offer is the largest such o — o + 1 would not ship.
//      With a buffer b, the offer is 0 or the unbuffered offer, and then more than b.
//   3. An alias is offered exactly what its catalogue SKU would be.
//   4. Sales accepted within the offers (each checked against the offer at its moment, as the
//      engine pushes after every pull) keep every order shippable.
// Not promised, by design: that one shop can sell all its offers of every SKU at the same moment,
// or several shops their offers of the same SKU. A part shared by two kits is offered inside both,
// as one SKU is offered on several shops; the push after each sale, and the safety buffer, guard
// the moment between (SPEC §2).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { commitmentFor } from '../../core/jobs/commitments';
import {
  desiredQuantities, orderKey, type Bundle, type CatalogueRules, type Commitment, type LocationMapping, type Order, type SkuAlias, type StockItem,
} from '../../core/model';
import { runsWith } from './seed';

const LOCATIONS = ['A', 'B', 'C'];
const PARTS = ['P0', 'P1', 'P2', 'P3'];
const KITS = ['K0', 'K1', 'K2'];

interface World {
  locations: string[];
  items: Record<string, StockItem>;
  commitments: Record<string, Commitment>;
  catalogue: CatalogueRules;
  shops: { name: string; location: LocationMapping; safetyBuffer: number }[];
  orders: Map<string, Order>;
}

const kitArb = (i: number) => fc.uniqueArray(fc.record({ of: fc.nat(PARTS.length + i - 1), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3, selector: (p) => p.of });

type Step =
  | { kind: 'stock'; part: number; location: number; quantity: number }
  | { kind: 'sell'; shop: number; sku: number; share: number }
  | { kind: 'ship'; order: number }
  | { kind: 'cancel'; order: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stock' as const), part: fc.nat(PARTS.length - 1), location: fc.nat(LOCATIONS.length - 1), quantity: fc.nat(20) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sell' as const), shop: fc.nat(7), sku: fc.nat(20), share: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ship' as const), order: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(40) }) },
);

const scenario = fc.record({
  locations: fc.integer({ min: 1, max: LOCATIONS.length }),
  kits: fc.tuple(kitArb(0), kitArb(1), kitArb(2)),
  shops: fc.array(fc.record({ mapping: fc.integer({ min: -1, max: LOCATIONS.length - 1 }), buffer: fc.oneof(fc.constant(0), fc.nat(2)), alias: fc.option(fc.nat(PARTS.length + KITS.length - 1), { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
  stock: fc.array(fc.nat(12), { minLength: PARTS.length * LOCATIONS.length, maxLength: PARTS.length * LOCATIONS.length }),
  steps: fc.array(step, { minLength: 1, maxLength: 30 }),
});

/** Units of `part` held per location by location-bound orders, and the pooled demand of combined ones. */
function demand(commitments: Record<string, Commitment>, part: string): { bound: Map<string, number>; pooled: number } {
  const bound = new Map<string, number>();
  let pooled = 0;
  for (const c of Object.values(commitments)) {
    const q = c.lines[part] ?? 0;
    if (c.location === null) pooled += q;
    else bound.set(c.location, (bound.get(c.location) ?? 0) + q);
  }
  return { bound, pooled };
}

function shippable(world: World, commitments: Record<string, Commitment>): boolean {
  for (const part of PARTS) {
    const { bound, pooled } = demand(commitments, part);
    let leftOver = 0;
    for (const location of world.locations) {
      const have = world.items[part]?.onHand[location] ?? 0;
      const need = bound.get(location) ?? 0;
      if (need > have) return false;
      leftOver += have - need;
    }
    for (const location of bound.keys()) if (!world.locations.includes(location)) return false;
    if (pooled > leftOver) return false;
  }
  return true;
}

let orderSeq = 0;
function orderOf(shop: string, sku: string, quantity: number): Order {
  const n = ++orderSeq;
  const at = '2026-06-10T12:00:00.000Z';
  return {
    shop, remoteId: String(n), number: `S:${n}`, remoteNumber: String(n), status: 'processing', currency: 'EUR', total: '0.00',
    customer: { email: `c${n}@example.com`, firstName: '', lastName: '', phone: '', company: '' },
    lines: [{ lineId: `${n}-1`, sku, name: sku, quantity, refundedQuantity: 0, productId: '1', total: '0.00' }],
    meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** The commitments with one more order of `quantity` × `sku` on `shop`, expanded by the engine's own rule. */
function withOrder(world: World, shopIndex: number, sku: string, quantity: number): Record<string, Commitment> {
  const shop = world.shops[shopIndex]!;
  const order = orderOf(shop.name, sku, quantity);
  const held = commitmentFor(order, shop, world.catalogue);
  return held ? { ...world.commitments, [orderKey(order)]: held } : world.commitments;
}


function worldOf(s: { locations: number; kits: { of: number; quantity: number }[][]; shops: { mapping: number; buffer: number; alias?: number }[]; stock: number[] }): World {
  const locations = LOCATIONS.slice(0, s.locations);
  const items: Record<string, StockItem> = {};
  PARTS.forEach((part, p) => {
    items[part] = { sku: part, onHand: Object.fromEntries(locations.map((l, i) => [l, s.stock[p * LOCATIONS.length + i]!])) };
  });
  const bundles: Record<string, Bundle> = {};
  s.kits.forEach((parts, i) => {
    // Kit i may contain parts and the kits before it: sharing and nesting, never a circle.
    const names = [...PARTS, ...KITS.slice(0, i)];
    bundles[KITS[i]!] = { sku: KITS[i]!, parts: parts.map((p) => ({ sku: names[p.of % names.length]!, quantity: p.quantity })), addedAt: '2026-01-01T00:00:00.000Z' };
  });
  const aliases: SkuAlias[] = [];
  const shops = s.shops.map((spec, i) => {
    const name = `Shop ${i}`;
    if (spec.alias !== undefined) aliases.push({ shopSku: `shop${i}-${[...PARTS, ...KITS][spec.alias]}`, sku: [...PARTS, ...KITS][spec.alias]!, shop: name, addedAt: '2026-01-01T00:00:00.000Z' });
    const location: LocationMapping = spec.mapping < 0 ? { kind: 'combined' } : { kind: 'location', location: locations[spec.mapping % locations.length]! };
    return { name, location, safetyBuffer: spec.buffer };
  });
  return { locations, items, commitments: {}, catalogue: { aliases, bundles, unlinked: {} }, shops, orders: new Map() };
}

function offers(world: World, shopIndex: number): Map<string, number> {
  return desiredQuantities({ items: world.items, commitments: world.commitments, catalogue: world.catalogue }, world.shops[shopIndex]!);
}

function checkInvariants(world: World): void {
  if (!shippable(world, world.commitments)) return;
  world.shops.forEach((shop, i) => {
    const offered = offers(world, i);
    const unbuffered = desiredQuantities({ items: world.items, commitments: world.commitments, catalogue: world.catalogue }, { ...shop, safetyBuffer: 0 });
    for (const [sku, o] of offered) {
      const where = `${shop.name} (${shop.location.kind === 'combined' ? 'combined' : shop.location.location}, buffer ${shop.safetyBuffer}) offered ${o} × ${sku}`;
      expect(o, where).toBeGreaterThanOrEqual(0);
      if (o > 0) expect(shippable(world, withOrder(world, i, sku, o)), `${where}: selling them all cannot ship`).toBe(true);
      const exact = unbuffered.get(sku)!;
      expect(shippable(world, withOrder(world, i, sku, exact + 1)), `${where}: ${exact + 1} would still ship, so ${exact} offers too little`).toBe(false);
      if (shop.safetyBuffer > 0) {
        expect(o === 0 || (o === exact && o > shop.safetyBuffer), `${where}: buffer`).toBe(true);
      } else expect(o, where).toBe(exact);
    }
    for (const alias of world.catalogue.aliases) {
      if (alias.shop !== shop.name) continue;
      expect(offered.get(alias.shopSku), `${shop.name}: alias ${alias.shopSku} of ${alias.sku}`).toBe(desiredQuantities({ items: world.items, commitments: world.commitments, catalogue: { ...world.catalogue, aliases: [] } }, shop).get(alias.sku));
      expect(offered.has(alias.sku), `${shop.name} spells ${alias.sku} as ${alias.shopSku}; it is not pushed the catalogue spelling`).toBe(false);
    }
  });
}

function applyStep(world: World, st: Step): void {
  if (st.kind === 'stock') {
    if (st.location >= world.locations.length) return;
    world.items[PARTS[st.part]!]!.onHand[world.locations[st.location]!] = st.quantity;
    return;
  }
  if (st.kind === 'sell') {
    const i = st.shop % world.shops.length;
    const offered = [...offers(world, i)];
    const [sku, o] = offered[st.sku % offered.length]!;
    const quantity = Math.floor(o * st.share);
    if (quantity === 0) return;
    const wasShippable = shippable(world, world.commitments);
    const shop = world.shops[i]!;
    const order = orderOf(shop.name, sku, quantity);
    world.orders.set(orderKey(order), order);
    const held = commitmentFor(order, shop, world.catalogue);
    if (held) world.commitments[orderKey(order)] = held;
    if (wasShippable) expect(shippable(world, world.commitments), `sale of ${quantity} × ${sku} on ${shop.name} within its offer of ${o} cannot ship`).toBe(true);
    return;
  }
  const keys = [...world.orders.keys()].filter((k) => world.commitments[k]);
  if (keys.length === 0) return;
  const key = keys[st.order % keys.length]!;
  const held = world.commitments[key]!;
  if (st.kind === 'ship') {
    // Ship the whole order: a location-tied order from its location, a combined one part by part
    // from wherever there is enough; skipped when the shelf is short (the merchant would wait).
    const plan: [string, string, number][] = [];
    for (const [part, q] of Object.entries(held.lines)) {
      const from = held.location ?? world.locations.find((l) => (world.items[part]!.onHand[l] ?? 0) >= q);
      if (!from || (world.items[part]!.onHand[from] ?? 0) < q) return;
      plan.push([part, from, q]);
    }
    for (const [part, from, q] of plan) world.items[part]!.onHand[from] = world.items[part]!.onHand[from]! - q;
  }
  delete world.commitments[key];
}

describe('kits and parts under random catalogues, sales and mappings', () => {
  test.prop([scenario], runsWith(250))('never offers a kit or a part beyond what can ship, and never less', (s) => {
    orderSeq = 0;
    const world = worldOf(s);
    checkInvariants(world);
    for (const st of s.steps) {
      applyStep(world, st);
      checkInvariants(world);
    }
  });
});
