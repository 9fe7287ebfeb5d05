// A refund on the shop that put units back in stock puts them back on hand in Backroom, with a
// ledger entry (cause refund, the order's number), once: a re-pull of the same refund never
// restocks twice. Through the CLI against the Shopify sandbox on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockStory } from '../../core/api/contract-ledger';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: ShopifySandbox;
let dir: string;

beforeAll(async () => {
  shop = await startShopifySandbox({ seed: { products: 3 }, bucket: { maximumAvailable: 1000, restoreRate: 20_000 } });
  dir = await tempDir('br-refund-restock-');
});

afterAll(async () => {
  await shop.close();
  await removeTempDirs();
});

const onHand = async (sku: string) => okResult((await cliJson<{ sku: string; totalOnHand: number }[]>(dir, ['stock', 'list'])).doc).find((i) => i.sku === sku)?.totalOnHand;
const refundEntries = async (sku: string) => okResult((await cliJson<StockStory>(dir, ['stock', 'why', sku])).doc).entries.filter((e) => e.cause === 'refund');

describe('Shopify refunds with restock', () => {
  it('puts restocked units back on hand once, with a refund entry naming the order', async () => {
    const order = shop.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 3 }] });
    okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '10', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['shop', 'add', 'shopify', '--name', 'Shopify', '--domain', shop.domain, '--token', shop.token, '--location', 'WH', '--no-check'])).doc);
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    const number = `SH:${order.name.slice(1)}`;
    okResult((await cliJson(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1', '--lines', 'SKU-00001:3'])).doc);
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(shop.fulfillmentsOf(order.id)).toHaveLength(1);
    expect(await onHand('SKU-00001')).toBe(7);

    // Two shipped units come back and are restocked on the shop (Shopify: RETURN).
    shop.refundOrder(order.id, [{ sku: 'SKU-00001', quantity: 2 }], { restock: true });
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(await onHand('SKU-00001')).toBe(9);
    expect(await refundEntries('SKU-00001')).toEqual([expect.objectContaining({ measure: 'onHand', location: 'WH', delta: 2, after: 9, ref: number })]);

    // The same refund read again (the order changes on the shop, so it is pulled again): nothing more.
    shop.modifyOrder(order.id, () => {});
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(await onHand('SKU-00001')).toBe(9);
    expect(await refundEntries('SKU-00001')).toHaveLength(1);

    // A refund without restock keeps its unit off the shelf.
    shop.refundOrder(order.id, [{ sku: 'SKU-00001', quantity: 1 }], { restock: false });
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(await onHand('SKU-00001')).toBe(9);
    const human = await cliJson(dir, ['stock', 'why', 'SKU-00001']);
    expect(human.code).toBe(0);
  });
});
