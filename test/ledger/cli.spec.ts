// The stock ledger, returns, low stock and exports through the CLI, against a WooCommerce sandbox
// on 127.0.0.1: `stock why` tells the story of a SKU, `stock at` shows the past, `return` puts
// shipped units back once, `stock reorder-point` raises one alert per crossing, and `export` writes
// CSV that a spreadsheet opens without running anything in it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LowStockRow, StockStory } from '../../core/api/contract-ledger';
import type { LedgerPosition } from '../../core/model';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { cli, cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: WooSandbox;
let dir: string;
let number: string;

beforeAll(async () => {
  shop = await startWooSandbox({ seed: { products: 3 } });
  // A customer whose name would run as a formula in a spreadsheet.
  const order = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 3 }] });
  order.billing.first_name = '=HYPERLINK("http://x.example","y")';
  dir = await tempDir('br-cli-ledger-');
  okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
  okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '10', '--location', 'WH'])).doc);
  await writeFile(join(dir, 'stock.csv'), 'sku,location,quantity\nSKU-00001,WH,12\nSKU-00002,WH,4\n');
  okResult((await cliJson(dir, ['stock', 'import', join(dir, 'stock.csv')])).doc);
  okResult((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret, '--location', 'WH', '--no-check'])).doc);
  okResult((await cliJson(dir, ['sync', '--once'])).doc);
  number = okResult((await cliJson<{ orders: { number: string }[] }>(dir, ['orders', 'list'])).doc).orders[0]!.number;
});

afterAll(async () => {
  await shop.close();
  await removeTempDirs();
});

describe('stock why / stock at', () => {
  it('tells every change of a SKU with its cause and reference, and the totals add up', async () => {
    okResult((await cliJson(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1', '--lines', 'SKU-00001:2'])).doc);
    const story = okResult((await cliJson<StockStory>(dir, ['stock', 'why', 'SKU-00001'])).doc);
    const causes = story.entries.map((e) => [e.cause, e.measure, e.delta, e.ref ?? '']);
    expect(causes).toEqual([
      ['set', 'onHand', 10, ''],
      ['import', 'onHand', 2, 'stock.csv line 2'],
      ['order', 'committed', 3, number],
      ['shipment', 'onHand', -2, number],
      ['shipment', 'committed', -2, number],
    ]);
    expect(story.now).toEqual([{ sku: 'SKU-00001', location: 'WH', onHand: 10, committed: 1 }]);
    const human = await cli(['--data-dir', dir, 'stock', 'why', 'SKU-00001']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`held for orders at WH +3 → 3: order ${number} came in`);
    expect(human.stdout).toContain('on hand at WH +2 → 12: imported from stock.csv line 2');
  });

  it('shows stock as it was; a bad date or an unknown SKU exits 2 naming the field', async () => {
    const past = okResult((await cliJson<{ positions: LedgerPosition[] }>(dir, ['stock', 'at', '2000-01-01'])).doc);
    expect(past.positions).toEqual([]);
    const now = okResult((await cliJson<{ positions: LedgerPosition[] }>(dir, ['stock', 'at', new Date(Date.now() + 60_000).toISOString()])).doc);
    expect(now.positions.find((p) => p.sku === 'SKU-00002')).toMatchObject({ onHand: 4, committed: 0 });
    const bad = await cliJson(dir, ['stock', 'at', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.doc).toMatchObject({ ok: false, error: { field: 'at' } });
    const unknown = await cliJson(dir, ['stock', 'why', 'NOPE']);
    expect(unknown.code).toBe(2);
    expect((await cliJson(dir, ['stock', 'why', 'SKU-00001', '--limit', '0'])).code).toBe(2);
  });
});

describe('return', () => {
  it('puts shipped units back on hand once, and refuses more than was shipped', async () => {
    const booked = await cliJson(dir, ['return', number, '--lines', 'SKU-00001:1']);
    expect(booked.code).toBe(0);
    const list = okResult((await cliJson<{ sku: string; totalOnHand: number }[]>(dir, ['stock', 'list'])).doc);
    expect(list.find((i) => i.sku === 'SKU-00001')!.totalOnHand).toBe(11);
    const again = await cliJson(dir, ['return', number, '--lines', 'SKU-00001:2']);
    expect(again.code).toBe(2);
    expect(again.doc).toMatchObject({ ok: false, error: { field: 'lines' } });
    expect((await cliJson(dir, ['return', number, '--lines', 'SKU-00001:x'])).code).toBe(2);
    expect((await cliJson(dir, ['return', 'WO:404404', '--lines', 'SKU-00001:1'])).code).toBe(2);
    const story = okResult((await cliJson<StockStory>(dir, ['stock', 'why', 'SKU-00001'])).doc);
    expect(story.entries.at(-1)).toMatchObject({ cause: 'return', delta: 1, after: 11, ref: number });
  });
});

describe('low stock', () => {
  it('raises one alert on crossing the point, lists it with days of cover, clears it when stock rises', async () => {
    expect((await cliJson(dir, ['stock', 'reorder-point', 'SKU-00001', '-1'])).code).toBe(2);
    expect((await cliJson(dir, ['stock', 'reorder-point', 'SKU-00001', '2000000000'])).code).toBe(2);
    okResult((await cliJson(dir, ['stock', 'reorder-point', 'SKU-00001', '9'])).doc);
    // `alerts list` gives groups by kind; each low-stock alert in the group is one SKU's crossing.
    const alerts = () => cliJson<{ kind: string; alerts: { key: string }[] }[]>(dir, ['alerts', 'list']).then((r) => okResult(r.doc).filter((g) => g.kind === 'low-stock').flatMap((g) => g.alerts));
    expect(await alerts()).toEqual([]);
    // 11 on hand, 1 held: 10 free. Setting 9 on hand leaves 8 free: at or below 9.
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '9', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '8', '--location', 'WH'])).doc);
    expect(await alerts()).toHaveLength(1);
    const low = okResult((await cliJson<LowStockRow[]>(dir, ['stock', 'low'])).doc);
    expect(low).toEqual([{ sku: 'SKU-00001', point: 9, free: 7, soldLast30Days: 3, daysOfCover: 70 }]);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '20', '--location', 'WH'])).doc);
    expect(await alerts()).toEqual([]);
    expect(okResult((await cliJson<LowStockRow[]>(dir, ['stock', 'low'])).doc)).toEqual([]);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '3', '--location', 'WH'])).doc);
    expect(await alerts()).toHaveLength(1);
  });
});

describe('export', () => {
  it('writes CSV with a BOM that csv-parse reads back, formula cells escaped, ranges and paths validated', async () => {
    const out = join(dir, 'orders.csv');
    const run = okResult((await cliJson<{ files: { rows: number }[] }>(dir, ['export', 'orders', '--out', out])).doc);
    expect(run.files[0]!.rows).toBe(1);
    const bytes = await readFile(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ order: number, sku: 'SKU-00001', quantity: '3' });
    expect(rows[0]!.first_name).toBe(`'=HYPERLINK("http://x.example","y")`);

    const all = okResult((await cliJson<{ files: { kind: string; rows: number }[] }>(dir, ['export', 'all', '--out', join(dir, 'backup')])).doc);
    expect(all.files.map((f) => f.kind)).toEqual(['orders', 'stock', 'ledger', 'carts']);
    const ledger = parse(await readFile(join(dir, 'backup', 'ledger.csv')), { bom: true, columns: true }) as Record<string, string>[];
    expect(ledger.length).toBe(all.files[2]!.rows);
    expect(ledger.some((r) => r.cause === 'shipment' && r.change === '-2')).toBe(true);

    const none = okResult((await cliJson<{ files: { rows: number }[] }>(dir, ['export', 'ledger', '--from', '2000-01-01', '--to', '2000-12-31', '--out', join(dir, 'old.csv')])).doc);
    expect(none.files[0]!.rows).toBe(0);
    const backwards = await cliJson(dir, ['export', 'ledger', '--from', '2026-02-01', '--to', '2026-01-01', '--out', join(dir, 'x.csv')]);
    expect(backwards.code).toBe(2);
    expect(backwards.doc).toMatchObject({ ok: false, error: { field: 'from' } });
    expect((await cliJson(dir, ['export', 'ledger', '--from', '31/01/2026'])).code).toBe(2);
    expect((await cliJson(dir, ['export', 'everything'])).code).toBe(2);
    // Never overwrites: an existing file, a system file, a folder with things in it.
    const again = await cliJson(dir, ['export', 'orders', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.doc).toMatchObject({ ok: false, error: { field: 'out' } });
    expect((await cliJson(dir, ['export', 'stock', '--out', '/dev/null'])).code).toBe(2);
    expect((await cliJson(dir, ['export', 'all', '--out', join(dir, 'backup')])).code).toBe(2);
    expect((await readFile(out)).equals(bytes)).toBe(true);
  });
});
