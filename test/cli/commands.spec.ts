// Every CLI command: exit code and --json shape ({ok:true,result} / {ok:false,error:{code,message,field}}),
// usage errors exit 2, --json prints exactly one JSON document, --help works for every command.
// Most run in-process through runCli with a captured Io; a few through the real binary.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ShopView } from '../../core/api/namespaces/shops';
import type { StatusReport } from '../../core/api/namespaces/status';
import type { StockView } from '../../core/api/namespaces/stock';
import { buildProgram } from '../../cli/program';
import { cli, cliJson, ensureCliBuilt, okResult, removeTempDirs, runBin, tempDir, type JsonFail, type JsonOk } from '../helpers';

afterAll(removeTempDirs);

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});

/** Runs a command with --json, checks the document's shape, and returns it. */
async function ok<T>(args: string[]): Promise<T> {
  const { code, doc, run } = await cliJson<T>(dir, args);
  expect(code, run.stdout + run.stderr).toBe(0);
  expect(Object.keys(doc).sort()).toEqual(['ok', 'result']);
  return okResult(doc);
}

/** Runs a command with --json expecting failure with `exit`; checks the error's shape. */
async function fails(args: string[], exit: number, field?: string | RegExp): Promise<JsonFail['error']> {
  const { code, doc, run } = await cliJson(dir, args);
  expect(code, run.stdout + run.stderr).toBe(exit);
  expect(doc.ok).toBe(false);
  const { error } = doc as JsonFail;
  expect(Object.keys(doc).sort()).toEqual(['error', 'ok']);
  expect(typeof error.code).toBe('string');
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(typeof error.field).toBe('string');
  if (field !== undefined) expect(error.field).toMatch(field instanceof RegExp ? field : new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  return error;
}

const woo = (name: string, extra: string[] = []) => ['shop', 'add', 'woocommerce', '--name', name, '--url', 'https://shop.example.com', '--key', 'ck_test_1234567890', '--secret', 'cs_test_1234567890', '--no-check', ...extra];

async function seedIssues(): Promise<void> {
  const at = '2026-03-01T10:00:00.000Z';
  const later = '2026-03-02T10:00:00.000Z';
  await writeFile(join(dir, 'issues.json'), JSON.stringify({
    schemaVersion: 1,
    errors: [
      { id: 'err-1', source: { kind: 'shop', name: 'Main' }, operation: { kind: 'push-stock', args: { sku: 'A' } }, object: 'SKU A', message: 'request rejected', firstAt: at, lastAt: at, attempts: 3, dismissed: false },
      { id: 'err-2', source: { kind: 'shop', name: 'Main' }, operation: { kind: 'pull-orders', args: {} }, object: 'orders', message: 'auth failed', firstAt: at, lastAt: later, attempts: 1, dismissed: false },
    ],
    alerts: [
      { id: 'al-1', key: 'unknown-sku|Main|X', source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku', message: 'Order WO:1 has SKU X, not in the catalogue', count: 2, firstAt: at, lastAt: at, dismissed: false },
      { id: 'al-2', key: 'old', source: { kind: 'backroom', name: 'Backroom' }, kind: 'other', message: 'seen', count: 1, firstAt: at, lastAt: at, dismissed: true },
    ],
  }));
}

describe('init and status', () => {
  it('init creates the store and is safe to run again', async () => {
    const first = await ok<{ dataDir: string; created: boolean; status: StatusReport }>(['init']);
    expect(first).toMatchObject({ dataDir: dir, created: true, status: { via: 'direct', engine: null, shops: [], locations: 0, skus: 0 } });
    expect(JSON.parse(await readFile(join(dir, 'backroom.json'), 'utf8'))).toMatchObject({ schemaVersion: 3 });
    await ok(['init']);
  });

  it('status reports the store', async () => {
    await ok(['location', 'add', 'Warehouse']);
    await ok(woo('Main', ['--location', 'Warehouse']));
    await ok(['stock', 'set', 'A', '2', '--location', 'Warehouse']);
    await seedIssues();
    const status = await ok<StatusReport>(['status']);
    expect(status).toMatchObject({
      dataDir: dir, via: 'direct', engine: null, secrets: 'file',
      shops: [{ name: 'Main', platform: 'woocommerce', prefix: 'WO', location: 'Warehouse', orders: 0, lastRun: {}, health: { state: 'attention', openErrors: 2 } }],
      crms: [], locations: 1, skus: 1, errors: 2, alerts: 1,
      health: { overall: 'attention' },
    });
  });

  it('BACKROOM_HOME chooses the data directory when --data-dir is absent', async () => {
    const run = await cli(['status', '--json'], { BACKROOM_HOME: dir });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonOk<StatusReport>).result.dataDir).toBe(dir);
  });
});

describe('location', () => {
  it('add and list', async () => {
    expect(await ok(['location', 'add', 'Warehouse'])).toEqual({ name: 'Warehouse', addedAt: expect.any(String) });
    await ok(['location', 'add', 'Shop floor']);
    expect((await ok<{ name: string }[]>(['location', 'list'])).map((l) => l.name)).toEqual(['Warehouse', 'Shop floor']);
  });

  it('refuses a duplicate (any case) and a bad name', async () => {
    await ok(['location', 'add', 'Warehouse']);
    await fails(['location', 'add', 'warehouse'], 2, 'name');
    await fails(['location', 'add', '#1'], 2, 'name');
    await fails(['location', 'add'], 2, 'name');
  });
});

describe('stock', () => {
  beforeEach(async () => {
    await ok(['location', 'add', 'Warehouse']);
  });

  it('set and list', async () => {
    const view = await ok<StockView>(['stock', 'set', 'TS-RED-M', '12', '--location', 'Warehouse']);
    expect(view).toEqual({ sku: 'TS-RED-M', onHand: { Warehouse: 12 }, totalOnHand: 12, committed: 0, available: 12 });
    await ok(['stock', 'set', 'MUG', '0', '--location', 'Warehouse']);
    expect((await ok<StockView[]>(['stock', 'list'])).map((i) => i.sku)).toEqual(['MUG', 'TS-RED-M']);
    expect((await ok<StockView[]>(['stock', 'list', '--sku', 'red'])).map((i) => i.sku)).toEqual(['TS-RED-M']);
  });

  it('bad numbers, unknown location and missing flags are usage errors (exit 2)', async () => {
    await fails(['stock', 'set', 'A', 'ten', '--location', 'Warehouse'], 2, 'QTY');
    await fails(['stock', 'set', 'A', '1.5', '--location', 'Warehouse'], 2, 'QTY');
    await fails(['stock', 'set', 'A', '-1', '--location', 'Warehouse'], 2, 'QTY');
    await fails(['stock', 'set', 'A', '5', '--location', 'Attic'], 2, 'location');
    await fails(['stock', 'set', 'A', '5'], 2, '--location');
    await fails(['stock', 'set', 'A', '--location', 'Warehouse'], 2, 'qty');
    await fails(['stock', 'list', '--bogus'], 2, '--bogus');
    expect(await ok<StockView[]>(['stock', 'list'])).toEqual([]);
  });

  it('import', async () => {
    await writeFile(join(dir, 's.csv'), 'sku,location,quantity\nA,Warehouse,1\n');
    expect(await ok(['stock', 'import', join(dir, 's.csv')])).toMatchObject({ applied: true, rows: 1 });
    expect(await ok(['stock', 'import', join(dir, 's.csv'), '--dry-run'])).toMatchObject({ applied: false, rows: 1, unchanged: 1 });
    await fails(['stock', 'import'], 2, 'file');
  });
});

describe('shop', () => {
  it('add woocommerce and shopify, list, remove', async () => {
    await ok(['location', 'add', 'Warehouse']);
    const added = await ok<ShopView>(woo('Main', ['--statuses', 'processing,on-hold', '--location', 'Warehouse']));
    expect(added).toMatchObject({ name: 'Main', platform: 'woocommerce', url: 'https://shop.example.com', prefix: 'WO', statuses: ['processing', 'on-hold'], location: { kind: 'location', location: 'Warehouse' }, hasCredentials: true });
    expect(added).not.toHaveProperty('secretRef');
    // Two letters clash, so the next WooCommerce shop gets three.
    expect((await ok<ShopView>(woo('Second'))).prefix).toBe('WOO');
    const shopify = await ok<ShopView>(['shop', 'add', 'shopify', '--name', 'Shopify', '--domain', 'demo.myshopify.com', '--token', 'shpat_0123456789abcdef', '--no-check']);
    expect(shopify).toMatchObject({ platform: 'shopify', domain: 'demo.myshopify.com', prefix: 'SH', location: { kind: 'combined' } });
    // Plain http is fine for this computer (the sandbox shops).
    expect((await ok<ShopView>(['shop', 'add', 'woocommerce', '--name', 'Local', '--url', 'http://127.0.0.1:8080', '--key', 'k-local-1', '--secret', 's-local-1', '--prefix', 'LO', '--no-check'])).prefix).toBe('LO');

    expect((await ok<ShopView[]>(['shop', 'list'])).map((s) => s.name)).toEqual(['Main', 'Second', 'Shopify', 'Local']);
    expect(await ok(['shop', 'remove', 'Second'])).toEqual({ removed: 'Second' });
    expect((await ok<ShopView[]>(['shop', 'list'])).map((s) => s.name)).toEqual(['Main', 'Shopify', 'Local']);
    const secrets = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(secrets).sort()).toEqual(['shop:Local', 'shop:Main', 'shop:Shopify']);
    await fails(['shop', 'remove', 'Second'], 2, 'name');
  });

  it('usage errors: duplicate prefix and name, plain-http non-loopback URL, unknown location, missing flags, conflicting flags', async () => {
    await ok(woo('Main'));
    const dup = await fails(woo('Other', ['--prefix', 'WO']), 2, 'prefix');
    expect(dup.message).toMatch(/already used by shop "Main"/);
    await fails(woo('main'), 2, 'name');
    const http = await fails(['shop', 'add', 'woocommerce', '--name', 'Plain', '--url', 'http://shop.example.com', '--key', 'k1234567', '--secret', 's1234567'], 2, 'url');
    expect(http.message).toMatch(/plain http/);
    await fails(['shop', 'add', 'woocommerce', '--name', 'Bad', '--url', 'not a url', '--key', 'k1234567', '--secret', 's1234567'], 2, 'url');
    await fails(woo('Nowhere', ['--location', 'Attic']), 2, 'location');
    await fails(woo('Both', ['--location', 'Attic', '--combined']), 2);
    await fails(woo('Lower', ['--prefix', 'wo!']), 2, 'prefix');
    await fails(['shop', 'add', 'woocommerce', '--name', 'NoKey', '--url', 'https://a.example.com', '--secret', 's1234567'], 2, '--key');
    await fails(['shop', 'add', 'shopify', '--name', 'S', '--domain', 'example.com', '--token', 'shpat_123456789'], 2, 'domain');
    await fails(['shop', 'add', 'magento', '--name', 'M'], 2);
    // Nothing of the failed attempts was stored.
    expect((await ok<ShopView[]>(['shop', 'list'])).map((s) => s.name)).toEqual(['Main']);
    expect(Object.keys(JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as object)).toEqual(['shop:Main']);
  });
});

describe('errors and alerts', () => {
  it('list, dismiss, list --all', async () => {
    await ok(['init']);
    expect(await ok(['errors', 'list'])).toEqual([]);
    expect(await ok(['alerts', 'list'])).toEqual([]);
    await seedIssues();
    expect((await ok<{ id: string }[]>(['errors', 'list'])).map((e) => e.id)).toEqual(['err-2', 'err-1']);
    const dismissed = await ok<{ id: string; dismissed: boolean }>(['errors', 'dismiss', 'err-1']);
    expect(dismissed).toMatchObject({ id: 'err-1', dismissed: true });
    expect((await ok<{ id: string }[]>(['errors', 'list'])).map((e) => e.id)).toEqual(['err-2']);
    expect((await ok<{ id: string }[]>(['errors', 'list', '--all'])).map((e) => e.id)).toEqual(['err-2', 'err-1']);
    const issues = JSON.parse(await readFile(join(dir, 'issues.json'), 'utf8')) as { errors: { id: string; dismissed: boolean }[] };
    expect(issues.errors.find((e) => e.id === 'err-1')?.dismissed).toBe(true);
    await fails(['errors', 'dismiss', 'nope'], 2, 'id');
    await fails(['errors', 'dismiss'], 2, 'id');

    const ids = (groups: { alerts: { id: string }[] }[]) => groups.flatMap((g) => g.alerts.map((a) => a.id)).sort();
    expect(ids(await ok<{ alerts: { id: string }[] }[]>(['alerts', 'list']))).toEqual(['al-1']);
    expect(ids(await ok<{ alerts: { id: string }[] }[]>(['alerts', 'list', '--all']))).toEqual(['al-1', 'al-2']);
  });
});

describe('usage', () => {
  it('an unknown command or option exits 2 with one JSON document', async () => {
    await fails(['frobnicate'], 2, 'frobnicate');
    await fails(['status', '--verbose'], 2, '--verbose');
  });

  it('without --json, failures go to stderr with the same exit codes', async () => {
    const usage = await cli(['--data-dir', dir, 'stock', 'set', 'A', 'x', '--location', 'W']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toMatch(/^backroom: QTY must be a whole number/);
    const human = await cli(['--data-dir', dir, 'location', 'add', 'Warehouse']);
    expect(human).toMatchObject({ code: 0, stdout: 'Added location "Warehouse".\n' });
  });

  it('--help works for every command', async () => {
    const program = buildProgram({ io: { out: () => undefined, err: () => undefined }, env: {}, exitCode: 0 });
    const paths: string[][] = [[]];
    const walk = (command: Command, path: string[]) => {
      for (const sub of command.commands) {
        paths.push([...path, sub.name()]);
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(program, []);
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const run = await cli([...path, '--help']);
      expect(run.code, path.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: backroom${path.length ? ` ${path.join(' ')}` : ''}`);
    }
  });
});

describe('the real binary', () => {
  beforeAll(ensureCliBuilt, 60_000);

  it('status --json, a usage error, an unknown option and --help', async () => {
    const status = await runBin(['--data-dir', dir, 'status', '--json']);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as JsonOk<StatusReport>).result.via).toBe('direct');

    const bad = await runBin(['--data-dir', dir, 'stock', 'set', 'A', 'many', '--location', 'W', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'QTY' } });

    const unknown = await runBin(['--data-dir', dir, 'status', '--bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'bad-input', field: '--bogus' } });

    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: backroom/);
  });
});
