// A Shopify token the shop refuses (revoked, or the custom app reinstalled) is replaced with
// `backroom shop set NAME --token`, so that is what the error says — not "add the shop again".
// Against the Shopify sandbox, which answers a wrong token with Shopify's own 401 body.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorEntry } from '../../core/api/namespaces/issues';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

let dir: string;
let shop: ShopifySandbox;
beforeEach(async () => {
  dir = await tempDir();
  shop = await startShopifySandbox();
});
afterEach(() => shop.close());

describe('a refused Shopify token', () => {
  it('says to set a new token with shop set, and that command then clears the error', async () => {
    const added = await cliJson(dir, ['shop', 'add', 'shopify', '--name', 'Second shop', '--domain', shop.domain, '--token', 'shpat_revoked0000000000000000000000', '--combined', '--no-check']);
    expect(added.code).toBe(0);
    await cliJson(dir, ['sync', '--once', '--job', 'orders']);
    const errors = okResult(await cliJson<ErrorEntry[]>(dir, ['errors', 'list']).then((r) => r.doc));
    const refused = errors.find((e) => /access token/.test(e.message));
    expect(refused, JSON.stringify(errors)).toBeDefined();
    expect(refused!.message).toContain('backroom shop set "Second shop" --token');
    expect(refused!.message).not.toMatch(/add the shop again/);

    // The advice works: the new token is tested, saved, and the next pull clears the error.
    const set = await cliJson(dir, ['shop', 'set', 'Second shop', '--token', shop.token]);
    expect(set.code).toBe(0);
    await cliJson(dir, ['sync', '--once', '--job', 'orders']);
    const after = okResult(await cliJson<ErrorEntry[]>(dir, ['errors', 'list']).then((r) => r.doc));
    expect(after.filter((e) => /access token/.test(e.message))).toEqual([]);
  });
});
