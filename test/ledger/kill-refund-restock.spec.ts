// kill -9 while refunds with restock are being pulled: however the pulls are cut short and read
// again, each restocked unit comes back on hand exactly once, with its refund ledger entry. A real
// `backroom sync` child process against the WooCommerce sandbox, killed at random moments.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { hostEngine } from '../../core/host/host';
import { openStore } from '../../core/store';
import { startWooSandbox } from '../../sandbox/woocommerce';
import { BIN, ROOT, cli, removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const ORDERS = 300;

describe('kill -9 mid pull of restocking refunds', () => {
  it('puts every restocked unit back once', async () => {
    const woo = await startWooSandbox({ seed: { products: 3 } });
    const dir = await tempDir('br-kill-restock-');
    try {
      const orders = Array.from({ length: ORDERS }, () => woo.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 2 }] }));
      const host = (await hostEngine({ dataDir: dir, serve: false }))!;
      await host.client.call('location.add', { name: 'WH' });
      await host.client.call('stock.set', { sku: 'SKU-00001', location: 'WH', quantity: 5000 });
      await host.client.call('shop.add', { platform: 'woocommerce', name: 'Main', url: woo.url, key: woo.credentials.key, secret: woo.credentials.secret, location: 'WH' });
      await host.client.call('sync.run', { job: 'orders' });
      const { orders: listed } = await host.client.call('orders.list', { limit: 1000, offset: 0 });
      expect(listed).toHaveLength(ORDERS);
      for (const o of listed) await host.client.call('ship', { orderNumber: o.number, carrier: 'DHL', tracking: `T-${o.number}`, lines: [{ sku: 'SKU-00001', quantity: 2 }] });
      await host.close();
      // Every order: one unit refunded and put back in stock on the shop.
      for (const o of orders) woo.state.refundLines(o.id, [{ sku: 'SKU-00001', quantity: 1 }], '', { restock: true });

      let killed = 0;
      for (let round = 0; round < 6; round++) {
        const child = spawn(process.execPath, [BIN, '--data-dir', dir, 'sync', '--once', '--job', 'orders'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: 'ignore' });
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 2500));
        child.kill('SIGKILL');
        if ((await exited) === 'SIGKILL') killed++;
      }
      expect(killed, 'at least one run was killed before it finished').toBeGreaterThan(0);
      // One more pull to the end, and another that reads every refund again.
      expect((await cli(['--data-dir', dir, 'sync', '--once', '--job', 'orders'])).code).toBe(0);
      expect((await cli(['--data-dir', dir, 'sync', '--once', '--job', 'orders'])).code).toBe(0);

      const store = await openStore(dir);
      expect(store.stock.data.items['SKU-00001']!.onHand.WH).toBe(5000 - 2 * ORDERS + ORDERS);
      let refunded = 0;
      for await (const e of store.ledger.entries()) if (e.cause === 'refund') refunded += e.delta;
      expect(refunded, 'refund entries add up to the units put back').toBe(ORDERS);
      await store.flush();
    } finally {
      await woo.close();
    }
  }, 300_000);
});
