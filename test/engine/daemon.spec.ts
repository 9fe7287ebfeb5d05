import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, tempDir, waitFor } from '../helpers';

let shop: WooSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
  await removeTempDirs();
});

describe('backroom daemon', () => {
  it('syncs on its own, answers other commands, and on SIGTERM saves and exits 0, releasing the data folder', async () => {
    await ensureCliBuilt();
    shop = await startWooSandbox({ seed: { products: 5 } });
    shop.addOrders(4, { status: 'processing' });
    const dir = await tempDir('br-daemon-');
    const add = await runBin(['--data-dir', dir, 'shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret]);
    expect(add.code).toBe(0);

    const daemon = spawn(process.execPath, [BIN, '--data-dir', dir, 'daemon'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' } });
    let out = '';
    daemon.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /orders Main: done/.test(out), 15_000, 'the first order pull');
      const status = await runBin(['--data-dir', dir, 'status', '--json']);
      const doc = JSON.parse(status.stdout) as { result: { via: string; shops: { orders: number }[] } };
      expect(doc.result.via).toBe('engine');
      expect(doc.result.shops[0]!.orders).toBe(4);
      // A second engine on the same folder is refused.
      const second = await runBin(['--data-dir', dir, 'daemon']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/already runs/);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGTERM received/);
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false);
    const log = readFileSync(join(dir, 'logs', 'backroom.log'), 'utf8');
    expect(log).toMatch(/engine started[\s\S]*orders Main: done[\s\S]*engine stopped/);
    expect(log).not.toContain(shop.credentials.secret);
    // The data was flushed: a fresh process sees the orders without any engine.
    const after = JSON.parse((await runBin(['--data-dir', dir, 'orders', 'list', '--json'])).stdout) as { result: { total: number } };
    expect(after.result.total).toBe(4);
  });
});
