// Shipping to Shopify where an order's items sit at several locations: one fulfillmentCreate per
// location (Shopify refuses fulfillment orders of two locations in one call), tracking on each,
// exactly once when an answer is lost, and fulfillment orders on hold or scheduled reported in words.
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/platforms/http';
import { createShopifyConnector } from '../../core/platforms/shopify/connector';
import type { ShopConnector } from '../../core/platforms/types';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';

let shop: ShopifySandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

async function twoLocationShop(): Promise<ShopifySandbox> {
  shop = await startShopifySandbox({ locations: ['Main store', 'Warehouse'], seed: { products: 10 }, bucket: { maximumAvailable: 2000, restoreRate: 20_000 } });
  shop.setInventory('SKU-00003', 20, 'Warehouse');
  shop.setInventory('SKU-00004', 20, 'Warehouse');
  return shop;
}

const connect = (s: ShopifySandbox): ShopConnector => createShopifyConnector({ domain: s.domain }, { token: s.token }, { limits: { retries: 1, backoffLimitMs: 50 } });
const fulfils = (s: ShopifySandbox) => s.operations.filter((o) => o.name === 'BackroomFulfil');
const LINES = [
  { sku: 'SKU-00001', quantity: 2, location: 'Main store' },
  { sku: 'SKU-00003', quantity: 1, location: 'Warehouse' },
  { sku: 'SKU-00004', quantity: 3, location: 'Warehouse' },
];
const shipment = { shipmentId: 'S1', date: '2026-11-30', carrier: 'DHL', tracking: 'JD0001', lines: LINES.map(({ sku, quantity }) => ({ sku, quantity })) };

/** Units fulfilled per location name, from the shop's records. */
function shippedByLocation(s: ShopifySandbox, orderId: number): Record<string, Record<string, number>> {
  const order = s.state.order(orderId);
  const out: Record<string, Record<string, number>> = {};
  for (const f of order.fulfillments) {
    for (const l of f.lines) {
      const fo = order.fulfillmentOrders.find((x) => x.lineItems.some((li) => li.lineItemId === l.lineItemId))!;
      const where = s.state.locations.find((loc) => loc.id === fo.locationId)!.name;
      const sku = order.lineItems.find((li) => li.id === l.lineItemId)!.sku!;
      (out[where] ??= {})[sku] = (out[where]?.[sku] ?? 0) + l.quantity;
    }
  }
  return out;
}

describe('Shopify fulfilment across locations', () => {
  it('sends one fulfillmentCreate per location, each with the carrier and tracking number', async () => {
    const s = await twoLocationShop();
    const order = s.addOrder({ lines: LINES });
    expect(order.fulfillmentOrders).toHaveLength(2);
    await connect(s).addShipment(String(order.id), shipment);
    expect(fulfils(s).map((o) => o.errors)).toEqual([[], []]);
    expect(shippedByLocation(s, order.id)).toEqual({ 'Main store': { 'SKU-00001': 2 }, Warehouse: { 'SKU-00003': 1, 'SKU-00004': 3 } });
    expect(s.fulfillmentsOf(order.id).map((f) => f.trackingInfo)).toEqual([
      [{ company: 'DHL', number: 'JD0001', url: null }],
      [{ company: 'DHL', number: 'JD0001', url: null }],
    ]);
    expect(s.state.displayFulfillmentStatus(s.state.order(order.id))).toBe('FULFILLED');
  });

  it('sends each location once when an answer is lost after Shopify made the fulfillment', async () => {
    const s = await twoLocationShop();
    const order = s.addOrder({ lines: LINES });
    const c = connect(s);
    s.failAfterCommit('BackroomFulfil');
    const lost = await c.addShipment(String(order.id), shipment).then(
      () => null,
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(PlatformError);
    expect(s.fulfillmentsOf(order.id)).toHaveLength(1);
    // The retry looks on the shop first and sends only the location still missing.
    await c.addShipment(String(order.id), shipment);
    await c.addShipment(String(order.id), shipment);
    expect(s.fulfillmentsOf(order.id)).toHaveLength(2);
    expect(shippedByLocation(s, order.id)).toEqual({ 'Main store': { 'SKU-00001': 2 }, Warehouse: { 'SKU-00003': 1, 'SKU-00004': 3 } });
    expect(fulfils(s)).toHaveLength(2);
  });

  it('ships what it can and names the location and reason of a fulfillment order on hold or scheduled', async () => {
    const s = await twoLocationShop();
    const held = s.addOrder({ lines: LINES });
    s.holdFulfillment(held.id, 'AWAITING_PAYMENT', 'Warehouse');
    const c = connect(s);
    const error = await c.addShipment(String(held.id), shipment).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).message).toMatch(/on hold at Warehouse.*awaiting payment/i);
    expect(shippedByLocation(s, held.id)).toEqual({ 'Main store': { 'SKU-00001': 2 } });
    // Released on Shopify: the retry sends only the rest.
    const fo = s.state.order(held.id).fulfillmentOrders.find((f) => f.status === 'ON_HOLD')!;
    fo.status = 'OPEN';
    fo.holds = [];
    await c.addShipment(String(held.id), shipment);
    expect(shippedByLocation(s, held.id)).toEqual({ 'Main store': { 'SKU-00001': 2 }, Warehouse: { 'SKU-00003': 1, 'SKU-00004': 3 } });

    const scheduled = s.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    s.scheduleFulfillment(scheduled.id, '2027-01-15T09:00:00Z');
    const later = await c.addShipment(String(scheduled.id), { ...shipment, lines: [{ sku: 'SKU-00001', quantity: 1 }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((later as PlatformError).message).toMatch(/scheduled.*2027-01-15/);
    expect(s.fulfillmentsOf(scheduled.id)).toHaveLength(0);
  });
});
