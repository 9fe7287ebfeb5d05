// A Shopify variant that keeps selling when out of stock (inventory policy CONTINUE) is treated like
// a WooCommerce product taking backorders: it is sent its real quantity, its policy is left as the
// merchant chose it, and the merchant is told once (an alert). Through the CLI against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: ShopifySandbox;
let dir: string;

beforeAll(async () => {
  shop = await startShopifySandbox({ seed: { products: 3 }, bucket: { maximumAvailable: 1000, restoreRate: 20_000 } });
  dir = await tempDir('br-shopify-continue-');
});

afterAll(async () => {
  await shop.close();
  await removeTempDirs();
});

describe('Shopify inventory policy CONTINUE', () => {
  it('pushes the real quantity, leaves the policy alone, and raises one alert', async () => {
    const variant = shop.state.variantBySku('SKU-00001')!;
    variant.inventoryPolicy = 'CONTINUE';
    okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '4', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00002', '6', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['shop', 'add', 'shopify', '--name', 'Shopify', '--domain', shop.domain, '--token', shop.token, '--location', 'WH', '--no-check'])).doc);
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(shop.state.stockOf('SKU-00001')).toBe(4);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '2', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(shop.state.stockOf('SKU-00001')).toBe(2);
    expect(variant.inventoryPolicy).toBe('CONTINUE');
    const groups = okResult((await cliJson<{ kind: string; count: number; alerts: { message: string }[] }[]>(dir, ['alerts', 'list'])).doc).filter((g) => g.kind === 'backorders');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.alerts).toHaveLength(1);
    expect(groups[0]!.alerts[0]!.message).toContain('SKU-00001');
    expect(groups[0]!.alerts[0]!.message).toContain('Continue selling when out of stock');
  });
});
