// Credentials never leave the secret store: not in --json output of any command, not in
// backroom.json, not in ApiError messages, not in log text passed through redact().
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../core/api/errors';
import { fileSecretStore, redact, redactValue } from '../../core/store';
import { cli, ensureCliBuilt, removeTempDirs, runBin, tempDir, type CliRun } from '../helpers';

afterAll(removeTempDirs);

// Values without any well-known credential shape, so only the registration of the real secret masks them.
const KEY = 'zebraKEY7f3a91c2d4e5';
const SECRET = 'giraffeSECRET0b8d6e4f2a';
const CK_KEY = `ck_${'a1b2c3d4'.repeat(5)}`;
const CS_SECRET = `cs_${'9f8e7d6c'.repeat(5)}`;
const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';

function expectClean(text: string, where: string): void {
  for (const secret of [KEY, SECRET, CK_KEY, CS_SECRET, TOKEN]) expect(text.includes(secret), `${where} contains ${secret}`).toBe(false);
}

let dir: string;
const outputs: { args: string[]; run: CliRun }[] = [];
async function run(args: string[]): Promise<CliRun> {
  const result = await cli(['--data-dir', dir, ...args, '--json']);
  outputs.push({ args, run: result });
  return result;
}

beforeAll(async () => {
  await ensureCliBuilt();
  dir = await tempDir();
  await run(['init']);
  await run(['location', 'add', 'Warehouse']);
  expect((await run(['shop', 'add', 'woocommerce', '--name', 'Main shop', '--url', 'https://shop.example.com', '--key', KEY, '--secret', SECRET, '--no-check'])).code).toBe(0);
  expect((await run(['shop', 'add', 'woocommerce', '--name', 'Second', '--url', 'https://two.example.com', '--key', CK_KEY, '--secret', CS_SECRET, '--location', 'Warehouse', '--no-check'])).code).toBe(0);
  expect((await run(['shop', 'add', 'shopify', '--name', 'Shopify shop', '--domain', 'demo.myshopify.com', '--token', TOKEN, '--no-check'])).code).toBe(0);
  // Failures that involve the same credentials.
  await run(['shop', 'add', 'woocommerce', '--name', 'Main shop', '--url', 'https://shop.example.com', '--key', KEY, '--secret', SECRET]);
  await run(['shop', 'add', 'woocommerce', '--name', 'Plain', '--url', 'http://shop.example.com', '--key', KEY, '--secret', SECRET]);
  await run(['shop', 'add', 'woocommerce', '--name', 'Typo', '--url', 'https://x.example.com', '--key', KEY, '--secret', SECRET, '--bogus', SECRET]);
  for (const args of [['status'], ['shop', 'list'], ['location', 'list'], ['stock', 'list'], ['errors', 'list'], ['alerts', 'list'], ['errors', 'dismiss', 'nope']]) await run(args);
}, 60_000);

describe('secrets', () => {
  it('are stored in secrets.json with mode 0600, not in backroom.json', async () => {
    const secrets = await readFile(join(dir, 'secrets.json'), 'utf8');
    for (const s of [KEY, SECRET, CK_KEY, CS_SECRET, TOKEN]) expect(secrets).toContain(s);
    if (process.platform !== 'win32') expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    const main = await readFile(join(dir, 'backroom.json'), 'utf8');
    expect(main).toContain('Main shop');
    expectClean(main, 'backroom.json');
  });

  it('never appear in any data file but secrets.json', async () => {
    for (const name of await readdir(dir)) {
      if (name === 'secrets.json' || !name.endsWith('.json')) continue;
      expectClean(await readFile(join(dir, name), 'utf8'), name);
    }
  });

  it('never appear in --json output of any command, success or failure', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const { args, run } of outputs) {
      JSON.parse(run.stdout); // exactly one document
      expectClean(run.stdout, `stdout of ${args.join(' ')}`);
      expectClean(run.stderr, `stderr of ${args.join(' ')}`);
    }
  });

  it('never appear in output of a fresh process (the real binary), which has not loaded them', async () => {
    for (const args of [['status'], ['shop', 'list'], ['shop', 'add', 'woocommerce', '--name', 'Main shop', '--url', 'https://a.example.com', '--key', KEY, '--secret', SECRET]]) {
      const result = await runBin(['--data-dir', dir, ...args, '--json']);
      expectClean(result.stdout, `binary stdout of ${args.join(' ')}`);
      expectClean(result.stderr, `binary stderr of ${args.join(' ')}`);
    }
  });

  it('are masked in ApiError messages and details', async () => {
    const store = fileSecretStore(dir);
    expect(await store.get('shop:Main shop')).toEqual({ key: KEY, secret: SECRET });
    const error = new ApiError('failed', `GET https://shop.example.com/wp-json/wc/v3/orders failed: 401 for key ${KEY} / ${SECRET}`, 'shop', [`Authorization: Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`, `retry with ${SECRET}`]);
    const serialized = JSON.stringify(error.toJSON());
    expectClean(error.message, 'ApiError.message');
    expectClean(serialized, 'ApiError.toJSON()');
    expect(serialized).not.toContain(Buffer.from(`${KEY}:${SECRET}`).toString('base64'));
    // Through the wire form too: an error rebuilt from JSON stays masked.
    expectClean(ApiError.from({ code: 'failed', message: `token ${TOKEN}` }).message, 'ApiError.from');
  });

  it('are masked in log text passed through redact(), registered or of a known shape', () => {
    const lines = [
      `GET /wp-json/wc/v3/orders?consumer_key=${KEY}&consumer_secret=${SECRET}&page=2`,
      `pushing stock with key ${KEY} and secret ${SECRET}`,
      `shopify: X-Shopify-Access-Token: ${TOKEN}`,
      `woo: ${CK_KEY} ${CS_SECRET}`,
      JSON.stringify({ headers: { Authorization: `Bearer ${TOKEN}` } }),
    ];
    for (const line of lines) expectClean(redact(line), 'redact()');
    expect(redact(`page=2&consumer_key=${KEY}`)).toContain('page=2');
    expectClean(JSON.stringify(redactValue({ nested: [{ msg: `key=${KEY}` }, SECRET] })), 'redactValue()');
  });

  it('errors recorded in issues.json are shown without secrets', async () => {
    // A platform error written by a (future) job that forgot to redact: the CLI still masks known secrets.
    const issues = JSON.parse(await readFile(join(dir, 'issues.json'), 'utf8').catch(() => '{"schemaVersion":1,"errors":[],"alerts":[]}')) as { errors: unknown[] };
    issues.errors.push({
      id: 'e1', source: { kind: 'shop', name: 'Main shop' }, operation: { kind: 'push', args: {} }, object: 'SKU A',
      message: `401 Unauthorized: consumer_key=${KEY}`, firstAt: '2026-01-01T00:00:00.000Z', lastAt: '2026-01-01T00:00:00.000Z', attempts: 1, dismissed: false,
    });
    await writeFile(join(dir, 'issues.json'), JSON.stringify({ schemaVersion: 1, alerts: [], ...issues }));
    const listed = await cli(['--data-dir', dir, 'errors', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('401 Unauthorized');
    expectClean(listed.stdout, 'errors list');
  });
});
