// Keys are tested before they are saved: `shop add`, `shop set` and `crm add` / `crm set` ask the
// (sandbox) platform first. Refused keys give one clear message and exit 1 with nothing stored;
// `--no-check` saves them anyway. The CLI runs in-process on a real data directory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { cliJson, okResult, removeTempDirs, tempDir, cli, type JsonFail } from '../helpers';
import type { CrmView } from '../../core/api/namespaces/crm';
import type { ShopView } from '../../core/api/namespaces/shops';

afterAll(removeTempDirs);

const WRONG_SECRET = 'cs_0000000000000000000000000000000000000bad';
let dir: string;
let shop: WooSandbox;
let ac: ActiveCampaignSandbox;
beforeEach(async () => {
  dir = await tempDir();
  shop = await startWooSandbox();
  ac = await startActiveCampaignSandbox();
});
afterEach(async () => {
  await shop.close();
  await ac.close();
});

const addWoo = (secret: string, ...extra: string[]) => cliJson<ShopView>(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', secret, ...extra]);
const secretsFile = async () => JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8').catch(() => '{}')) as Record<string, Record<string, string>>;

describe('shop keys', () => {
  it('shop add refuses keys the shop does not accept: one message, exit 1, nothing saved', async () => {
    const { code, doc, run } = await addWoo(WRONG_SECRET);
    expect(code).toBe(1);
    const { error } = doc as JsonFail;
    expect(error.message).toMatch(/^Shop "Main" was not added: .*did not accept the API keys.*Nothing was saved\. .*--no-check/);
    expect(run.stdout).not.toContain(WRONG_SECRET);
    expect(okResult(await cliJson<ShopView[]>(dir, ['shop', 'list']).then((r) => r.doc))).toEqual([]);
    expect(Object.keys(await secretsFile())).toEqual([]);
    expect(okResult(await cliJson<unknown[]>(dir, ['errors', 'list']).then((r) => r.doc))).toEqual([]);

    const human = await cli(['--data-dir', dir, 'shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', WRONG_SECRET]);
    expect(human.code).toBe(1);
    expect(human.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--no-check saves keys without asking; shop set re-tests new keys and keeps the old ones when refused', async () => {
    expect((await addWoo(WRONG_SECRET, '--no-check')).code).toBe(0);
    expect(shop.log).toHaveLength(0);

    const refused = await cliJson(dir, ['shop', 'set', 'Main', '--secret', 'cs_1111111111111111111111111111111111111bad']);
    expect(refused.code).toBe(1);
    expect((refused.doc as JsonFail).error.message).toMatch(/^Shop "Main" was not changed: /);
    expect((await secretsFile())['shop:Main']!.secret).toBe(WRONG_SECRET);

    const fixed = await cliJson<ShopView>(dir, ['shop', 'set', 'Main', '--secret', shop.credentials.secret]);
    expect(fixed.code).toBe(0);
    expect((await secretsFile())['shop:Main']).toEqual(shop.credentials);
    expect(okResult(await cliJson(dir, ['shop', 'test', 'Main']).then((r) => r.doc))).toMatchObject({ ok: true });

    const wrongPlatform = await cliJson(dir, ['shop', 'set', 'Main', '--token', 'shpat_abc']);
    expect(wrongPlatform.code).toBe(2);
    expect((wrongPlatform.doc as JsonFail).error).toMatchObject({ field: '--token' });
  });

  it('shop set --url moves the shop to a new address after asking it', async () => {
    expect((await addWoo(shop.credentials.secret)).code).toBe(0);
    const moved = await startWooSandbox();
    try {
      const result = await cliJson<ShopView>(dir, ['shop', 'set', 'Main', '--url', moved.url]);
      expect(result.code).toBe(0);
      expect(okResult(result.doc)).toMatchObject({ platform: 'woocommerce', url: expect.stringContaining(new URL(moved.url).host) });
      expect(moved.log.length).toBeGreaterThan(0);
    } finally {
      await moved.close();
    }
  });
});

describe('CRM keys', () => {
  it('crm add refuses a key ActiveCampaign does not accept; --no-check saves it; crm set fixes it', async () => {
    const refused = await cliJson(dir, ['crm', 'add', 'activecampaign', '--name', 'AC', '--url', ac.accountUrl, '--key', 'not-the-key-0000']);
    expect(refused.code).toBe(1);
    expect((refused.doc as JsonFail).error.message).toMatch(/^CRM "AC" was not added: .*Nothing was saved\./);
    expect(okResult(await cliJson<CrmView[]>(dir, ['crm', 'list']).then((r) => r.doc))).toEqual([]);

    expect((await cliJson(dir, ['crm', 'add', 'activecampaign', '--name', 'AC', '--url', ac.accountUrl, '--key', 'not-the-key-0000', '--no-check'])).code).toBe(0);
    const fixed = await cliJson<CrmView>(dir, ['crm', 'set', 'AC', '--key', ac.key]);
    expect(fixed.code).toBe(0);
    expect((await secretsFile())['crm:AC']).toEqual({ key: ac.key });
    expect(okResult(await cliJson(dir, ['crm', 'test', 'AC']).then((r) => r.doc))).toMatchObject({ name: 'AC' });
  });
});

describe('shop set words', () => {
  it('names the flag the merchant typed, not the stored field', async () => {
    expect((await addWoo(shop.credentials.secret)).code).toBe(0);
    const tooOften = await cli(['--data-dir', dir, 'shop', 'set', 'Main', '--poll-seconds', '5']);
    expect(tooOften.code).toBe(2);
    expect(tooOften.stderr).toContain('--poll-seconds: Order pull interval must be from 30 seconds to 24 hours (got 5 seconds)');
    expect(tooOften.stderr).not.toMatch(/ordersSeconds/);
    const json = await cliJson(dir, ['shop', 'set', 'Main', '--reconcile-seconds', '10']);
    expect((json.doc as JsonFail).error).toMatchObject({ field: '--reconcile-seconds' });
    expect((json.doc as JsonFail).error.message).not.toMatch(/reconcileSeconds/);
  });
});
