import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, requestsTo, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('platform failures during sync', () => {
  it('honours 429 Retry-After and then succeeds with no error left', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 5 } } }] });
    const shop = world.shops.get('Main')!;
    shop.addOrders(3, { status: 'processing' });
    shop.inject({ kind: 'status', status: 429, retryAfterSeconds: 1, match: /\/orders(\?|$)/ });
    const started = Date.now();
    const { summaries } = await world.host.client.call('sync.run', { job: 'orders' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(summaries[0]!.counts.pulled).toBe(3);
    expect(await world.host.client.call('errors.list', {})).toHaveLength(0);
    expect(shop.log.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('retries 5xx, then records one retriable error that clears itself when a later sync succeeds', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 5 } } }] });
    const shop = world.shops.get('Main')!;
    shop.addOrders(2, { status: 'processing' });
    shop.inject({ kind: 'status', status: 503, times: 50, match: /\/orders(\?|$)/ });
    const first = await world.host.client.call('sync.run', { job: 'orders' });
    expect(first.summaries[0]!.errors).toBe(1);
    expect(shop.log.filter((r) => r.status === 503).length).toBeGreaterThan(1);
    const errors = await world.host.client.call('errors.list', {});
    expect(errors).toHaveLength(1);
    expect(errors[0]!.operation.kind).toBe('orders.pull');
    expect(errors[0]!.message).toMatch(/503/);

    shop.clearFaults();
    const retried = await world.host.client.call('errors.retry', { id: errors[0]!.id });
    expect(retried.resolved).toBe(true);
    expect(await world.host.client.call('errors.list', {})).toHaveLength(0);
    expect((await world.host.client.call('orders.list', {})).total).toBe(2);
  });

  it('reports wrong credentials once, plainly, without a retry storm, and leaves the shop alone for the rest of the pass', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 5 } } }] });
    const shop = world.shops.get('Main')!;
    // The merchant revoked the key on the shop: every call now answers 401.
    shop.inject({ kind: 'status', status: 401, times: 100, body: { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', data: { status: 401 } } });
    const { summaries } = await world.host.client.call('sync.run', {});
    expect(summaries).toHaveLength(1); // inventory and shipping were not attempted after the refusal
    expect(summaries[0]!.authFailed).toBe(true);
    expect(requestsTo(shop)).toBe(1);
    const errors = await world.host.client.call('errors.list', {});
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/credentials/i);
    expect(errors[0]!.message).not.toContain(shop.credentials.key);
  });
});
