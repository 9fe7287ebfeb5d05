// The crash test's own checks on its Shopify shop must be able to fail: a fulfilment made twice, one
// missing, a stray tracking number, and stock offered beyond what one location or all of them hold.
import { afterAll, describe, expect, it } from 'vitest';
import type { FulfillmentRecord, OrderRecord } from '../../sandbox/shopify';
import { offeredAt, shopifyShipmentProblems, startCrashShopify, type CrashShopify } from './shopify-shop';

let shop: CrashShopify | undefined;
afterAll(async () => shop?.sandbox.close());

const buyer = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Ng' };

/** A fulfilment of every line of the order that ships from `locationId`, as fulfillmentCreate makes it. */
function fulfil(s: CrashShopify, order: OrderRecord, locationId: number, tracking: string): FulfillmentRecord {
  const lines = order.fulfillmentOrders.filter((fo) => fo.locationId === locationId).flatMap((fo) => fo.lineItems.map((li) => ({ lineItemId: li.lineItemId, quantity: li.totalQuantity })));
  return { id: s.sandbox.state.id(), status: 'SUCCESS', createdAt: order.createdAt, locationId, notifyCustomer: true, trackingInfo: [{ company: 'DHL', number: tracking, url: null }], lines };
}

describe('the crash test checks on its Shopify shop', () => {
  it('finds fulfilments made twice, missing or not the hub\'s', async () => {
    shop = await startCrashShopify(3, 'EUR');
    const [a, b] = shop.skus;
    const order = shop.place(buyer, [{ sku: a!, quantity: 2 }, { sku: b!, quantity: 1 }], { splitLocation: true });
    const [here, there] = order.fulfillmentOrders.map((fo) => fo.locationId);
    expect(there).toBeDefined();
    const hub = (trackings: string[]) => new Map([[order.id, trackings]]);

    expect(shopifyShipmentProblems(shop.sandbox, hub([]))).toEqual([]);
    expect(shopifyShipmentProblems(shop.sandbox, hub(['T1']))).toEqual([expect.stringContaining('tracking numbers none, the hub shipped T1'), expect.stringContaining(`0 of 2 × ${a}`), expect.stringContaining(`0 of 1 × ${b}`)]);

    order.fulfillments.push(fulfil(shop, order, here!, 'T1'));
    expect(shopifyShipmentProblems(shop.sandbox, hub(['T1']))).toEqual([expect.stringContaining(`0 of 1 × ${b}`)]);
    order.fulfillments.push(fulfil(shop, order, there!, 'T1'));
    expect(shopifyShipmentProblems(shop.sandbox, hub(['T1']))).toEqual([]);
    expect(shopifyShipmentProblems(shop.sandbox, hub([]))).toEqual([expect.stringContaining('tracking numbers T1, the hub shipped none')]);

    order.fulfillments.push(fulfil(shop, order, here!, 'T1'));
    expect(shopifyShipmentProblems(shop.sandbox, hub(['T1']))).toEqual([expect.stringContaining(`fulfilled twice: T1 @ ${here}`), expect.stringContaining(`4 of 2 × ${a}`)]);
    // A cancelled fulfilment shipped nothing.
    order.fulfillments[2]!.status = 'CANCELLED';
    expect(shopifyShipmentProblems(shop.sandbox, hub(['T1']))).toEqual([]);
  });

  it('offers a location no more than it holds free, nor more than all locations hold free', () => {
    const item = { sku: 'S', onHand: { Store: 10, Warehouse: 5 } };
    expect(offeredAt('Store', item, 'S', {})).toBe(10);
    expect(offeredAt('Store', item, 'S', { a: { location: 'Store', lines: { S: 8 } } })).toBe(2);
    expect(offeredAt('Store', item, 'S', { a: { location: 'Warehouse', lines: { S: 6 } }, b: { location: 'Store', lines: { S: 3 } } })).toBe(6);
    expect(offeredAt('Store', item, 'S', { a: { location: null, lines: { S: 14 } } })).toBe(1);
    expect(offeredAt('Warehouse', item, 'S', { a: { location: 'Warehouse', lines: { S: 9 } } })).toBe(0);
    expect(offeredAt('Store', undefined, 'S', {})).toBe(0);
  });
});
