// SIGTERM to a real daemon during a large first order pull: it stops between pages (the page in
// flight is finished and checkpointed), exits 0 promptly, and leaves no marker ahead of its data;
// the restart then imports every order exactly once.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { hostEngine } from '../../core/host/host';
import type { Order } from '../../core/model';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, tempDir, waitFor } from '../helpers';

let shop: WooSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
  await removeTempDirs();
});

const ORDERS = 6000;
const PAGE_DELAY_MS = 250;
/** Order-pull pages the shop has answered (the cart sweep asks for checkout statuses; those are not counted). */
const pullPages = (sandbox: WooSandbox) => sandbox.log.filter((l) => l.method === 'GET' && l.path.startsWith('/wp-json/wc/v3/orders?') && !l.path.includes('checkout-draft')).length;

async function storedOrders(dir: string): Promise<{ orders: Order[]; cursor?: string }> {
  const hub = (await hostEngine({ dataDir: dir, serve: false }))!;
  try {
    const orders: Order[] = [];
    for await (const order of hub.store.orders.all()) orders.push(order);
    return { orders, cursor: hub.store.cursors.of('Main').ordersModifiedAfter };
  } finally {
    await hub.close();
  }
}

describe('stopping the daemon during a large first order pull', () => {
  it('SIGTERM stops the pull between pages, saves what was read, and the restart imports every order exactly once', async () => {
    await ensureCliBuilt();
    shop = await startWooSandbox({ seed: { products: 3 } });
    const start = Date.now() - ORDERS * 60_000;
    for (let i = 0; i < ORDERS; i++) shop.addOrder({ status: 'processing', createdMs: start + i * 60_000, modifiedMs: start + i * 60_000 });
    // Every order page takes a while to answer, as a real shop's do: the whole pull is at least
    // ORDERS / 100 pages × PAGE_DELAY_MS (15 s here), however fast this machine is.
    shop.inject({ kind: 'delay', ms: PAGE_DELAY_MS, times: 100_000, match: /^\/wp-json\/wc\/v3\/orders$/ });
    const dir = await tempDir('br-sigterm-pull-');
    const add = await runBin(['--data-dir', dir, 'shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret]);
    expect(add.code, add.stderr).toBe(0);

    const daemon = spawn(process.execPath, [BIN, '--data-dir', dir, 'daemon'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => pullPages(shop!) >= 5, 90_000, 'the first order pull to be under way');
    } catch (error) {
      daemon.kill('SIGKILL');
      throw error;
    }
    const pagesBefore = pullPages(shop);
    const sentAt = Date.now();
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stopSeconds = (Date.now() - sentAt) / 1000;
    const pagesAfter = pullPages(shop) - pagesBefore;
    console.info(`SIGTERM to exit: ${stopSeconds.toFixed(1)} s; ${pagesBefore} pages read before, ${pagesAfter} after, of ${ORDERS / 100}`);
    // Between pages: the one in flight may finish (and one more may have been on its way), never the rest of the pull.
    expect(pagesAfter).toBeLessThanOrEqual(2);
    expect(stopSeconds).toBeLessThan(30);

    // What was read is saved, and the cursor covers no order that is not stored.
    const stopped = await storedOrders(dir);
    expect(stopped.orders.length).toBeGreaterThan(0);
    expect(stopped.orders.length).toBeLessThan(ORDERS);
    expect(stopped.cursor, 'the cursor after the stop').toBeDefined();
    const storedIds = new Set(stopped.orders.map((o) => Number(o.remoteId)));
    const cursorMs = new Date(stopped.cursor!).getTime();
    const uncovered = [...shop.state.orders.values()].filter((o) => o.modifiedMs <= cursorMs && !storedIds.has(o.id)).map((o) => o.id);
    expect(uncovered, 'orders at or before the cursor that are not stored').toEqual([]);

    // The restart reads the rest: every order once.
    shop.clearFaults();
    const rest = await runBin(['--data-dir', dir, 'sync', '--once', '--job', 'orders']);
    expect(rest.code, rest.stderr).toBe(0);
    const { orders } = await storedOrders(dir);
    const ids = orders.map((o) => Number(o.remoteId));
    expect(ids.length).toBe(ORDERS);
    expect(new Set(ids).size).toBe(ORDERS);
    expect([...shop.state.orders.keys()].filter((id) => !ids.includes(id))).toEqual([]);
  }, 300_000);
});
