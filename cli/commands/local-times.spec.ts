// What `orders list`, `orders show` and `carts list` print: times in the merchant's own zone, to
// the minute with the zone's name, never the raw UTC stamp (that stays in --json).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { CartView } from '../../core/api/namespaces/carts';
import type { Order } from '../../core/model';
import { localTime } from '../output';
import { formatCartList } from './carts';
import { formatOrder, formatOrderList } from './sync';

const order = (createdAt: string, modifiedAt: string): Order => ({
  shop: 'Main', remoteId: '7', number: 'WO:7', remoteNumber: '7', status: 'processing', currency: 'EUR', total: '10.00',
  customer: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', phone: '', company: '' },
  lines: [{ lineId: '71', sku: 'MUG-01', name: 'Mug', quantity: 1, refundedQuantity: 0, productId: '1', total: '10.00' }],
  meta: {}, createdAt, modifiedAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
});

const cart = (capturedAt: string, stateChangedAt: string): CartView => ({
  id: 'Main#1', shop: 'Main', state: 'abandoned', email: 'ann@example.com', name: 'Ann', total: '10.00', currency: 'EUR', items: 1, capturedAt, stateChangedAt, ageMinutes: 30, crmBlocked: false,
});

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland', 'UTC'];
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());

describe('local times in the order and cart lists', () => {
  it('orders show gives Berlin winter and summer times with their zone names', () => {
    const text = formatOrder(order('2026-01-15T10:30:00.000Z', '2026-07-01T08:05:00.000Z'), 'Europe/Berlin');
    expect(text).toContain('Created 2026-01-15 11:30 CET, modified 2026-07-01 10:05 CEST');
    expect(text).not.toContain('2026-01-15T10:30');
  });

  it('orders list and carts list give New York times', () => {
    const list = formatOrderList({ total: 1, orders: [{ number: 'WO:7', shop: 'Main', status: 'processing', fulfilment: 'unfulfilled', email: 'ann@example.com', total: '10.00', currency: 'EUR', createdAt: '2026-03-08T06:59:00.000Z', name: 'Ann Lee', lines: 1 }] }, 'America/New_York');
    expect(list).toContain('2026-03-08 01:59 GMT-5');
    const carts = formatCartList([cart('2026-03-08T07:00:00.000Z', '2026-03-08T07:20:00.000Z')], 'America/New_York');
    expect(carts).toContain('2026-03-08 03:00 GMT-4');
    expect(carts).toContain('2026-03-08 03:20 GMT-4');
  });

  test.prop([instant, instant, fc.constantFrom(...ZONES)], { numRuns: 300 })('every printed time is the local one, never the UTC stamp', (created, changed, zone) => {
    const shown = formatOrder(order(created, changed), zone);
    expect(shown).toContain(`Created ${localTime(created, zone)}, modified ${localTime(changed, zone)}`);
    const listed = formatOrderList({ total: 1, orders: [{ number: 'WO:7', shop: 'Main', status: 'processing', fulfilment: 'unfulfilled', email: 'a@example.com', total: '1.00', currency: 'EUR', createdAt: created, name: 'A', lines: 1 }] }, zone);
    expect(listed).toContain(localTime(created, zone));
    const carts = formatCartList([cart(created, changed)], zone);
    expect(carts).toContain(localTime(created, zone));
    for (const text of [shown, listed, carts]) expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
