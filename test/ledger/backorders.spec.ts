// A WooCommerce product that takes backorders is sent its real quantity, its backorder setting is
// left as the merchant chose it, and the merchant is told once (an alert), through the CLI against
// the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: WooSandbox;
let dir: string;

beforeAll(async () => {
  shop = await startWooSandbox({ seed: { products: 3 } });
  dir = await tempDir('br-backorders-');
});

afterAll(async () => {
  await shop.close();
  await removeTempDirs();
});

describe('backorders', () => {
  it('pushes the real quantity, keeps backorders on, and raises one alert', async () => {
    const product = [...shop.state.products.values()].find((p) => p.sku === 'SKU-00001')!;
    product.backorders = 'notify';
    okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '4', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00002', '6', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret, '--location', 'WH', '--no-check'])).doc);
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(product.stockQuantity).toBe(4);
    expect(product.backorders).toBe('notify');
    okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '2', '--location', 'WH'])).doc);
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    expect(product.stockQuantity).toBe(2);
    expect(product.backorders).toBe('notify');
    // `alerts list` gives groups: one group, one alert in it, raised once over two pushes.
    const groups = okResult((await cliJson<{ kind: string; count: number; alerts: { message: string }[] }[]>(dir, ['alerts', 'list'])).doc).filter((g) => g.kind === 'backorders');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.alerts).toHaveLength(1);
    expect(groups[0]!.alerts[0]!.message).toContain('SKU-00001');
    expect(groups[0]!.count).toBe(1);
  });
});
