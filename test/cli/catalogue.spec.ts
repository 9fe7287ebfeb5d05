// SKU aliases, unlinked SKUs and kits through the CLI, against a WooCommerce sandbox on 127.0.0.1:
// an order for a SKU the catalogue lacks is listed as unlinked, linking it makes the order hold the
// catalogue SKU exactly once and the shop's spelling is pushed; a kit is offered from its parts and
// selling one holds its parts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: WooSandbox;
let dir: string;
let skus: string[];

beforeEach(async () => {
  shop = await startWooSandbox({ seed: { products: 12 } });
  skus = [...shop.state.products.values()].filter((p) => p.type === 'simple' && p.manageStock).map((p) => p.sku);
  dir = await tempDir('br-cli-cat-');
  okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
  okResult((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret, '--location', 'WH', '--no-check'])).doc);
});

afterEach(async () => {
  await shop.close();
  await removeTempDirs();
});

interface Unlinked { shop: string; shopSku: string; orders: string[]; lines: number; seenOnOrders: boolean; seenOnProducts: boolean }
interface StockRow { sku: string; committed: number; available: number }
const stockOf = async (sku: string) => okResult((await cliJson<StockRow[]>(dir, ['stock', 'list'])).doc).find((r) => r.sku === sku);

describe('SKU aliases and unlinked SKUs', () => {
  it('lists an order line with an unknown SKU as unlinked; linking it holds the catalogue SKU once and pushes the shop spelling', async () => {
    const shopSku = skus[0]!;
    okResult((await cliJson(dir, ['stock', 'set', 'MUG-BLUE', '10', '--location', 'WH'])).doc);
    shop.addOrder({ status: 'processing', lines: [{ sku: shopSku, quantity: 2 }] });
    expect((await cliJson(dir, ['sync', '--job', 'orders'])).code).toBe(0);
    expect((await cliJson(dir, ['sync', '--reconcile', '--job', 'inventory'])).code).toBe(0);

    // The shop's products the catalogue lacks are listed too; this SKU is also on an order.
    const unlinked = okResult((await cliJson<Unlinked[]>(dir, ['sku', 'unlinked'])).doc);
    expect(unlinked.filter((u) => u.seenOnOrders)).toEqual([expect.objectContaining({ shop: 'Main', shopSku, orders: [expect.stringMatching(/^WO:/)], lines: 1 })]);
    expect(unlinked.filter((u) => u.seenOnProducts).map((u) => u.shopSku)).toContain(skus[5]);
    expect((await stockOf('MUG-BLUE'))!.committed).toBe(0);

    const linkedAt = new Date().toISOString();
    const linked = await cliJson(dir, ['sku', 'link', shopSku, 'MUG-BLUE', '--shop', 'Main']);
    expect(linked.code).toBe(0);
    expect((await stockOf('MUG-BLUE'))).toMatchObject({ committed: 2, available: 8 });
    expect(okResult((await cliJson<Unlinked[]>(dir, ['sku', 'unlinked'])).doc).map((u) => u.shopSku)).not.toContain(shopSku);

    // Linking again, syncing again and re-pulling the order never count it twice.
    expect((await cliJson(dir, ['sku', 'alias', shopSku, 'MUG-BLUE', '--shop', 'Main'])).code).toBe(0);
    shop.state.modifyOrder([...shop.state.orders.keys()][0]!);
    expect((await cliJson(dir, ['sync', '--once', '--reconcile'])).code).toBe(0);
    expect((await stockOf('MUG-BLUE'))).toMatchObject({ committed: 2, available: 8 });
    // The shop's spelling is pushed; the catalogue spelling, which this shop does not have, is not (no missing-SKU alert).
    expect(shop.state.stockOf(shopSku)).toBe(8);
    const alerts = okResult((await cliJson<{ kind: string; message: string; lastAt: string }[]>(dir, ['alerts', 'list'])).doc);
    expect(alerts.filter((a) => a.kind === 'sku-missing' && a.lastAt > linkedAt)).toEqual([]);

    const aliases = okResult((await cliJson<{ shopSku: string; sku: string; shop?: string }[]>(dir, ['sku', 'aliases'])).doc);
    expect(aliases).toEqual([expect.objectContaining({ shopSku, sku: 'MUG-BLUE', shop: 'Main' })]);
  });

  it('refuses aliases that make no sense, with exit 2 and the field named', async () => {
    okResult((await cliJson(dir, ['stock', 'set', 'MUG', '1', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'CAP', '1', '--location', 'WH'])).doc);
    const toUnknown = await cliJson(dir, ['sku', 'alias', 'mug', 'NOPE']);
    expect(toUnknown.code).toBe(2);
    expect(toUnknown.doc).toMatchObject({ ok: false, error: { field: 'sku' } });
    const fromCatalogue = await cliJson(dir, ['sku', 'alias', 'CAP', 'MUG']);
    expect(fromCatalogue.code).toBe(2);
    expect(fromCatalogue.doc).toMatchObject({ ok: false, error: { field: 'shopSku' } });
    const unknownShop = await cliJson(dir, ['sku', 'alias', 'mug', 'MUG', '--shop', 'Nope']);
    expect(unknownShop.code).toBe(2);
  });

  it('an ignored SKU holds no stock and leaves the unlinked list', async () => {
    const shopSku = skus[1]!;
    shop.addOrder({ status: 'processing', lines: [{ sku: shopSku, quantity: 1 }] });
    expect((await cliJson(dir, ['sync', '--once'])).code).toBe(0);
    expect(okResult((await cliJson<unknown[]>(dir, ['sku', 'unlinked'])).doc)).toHaveLength(1);
    expect((await cliJson(dir, ['sku', 'ignore', shopSku])).code).toBe(0);
    expect(okResult((await cliJson<unknown[]>(dir, ['sku', 'unlinked'])).doc)).toEqual([]);
    expect(okResult((await cliJson<unknown[]>(dir, ['sku', 'unlinked', '--ignored'])).doc)).toHaveLength(1);
  });
});

describe('kits', () => {
  it('offers a kit from its parts, and selling kits holds the parts', async () => {
    const [kit, a, b] = [skus[2]!, skus[3]!, skus[4]!];
    okResult((await cliJson(dir, ['stock', 'set', a, '10', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', b, '7', '--location', 'WH'])).doc);
    const added = await cliJson(dir, ['bundle', 'add', kit, '--of', `${a}:2,${b}:1`]);
    expect(added.code).toBe(0);
    expect((await cliJson(dir, ['sync', '--once'])).code).toBe(0);
    expect(shop.state.stockOf(kit)).toBe(5); // min(⌊10/2⌋, ⌊7/1⌋)

    shop.addOrder({ status: 'processing', lines: [{ sku: kit, quantity: 2 }] });
    expect((await cliJson(dir, ['sync', '--once'])).code).toBe(0);
    expect(await stockOf(a)).toMatchObject({ committed: 4, available: 6 });
    expect(await stockOf(b)).toMatchObject({ committed: 2, available: 5 });
    expect(shop.state.stockOf(kit)).toBe(3);
    expect(shop.state.stockOf(a)).toBe(6);
    const stillUnlinked = okResult((await cliJson<Unlinked[]>(dir, ['sku', 'unlinked'])).doc).map((u) => u.shopSku);
    for (const known of [kit, a, b]) expect(stillUnlinked).not.toContain(known);

    const list = okResult((await cliJson<{ sku: string; parts: { sku: string; quantity: number }[]; available: number }[]>(dir, ['bundle', 'list'])).doc);
    expect(list).toEqual([expect.objectContaining({ sku: kit, parts: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], available: 3 })]);

    // Shipping the kit takes its parts off the shelf.
    const number = okResult((await cliJson<{ orders: { number: string }[] }>(dir, ['orders', 'list'])).doc).orders[0]!.number;
    expect((await cliJson(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1'])).code).toBe(0);
    const after = okResult((await cliJson<{ sku: string; totalOnHand: number; committed: number }[]>(dir, ['stock', 'list'])).doc);
    expect(after.find((r) => r.sku === a)).toMatchObject({ totalOnHand: 6, committed: 0 });
    expect(after.find((r) => r.sku === b)).toMatchObject({ totalOnHand: 5, committed: 0 });

    expect((await cliJson(dir, ['bundle', 'remove', kit])).code).toBe(0);
    expect(okResult((await cliJson<unknown[]>(dir, ['bundle', 'list'])).doc)).toEqual([]);
  });

  it('refuses a kit that contains itself, goes round in a circle, has a bad quantity or an unknown part (exit 2, nothing saved)', async () => {
    okResult((await cliJson(dir, ['stock', 'set', 'MUG', '5', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['bundle', 'add', 'BOX', '--of', 'MUG:1'])).doc);
    const cases = [
      ['bundle', 'add', 'SELF', '--of', 'SELF:1,MUG:1'],
      ['bundle', 'add', 'MUG', '--of', 'BOX:1'],
      ['bundle', 'add', 'GIFT', '--of', 'MUG:0'],
      ['bundle', 'add', 'GIFT', '--of', 'MUG:1001'],
      ['bundle', 'add', 'GIFT', '--of', 'MUG:1,NOPE:1'],
      ['bundle', 'add', 'GIFT', '--of', 'MUG'],
      ['bundle', 'add', 'GIFT', '--of', 'MUG:1,MUG:2'],
    ];
    for (const args of cases) {
      const run = await cliJson(dir, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.doc, args.join(' ')).toMatchObject({ ok: false, error: { field: expect.any(String) } });
    }
    // A circle through another kit: BOX contains MUG-KIT, which would contain BOX.
    okResult((await cliJson(dir, ['bundle', 'add', 'MUG-KIT', '--of', 'MUG:2'])).doc);
    okResult((await cliJson(dir, ['bundle', 'add', 'BOX', '--of', 'MUG-KIT:1'])).doc);
    const circle = await cliJson<unknown>(dir, ['bundle', 'add', 'MUG-KIT', '--of', 'BOX:1']);
    expect(circle.code).toBe(2);
    expect(JSON.stringify(circle.doc)).toContain('circle');
    const kits = okResult((await cliJson<{ sku: string }[]>(dir, ['bundle', 'list'])).doc).map((k) => k.sku).sort();
    expect(kits).toEqual(['BOX', 'MUG-KIT']);
  });
});
