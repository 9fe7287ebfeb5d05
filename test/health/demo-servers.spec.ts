// `backroom demo --servers`: the real binary starts only the practice shops and CRM and prints
// their addresses and keys (one JSON document with --json); a merchant can then connect them with
// `shop add` / `crm add` exactly as with a real shop, keys tested and all. SIGTERM stops them.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, cliJson, ensureCliBuilt, okResult, removeTempDirs, tempDir, type JsonFail } from '../helpers';

beforeAll(ensureCliBuilt, 120_000);
afterAll(removeTempDirs);

interface Servers {
  woocommerce: { url: string; key: string; secret: string };
  shopify: { domain: string; token: string };
  activecampaign: { url: string; key: string };
}

describe('backroom demo --servers', () => {
  it('prints the practice servers as JSON, and shop add / crm add connect them with their keys tested', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--servers', '--json'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // The document is complete when its closing brace starts a line.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/\n}\n$/.test(out)) resolve();
        });
        child.on('exit', () => reject(new Error(`demo --servers exited early: ${out}`)));
      });
      const doc = JSON.parse(out) as { ok: true; result: Servers };
      const s = doc.result;
      expect(s.woocommerce.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      const dir = await tempDir();
      const wrong = await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Practice', '--url', s.woocommerce.url, '--key', s.woocommerce.key, '--secret', `${s.woocommerce.secret}x`]);
      expect(wrong.code).toBe(1);
      expect((wrong.doc as JsonFail).error.message).toMatch(/was not added/);
      expect((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Practice', '--url', s.woocommerce.url, '--key', s.woocommerce.key, '--secret', s.woocommerce.secret])).code).toBe(0);
      expect((await cliJson(dir, ['shop', 'add', 'shopify', '--name', 'Practice Shopify', '--domain', s.shopify.domain, '--token', s.shopify.token])).code).toBe(0);
      expect((await cliJson(dir, ['crm', 'add', 'activecampaign', '--name', 'Practice CRM', '--url', s.activecampaign.url, '--key', s.activecampaign.key])).code).toBe(0);
      const status = okResult(await cliJson<{ shops: unknown[]; crms: unknown[] }>(dir, ['status']).then((r) => r.doc));
      expect(status.shops).toHaveLength(2);
      expect(status.crms).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
