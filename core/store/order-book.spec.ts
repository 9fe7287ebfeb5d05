// OrderBook on a real directory: month files are rebuilt from cached per-order text, and must
// always be exactly what JSON.stringify of the same data gives (never a stale order).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers';
import { orderKey, type Order } from '../model';
import { MonthText, OrderBook } from './order-book';
import type { OrdersMonth } from './layout';

afterAll(removeTempDirs);

function order(remoteId: string, createdAt: string, shop = 'Main shop'): Order {
  return {
    shop, remoteId, number: `WO:${remoteId}`, remoteNumber: remoteId, status: 'processing', currency: 'EUR', total: '12.50',
    customer: { email: 'müller@example.com', firstName: 'Jürgen', lastName: 'Müller', phone: '', company: '' },
    lines: [{ lineId: `${remoteId}0`, sku: 'SKU-1', name: 'Tote – Natural', quantity: 2, refundedQuantity: 0, productId: '7', total: '10.00' }],
    meta: {}, createdAt, modifiedAt: createdAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** What is on disk for a month, as text, and what JSON.stringify makes of the book's data for it. */
async function monthOnDisk(dir: string, month: string): Promise<string> {
  return readFile(join(dir, `${month}.json`), 'utf8');
}

async function expected(book: OrderBook, month: string): Promise<string> {
  const orders: Record<string, Order> = {};
  for await (const o of book.all()) if (o.createdAt.startsWith(month)) orders[orderKey(o)] = o;
  // Same key order as the book: insertion order of the month's orders object.
  return JSON.stringify(orders);
}

describe('OrderBook month files', () => {
  it('writes exactly JSON.stringify of the month after stage, put, mutate-then-stage and mutate-then-put', async () => {
    const dir = await tempDir();
    const book = new OrderBook(dir);
    const a = order('1', '2026-03-01T10:00:00.000Z');
    const b = order('2', '2026-03-02T10:00:00.000Z');
    const c = order('3', '2026-03-03T10:00:00.000Z', 'Outlet');
    const april = order('4', '2026-04-01T00:00:00.000Z');

    await book.stage(a);
    await book.stage(b);
    await book.stage(april);
    await book.write(book.seal());
    const check = async () => {
      const text = await monthOnDisk(dir, '2026-03');
      const month = JSON.parse(text) as OrdersMonth;
      expect(Object.keys(month)).toEqual(['schemaVersion', 'month', 'orders']);
      expect(text).toBe(JSON.stringify({ schemaVersion: 1, month: '2026-03', orders: JSON.parse(await expected(book, '2026-03')) as unknown }));
      return month;
    };
    await check();

    // The same object changed in place, then staged: the cached text must not survive.
    a.status = 'completed';
    a.lines[0]!.refundedQuantity = 1;
    await book.stage(a);
    await book.write(book.seal());
    expect((await check()).orders[orderKey(a)]!.status).toBe('completed');

    // Changed after stage() but before the write starts: the write takes the latest state.
    b.status = 'on-hold';
    await book.stage(b);
    b.total = '99.99';
    await book.write(book.seal());
    expect((await check()).orders[orderKey(b)]!.total).toBe('99.99');

    // A replacement object (as the order pull makes), a new order, and put() of an in-place change.
    // put() writes its own order only: a staged one waits for the write of its sealed batch.
    await book.stage({ ...a, status: 'refunded' });
    await book.put(c);
    const onDisk = JSON.parse(await monthOnDisk(dir, '2026-03')) as OrdersMonth;
    expect([onDisk.orders[orderKey(a)]!.status, onDisk.orders[orderKey(c)]!.status]).toEqual(['completed', 'processing']);
    expect((await book.get(a.shop, a.remoteId, a.createdAt))!.status, 'readers see the staged order meanwhile').toBe('refunded');
    await book.write(book.seal());
    expect((await check()).orders[orderKey(a)]!.status).toBe('refunded');
    c.customer.company = 'Ærø – Gesellschaft "mbH"\n';
    await book.put(c);
    expect((await check()).orders[orderKey(c)]!.customer.company).toBe('Ærø – Gesellschaft "mbH"\n');

    // Shipments pushed in place, one after another, each staged and flushed (as the shipping push does).
    const shipped = (await book.findByNumber('WO:2'))!;
    shipped.shipments.push({ id: 'S1', orderNumber: 'WO:2', date: '2026-03-05', carrier: 'DHL', tracking: 'T1', location: 'Warehouse', lines: [{ sku: 'SKU-1', quantity: 2 }], recordedAt: '2026-03-05T09:00:00.000Z' });
    await book.stage(shipped);
    await book.write(book.seal());
    shipped.shipments[0]!.pushedAt = '2026-03-05T09:01:00.000Z';
    await book.stage(shipped);
    await book.write(book.seal());
    expect((await check()).orders[orderKey(b)]!.shipments[0]!.pushedAt).toBe('2026-03-05T09:01:00.000Z');

    // A fresh book reads back what was written, and its first save is again exact.
    const again = new OrderBook(dir);
    const reread = (await again.get('Main shop', '2', '2026-03-02T10:00:00.000Z'))!;
    expect(reread).toEqual(shipped);
    reread.status = 'completed';
    await again.put(reread);
    const text = await monthOnDisk(dir, '2026-03');
    expect(text).toBe(JSON.stringify({ schemaVersion: 1, month: '2026-03', orders: JSON.parse(await expected(again, '2026-03')) as unknown }));
    expect(await monthOnDisk(dir, '2026-04')).toBe(JSON.stringify({ schemaVersion: 1, month: '2026-04', orders: { [orderKey(april)]: april } }));
  });

  it('keeps the file plain JSON with a readable layout for an existing month file written by an older Backroom', async () => {
    const dir = await tempDir();
    const old = { schemaVersion: 1, month: '2025-12', orders: { 'Main shop#9': order('9', '2025-12-24T18:00:00.000Z') } };
    await writeFile(join(dir, '2025-12.json'), JSON.stringify(old));
    const book = new OrderBook(dir);
    const o = (await book.findByNumber('WO:9'))!;
    o.status = 'completed';
    await book.put(o);
    expect(await monthOnDisk(dir, '2025-12')).toBe(JSON.stringify({ ...old, orders: { 'Main shop#9': o } }));
  });

  it('gives two callers opening the same month at once one shared copy, so neither change is lost', async () => {
    const dir = await tempDir();
    const book = new OrderBook(dir);
    await Promise.all([book.stage(order('1', '2026-05-01T00:00:00.000Z')), book.stage(order('2', '2026-05-02T00:00:00.000Z'))]);
    await book.write(book.seal());
    const month = JSON.parse(await monthOnDisk(dir, '2026-05')) as OrdersMonth;
    expect(Object.keys(month.orders).sort()).toEqual(['Main shop#1', 'Main shop#2']);
  });
});

describe('OrderBook months held in memory', () => {
  const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
  const inMonth = (month: string, id: string) => order(id, `${month}-15T12:00:00.000Z`);

  /** A folder with one order in each of the twelve months of 2025, and a book just opened on it. */
  async function yearOnDisk(kept: number): Promise<{ dir: string; book: OrderBook }> {
    const dir = await tempDir();
    const writer = new OrderBook(dir);
    for (const [i, month] of months.entries()) await writer.stage(inMonth(month, String(i + 1)));
    await writer.write(writer.seal());
    return { dir, book: new OrderBook(dir, undefined, kept) };
  }

  it('keeps only the most recently used clean months when a reader walks every month', async () => {
    const { book } = await yearOnDisk(2);
    let seen = 0;
    for await (const month of book.byMonth()) seen += month.length;
    expect(seen).toBe(12);
    // Newest month first: the two read last are the oldest.
    expect(book.heldMonths()).toEqual(['2025-02', '2025-01']);
    await book.get('Main shop', '12', '2025-12-15T12:00:00.000Z');
    expect(book.heldMonths()).toEqual(['2025-01', '2025-12']);
  });

  it('never drops a month with staged orders: the next batch writes them, and readers see them meanwhile', async () => {
    const { dir, book } = await yearOnDisk(1);
    const changed = { ...inMonth('2025-03', '3'), status: 'completed' };
    await book.stage(changed);
    const added = inMonth('2025-03', '99');
    await book.stage(added);
    for await (const month of book.byMonthOldestFirst()) expect(month.length).toBeGreaterThan(0);
    expect(book.heldMonths()).toContain('2025-03');
    expect((await book.get('Main shop', '3', changed.createdAt))?.status).toBe('completed');
    expect(await book.findByNumber('WO:99')).toEqual(added);
    await book.write(book.seal());
    const march = JSON.parse(await monthOnDisk(dir, '2025-03')) as OrdersMonth;
    expect(march.orders['Main shop#3']?.status).toBe('completed');
    expect(Object.keys(march.orders)).toEqual(['Main shop#3', 'Main shop#99']);
  });

  it('loses no change when many months are staged into at once and each opening drops others', async () => {
    const { dir, book } = await yearOnDisk(0);
    await Promise.all(months.map((month, i) => book.stage({ ...inMonth(month, String(i + 1)), status: 'completed' })));
    await book.write(book.seal());
    const again = new OrderBook(dir);
    const statuses: string[] = [];
    for await (const o of again.all()) statuses.push(o.status);
    expect(statuses).toEqual(months.map(() => 'completed'));
  });

  it('reads a dropped month again from its file, with the orders put into it before', async () => {
    const { book } = await yearOnDisk(1);
    const put = { ...inMonth('2025-06', '6'), status: 'cancelled' };
    await book.put(put);
    for await (const month of book.byMonth()) void month;
    expect(book.heldMonths()).not.toContain('2025-06');
    expect(await book.get('Main shop', '6', put.createdAt)).toEqual(put);
  });
});

describe('MonthText', () => {
  it('equals JSON.stringify for any mix of fields, reused pieces, replaced, changed and removed orders', () => {
    const text = new MonthText();
    const a = order('1', '2026-01-01T00:00:00.000Z');
    const b = order('2', '2026-01-02T00:00:00.000Z');
    const data: OrdersMonth = { schemaVersion: 1, month: '2026-01', orders: { [orderKey(a)]: a, [orderKey(b)]: b } };
    const same = () => expect(Buffer.concat(text.serialize(data)).toString('utf8')).toBe(JSON.stringify(data));
    same();
    same(); // every piece reused
    a.status = 'cancelled';
    text.forget(orderKey(a));
    same();
    data.orders[orderKey(b)] = { ...b, total: '1.00' }; // a new object under the same key, without forget()
    same();
    delete data.orders[orderKey(a)];
    same();
    (data as unknown as Record<string, unknown>).note = undefined; // JSON.stringify leaves undefined out
    (data as unknown as Record<string, unknown>).extra = ['x', { y: 'ü' }];
    same();
    data.orders = {};
    same();
  });
});
