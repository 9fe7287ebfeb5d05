// `backroom shop test NAME` end to end: the CLI in-process, a real data directory, the stored
// keys, and the WooCommerce sandbox over HTTP on 127.0.0.1.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../../sandbox/woocommerce';
import { cli, cliJson, okResult, removeTempDirs, tempDir, type JsonFail } from '../../../test/helpers';
import type { ShopTestReport } from '../../platforms/types';

afterAll(removeTempDirs);

let dir: string;
let shop: WooSandbox;
beforeEach(async () => {
  dir = await tempDir();
  shop = await startWooSandbox({ storeName: 'Hilltop Pottery', version: '10.3.1', currency: 'GBP', shipmentTracking: true });
});
afterEach(() => shop.close());

const add = (secret: string) => cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', secret, '--no-check']);

describe('backroom shop test', () => {
  it('reports the store name, WooCommerce version and Shipment Tracking', async () => {
    expect((await add(shop.credentials.secret)).code).toBe(0);
    const { code, doc } = await cliJson<ShopTestReport>(dir, ['shop', 'test', 'Main']);
    expect(code).toBe(0);
    expect(okResult(doc)).toMatchObject({ ok: true, storeName: 'Hilltop Pottery', platformVersion: '10.3.1', currency: 'GBP', shipmentTracking: true });

    const human = await cli(['--data-dir', dir, 'shop', 'test', 'Main']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Hilltop Pottery');
    expect(human.stdout).toMatch(/Shipment Tracking: installed/);
  });

  it('fails with exit 1 and a plain message when the keys are wrong, without printing them', async () => {
    const wrongSecret = 'cs_0000000000000000000000000000000000000bad';
    expect((await add(wrongSecret)).code).toBe(0);
    const { code, doc, run } = await cliJson(dir, ['shop', 'test', 'Main']);
    expect(code).toBe(1);
    const { error } = doc as JsonFail;
    expect(error.code).toBe('failed');
    expect(error.message).toMatch(/Shop "Main": .*did not accept the API keys/);
    expect(run.stdout).not.toContain(wrongSecret);
    expect(run.stdout).not.toContain(shop.credentials.key);
    expect(shop.log.filter((l) => l.status === 401)).toHaveLength(1);
  });

  it('answers an unknown shop with not-found (exit 2)', async () => {
    const { code, doc } = await cliJson(dir, ['shop', 'test', 'Nowhere']);
    expect(code).toBe(2);
    expect((doc as JsonFail).error).toMatchObject({ code: 'not-found', field: 'name' });
  });
});
