// The "SKU not in the catalogue" alert is about a SKU the merchant has not dealt with yet: once it
// is linked (sku link, sku alias) or ignored (sku ignore), the alert goes, and only that SKU's.
// Through the CLI against a WooCommerce sandbox on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: WooSandbox;
let dir: string;
let skus: string[];

beforeEach(async () => {
  shop = await startWooSandbox({ seed: { products: 6 } });
  skus = [...shop.state.products.values()].filter((p) => p.type === 'simple' && p.manageStock).map((p) => p.sku);
  dir = await tempDir('br-unknown-sku-');
  okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
  okResult((await cliJson(dir, ['stock', 'set', 'MUG-BLUE', '10', '--location', 'WH'])).doc);
  okResult((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret, '--location', 'WH', '--no-check'])).doc);
});

afterEach(async () => {
  await shop.close();
  await removeTempDirs();
});

interface AlertGroup { kind: string; alerts: { key: string; message: string }[] }
const unknownSkuAlerts = async () =>
  okResult((await cliJson<AlertGroup[]>(dir, ['alerts', 'list'])).doc)
    .filter((g) => g.kind === 'unknown-sku')
    .flatMap((g) => g.alerts.map((a) => a.key))
    .sort();

describe('unknown-SKU alerts', () => {
  it('go when the SKU is linked, aliased or ignored, each only its own', async () => {
    const [a, b, c] = [skus[0]!, skus[1]!, skus[2]!];
    shop.addOrder({ status: 'processing', lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 1 }, { sku: c, quantity: 1 }] });
    okResult((await cliJson(dir, ['sync', '--job', 'orders'])).doc);
    expect(await unknownSkuAlerts()).toEqual([a, b, c].map((s) => `unknown-sku:Main:${s}`).sort());

    okResult((await cliJson(dir, ['sku', 'link', a, 'MUG-BLUE', '--shop', 'Main'])).doc);
    expect(await unknownSkuAlerts()).toEqual([b, c].map((s) => `unknown-sku:Main:${s}`).sort());
    okResult((await cliJson(dir, ['sku', 'ignore', b, '--shop', 'Main'])).doc);
    expect(await unknownSkuAlerts()).toEqual([`unknown-sku:Main:${c}`]);
    okResult((await cliJson(dir, ['sku', 'alias', c, 'MUG-BLUE'])).doc);
    expect(await unknownSkuAlerts()).toEqual([]);
  });
});
