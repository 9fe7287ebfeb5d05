import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/platforms/http';
import { startHostileServer, type HostileServer } from '../../sandbox/kit/hostile';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';
import { CONNECTORS, credentialTrace, leakedSecrets } from './connectors';

const servers: HostileServer[] = [];
let other: WooSandbox | undefined;
let world: World | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await world?.close();
  await other?.close();
  world = undefined;
  other = undefined;
  await removeTempDirs();
});

async function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('API calls follow no redirect', () => {
  for (const connector of CONNECTORS) {
    for (const status of [301, 302, 307, 308] as const) {
      it(`${connector.name}: a ${status} to another port is an error naming the new address, and nothing reaches that port`, async () => {
        // The second server answers like a healthy, empty platform would, so following the redirect would "work".
        const elsewhere = await startHostileServer({ kind: 'json', body: [] });
        const shop = await startHostileServer({ kind: 'redirect', to: elsewhere.url, status });
        servers.push(elsewhere, shop);
        const outcome = await settle(connector.read(shop.url, { retries: 0 }));
        expect(outcome).toBeInstanceOf(PlatformError);
        const error = outcome as PlatformError;
        expect(error.kind).toBe('rejected');
        expect(error.message).toContain(`redirect to ${elsewhere.url}`);
        expect(error.message).toMatch(/use that address/);
        expect(elsewhere.seen).toEqual([]);
        expect(shop.seen.length).toBeGreaterThan(0);
        for (const request of elsewhere.seen) expect(leakedSecrets(credentialTrace(request.headers, request.path))).toEqual([]);
      });
    }
  }
});

describe('a WooCommerce shop that redirects to another shop', () => {
  it("imports none of the other shop's orders, records one error naming the new address, and sends it nothing", async () => {
    other = await startWooSandbox({ seed: { products: 3, orders: 5 } });
    const shop = await startHostileServer({ kind: 'redirect', to: other.url, status: 301 });
    servers.push(shop);
    world = await openWorld({ shops: [] });
    const api = world.host.client;
    await api.call('shop.add', { platform: 'woocommerce', name: 'Moved', url: shop.url, key: 'ck_moved_000000000000', secret: 'cs_moved_000000000000', combined: true });
    const before = JSON.stringify(world.host.store.cursors.of('Moved'));
    const { summaries } = await api.call('sync.run', { job: 'orders' });
    expect(summaries[0]!.errors).toBeGreaterThan(0);
    expect((await api.call('orders.list', {})).total).toBe(0);
    expect(other.log).toEqual([]);
    expect(JSON.stringify(world.host.store.cursors.of('Moved'))).toBe(before);
    const errors = await api.call('errors.list', {});
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(`redirect to ${other.url}`);
    expect(errors[0]!.message).not.toContain('cs_moved_000000000000');
  });
});
