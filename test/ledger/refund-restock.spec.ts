// A refund on the shop that put units back in stock puts them back on hand in Backroom, with a
// ledger entry (cause refund, the order's number), once: a re-pull of the same refund never
// restocks twice. Through the CLI against the Shopify and WooCommerce sandboxes on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockStory } from '../../core/api/contract-ledger';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
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

const onHandIn = async (dir: string, sku: string) => okResult((await cliJson<{ sku: string; totalOnHand: number }[]>(dir, ['stock', 'list'])).doc).find((i) => i.sku === sku)?.totalOnHand;
const refundEntriesIn = async (dir: string, sku: string) => okResult((await cliJson<StockStory>(dir, ['stock', 'why', sku])).doc).entries.filter((e) => e.cause === 'refund');

const onHand = (sku: string) => onHandIn(dir, sku);
const refundEntries = (sku: string) => refundEntriesIn(dir, sku);

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

describe('WooCommerce refunds with "Restock refunded items"', () => {
  it('reads the line items\' _restock_refunded_items tally and puts the new units back once', async () => {
    const woo: WooSandbox = await startWooSandbox({ seed: { products: 3 } });
    try {
      const wdir = await tempDir('br-refund-restock-woo-');
      const order = woo.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 3 }] });
      okResult((await cliJson(wdir, ['location', 'add', 'WH'])).doc);
      okResult((await cliJson(wdir, ['stock', 'set', 'SKU-00001', '10', '--location', 'WH'])).doc);
      okResult((await cliJson(wdir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', woo.url, '--key', woo.credentials.key, '--secret', woo.credentials.secret, '--location', 'WH', '--no-check'])).doc);
      okResult((await cliJson(wdir, ['sync', '--once'])).doc);
      const number = okResult((await cliJson<{ orders: { number: string }[] }>(wdir, ['orders', 'list'])).doc).orders[0]!.number;
      okResult((await cliJson(wdir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1', '--lines', 'SKU-00001:3'])).doc);
      okResult((await cliJson(wdir, ['sync', '--once'])).doc);
      expect(await onHandIn(wdir, 'SKU-00001')).toBe(7);

      woo.state.refundLines(order.id, [{ sku: 'SKU-00001', quantity: 1 }], 'damaged', { restock: true });
      okResult((await cliJson(wdir, ['sync', '--once'])).doc);
      expect(await onHandIn(wdir, 'SKU-00001')).toBe(8);
      // Read again (the order changes on the shop): the tally is the same, nothing more comes back.
      woo.state.modifyOrder(order.id, () => {});
      okResult((await cliJson(wdir, ['sync', '--once'])).doc);
      expect(await onHandIn(wdir, 'SKU-00001')).toBe(8);
      // A second restocking refund raises the tally to 3: only the 2 new units come back.
      woo.state.refundLines(order.id, [{ sku: 'SKU-00001', quantity: 2 }], '', { restock: true });
      okResult((await cliJson(wdir, ['sync', '--once'])).doc);
      expect(await onHandIn(wdir, 'SKU-00001')).toBe(10);
      expect((await refundEntriesIn(wdir, 'SKU-00001')).map((e) => [e.delta, e.after, e.ref])).toEqual([
        [1, 8, number],
        [2, 10, number],
      ]);
    } finally {
      await woo.close();
    }
  });
});
