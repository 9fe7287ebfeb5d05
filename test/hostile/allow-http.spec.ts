import { afterAll, describe, expect, it } from 'vitest';
import { createActiveCampaignConnector } from '../../core/platforms/activecampaign/connector';
import { createHttpClient, PlatformError } from '../../core/platforms/http';
import { createWooConnector } from '../../core/platforms/woocommerce/connector';
import { cli, cliJson, okResult, removeTempDirs, tempDir, type JsonFail } from '../helpers';
import type { ShopView } from '../../core/api/namespaces/shops';
import { startWooSandbox } from '../../sandbox/woocommerce';

afterAll(removeTempDirs);

/** A shop on the network (not this computer) over plain http: its keys would cross the wire readable. */
const PLAIN = 'http://shop.example.test';

describe('plain http is refused unless the merchant allows it for that shop or CRM', () => {
  it('shop add refuses plain http naming --allow-http; with it the shop is stored, listed and can be switched back', async () => {
    const dir = await tempDir();
    const add = (extra: string[]) => cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Plain', '--url', PLAIN, '--key', 'ck_plain', '--secret', 'cs_plain', '--no-check', ...extra]);
    const refused = await add([]);
    expect(refused.code).toBe(2);
    expect((refused.doc as JsonFail).error).toMatchObject({ field: 'url' });
    expect((refused.doc as JsonFail).error.message).toMatch(/plain http.*--allow-http/);

    const allowed = await add(['--allow-http']);
    expect(allowed.code).toBe(0);
    expect(okResult(allowed.doc)).toMatchObject({ name: 'Plain', url: PLAIN, allowHttp: true });
    const listed = okResult((await cliJson<ShopView[]>(dir, ['shop', 'list'])).doc);
    expect(listed[0]).toMatchObject({ allowHttp: true });
    const human = await cli(['--data-dir', dir, 'shop', 'list']);
    expect(human.stdout).toMatch(/plain http allowed/);

    // Taking the permission back from a shop whose address is plain http would leave it unusable: refused, naming the flag.
    const back = await cliJson(dir, ['shop', 'set', 'Plain', '--no-allow-http']);
    expect(back.code).toBe(2);
    expect((back.doc as JsonFail).error.message).toMatch(/plain http/);
  });

  it('shop test says when plain http is allowed for the shop', async () => {
    const dir = await tempDir();
    const sandbox = await startWooSandbox({ storeName: 'Back Room Test' });
    try {
      const added = await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Local', '--url', sandbox.url, '--key', sandbox.credentials.key, '--secret', sandbox.credentials.secret, '--allow-http']);
      expect(added.code).toBe(0);
      const human = await cli(['--data-dir', dir, 'shop', 'test', 'Local']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/Address: +http:\/\/127\.0\.0\.1:\d+ \(plain http allowed\) — its keys travel unencrypted/);
    } finally {
      await sandbox.close();
    }
  });

  it('crm add activecampaign refuses plain http naming --allow-http, and stores the permission when given', async () => {
    const dir = await tempDir();
    const add = (extra: string[]) => cliJson(dir, ['crm', 'add', 'activecampaign', '--name', 'AC', '--url', 'http://acct.example.test', '--key', 'plain-key-000000', '--no-check', ...extra]);
    const refused = await add([]);
    expect(refused.code).toBe(2);
    expect((refused.doc as JsonFail).error.message).toMatch(/plain http.*--allow-http/);
    const allowed = await add(['--allow-http']);
    expect(allowed.code).toBe(0);
    expect(okResult(allowed.doc)).toMatchObject({ name: 'AC', allowHttp: true });
  });

  it('the connectors and the HTTP client refuse a plain-http address that was not allowed, whatever put it there', () => {
    expect(() => createWooConnector({ url: PLAIN }, { key: 'ck', secret: 'cs' })).toThrow(PlatformError);
    expect(() => createWooConnector({ url: PLAIN, allowHttp: true }, { key: 'ck', secret: 'cs' })).not.toThrow();
    expect(() => createActiveCampaignConnector({ url: 'http://acct.example.test', key: 'k' })).toThrow(/plain http/);
    const client = (baseUrl: string, allowHttp?: boolean) =>
      createHttpClient({ baseUrl, allowHttp, limits: { concurrency: 1, timeoutMs: 1000, retries: 0, maxRetryAfterMs: 0 }, describeError: () => ({ message: '' }), platformName: 'Test' });
    expect(() => client(`${PLAIN}/wp-json/`)).toThrow(/plain http/);
    expect(() => client(`${PLAIN}/wp-json/`, true)).not.toThrow();
    expect(() => client('http://127.0.0.1:1/wp-json/')).not.toThrow();
    expect(() => client('https://shop.example.test/wp-json/')).not.toThrow();
  });
});
