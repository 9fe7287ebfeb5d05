import { describe, expect, it } from 'vitest';
import { copyRecord } from '../../core/store/copy';

describe('copyRecord (the JSON repositories\' copies)', () => {
  const order = {
    shop: 'Main', remoteId: '1', status: 'processing', total: '9.90', note: undefined, gift: null,
    customer: { email: 'ann@example.com', name: 'Ann' },
    lines: [{ lineId: '1', sku: 'MUG', quantity: 2, refundedQuantity: 0 }],
    meta: { tags: ['a', 'b'], nested: { deep: [1, [2, 3]] } },
    shipments: [],
  };

  it('gives what structuredClone gives for plain data, undefined fields included', () => {
    const copied = copyRecord(order);
    expect(copied).toStrictEqual(structuredClone(order));
    expect(Object.keys(copied)).toEqual(Object.keys(order));
  });

  it('shares nothing with the original: changing the copy at any depth changes nothing in it', () => {
    const copied = copyRecord(order);
    copied.customer.name = 'Bob';
    copied.lines[0]!.quantity = 9;
    copied.lines.push({ lineId: '2', sku: 'CUP', quantity: 1, refundedQuantity: 0 });
    (copied.meta.nested.deep[1] as number[])[0] = 7;
    expect(order.customer.name).toBe('Ann');
    expect(order.lines).toEqual([{ lineId: '1', sku: 'MUG', quantity: 2, refundedQuantity: 0 }]);
    expect(order.meta.nested.deep).toEqual([1, [2, 3]]);
  });

  it('keeps an own "__proto__" key as data, as JSON.parse made it', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const copied = copyRecord(parsed);
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.hasOwn(copied, '__proto__')).toBe(true);
    expect((copied as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('copies what is not plain data as structuredClone does', () => {
    const at = new Date('2026-11-02T10:00:00Z');
    const copied = copyRecord({ at, seen: new Map([['a', 1]]) });
    expect(copied.at).not.toBe(at);
    expect(copied.at.getTime()).toBe(at.getTime());
    expect(copied.seen.get('a')).toBe(1);
  });
});
