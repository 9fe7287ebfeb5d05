// A removed shop takes its errors and alerts with it, and `alerts list` shows groups: a real
// engine, a WooCommerce sandbox that refuses the keys, and orders naming SKUs the catalogue lacks.
import { afterEach, describe, expect, it } from 'vitest';
import { cliJson, okResult, removeTempDirs, cli } from '../helpers';
import { openWorld, type World } from '../sync/world';
import type { AlertGroup } from '../../core/api/namespaces/issues';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('issues follow their shop', () => {
  it('removing a shop removes its errors', async () => {
    world = await openWorld({ shops: [{ name: 'Kept' }, { name: 'Refused' }] });
    const api = world.host.client;
    const refused = world.shops.get('Refused')!;
    await api.call('shop.remove', { name: 'Refused' });
    await api.call('shop.add', { platform: 'woocommerce', name: 'Refused', url: refused.url, key: refused.credentials.key, secret: 'cs_0000000000000000000000000000000000000bad', combined: true });
    await api.call('sync.run', {});
    expect((await api.call('errors.list', {})).some((e) => e.source.name === 'Refused')).toBe(true);
    await api.call('shop.remove', { name: 'Refused' });
    expect((await api.call('errors.list', { all: true })).filter((e) => e.source.name === 'Refused')).toEqual([]);
    expect((await api.call('status')).health.overall).not.toBe('attention');
  });
});

describe('backroom alerts list', () => {
  it('groups alerts by kind and shop, and one command dismisses a group', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 3 } } }] });
    const shop = world.shops.get('Main')!;
    for (let i = 0; i < 7; i++) shop.addOrder({ status: 'processing' });
    await world.host.client.call('sync.run', { job: 'orders' });
    const raw = await world.host.client.call('alerts.list', {});
    expect(raw.length).toBeGreaterThan(1); // the catalogue is empty: every SKU is unknown
    const dataDir = world.dataDir;
    await world.close();
    world = undefined;

    const { code, doc } = await cliJson<AlertGroup[]>(dataDir, ['alerts', 'list']);
    expect(code).toBe(0);
    const groups = okResult(doc);
    const unknown = groups.filter((g) => g.kind === 'unknown-sku');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.alerts).toHaveLength(raw.filter((a) => a.kind === 'unknown-sku').length);
    expect(unknown[0]!.title).toMatch(/order lines? on Main name SKUs the catalogue does not have — /);

    const human = await cli(['--data-dir', dataDir, 'alerts', 'list']);
    expect(human.stdout).toContain(`backroom alerts dismiss ${unknown[0]!.id}`);
    const dismissed = await cliJson<{ dismissed: number }>(dataDir, ['alerts', 'dismiss', unknown[0]!.id]);
    expect(okResult(dismissed.doc).dismissed).toBe(unknown[0]!.alerts.length);
    expect(okResult(await cliJson<AlertGroup[]>(dataDir, ['alerts', 'list']).then((r) => r.doc)).filter((g) => g.kind === 'unknown-sku')).toEqual([]);
  });
});
