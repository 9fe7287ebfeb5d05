// The dry run through the CLI (`backroom sync --plan`), against a WooCommerce shop and an
// ActiveCampaign account on 127.0.0.1. It must touch nothing: the data folder is compared byte for
// byte before and after, each practice platform's state too, and no request but a read reaches
// them. Then a real sync runs, and does what the plan said: the same orders, the same quantities.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import type { SyncPlan } from '../../core/model';
import { cli, cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: WooSandbox;
let crm: ActiveCampaignSandbox;
let dir: string;
let skus: string[];

async function folderSnapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out[relative(root, path)] = (await readFile(path)).toString('base64');
    }
  };
  await walk(root);
  return out;
}

function platformSnapshot(): string {
  const woo = shop.state;
  const ac = crm.state;
  return JSON.stringify({
    orders: [...woo.orders.entries()], products: [...woo.products.entries()], variations: [...woo.variations.entries()], customers: [...woo.customers.entries()],
    contacts: [...ac.contacts.entries()].map(([id, c]) => [id, { ...c, fieldValues: [...c.fieldValues.entries()] }]),
    tags: [...ac.tags.entries()], contactTags: [...ac.contactTags.entries()], applications: ac.applications, imports: [...ac.imports.keys()],
  });
}

const writes = () => [...shop.log, ...crm.log].filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length;

beforeEach(async () => {
  shop = await startWooSandbox({ seed: { products: 12 } });
  crm = await startActiveCampaignSandbox();
  skus = [...shop.state.products.values()].filter((p) => p.type === 'simple' && p.manageStock).map((p) => p.sku);
  dir = await tempDir('br-cli-plan-');
  const setup = [
    ['location', 'add', 'WH'],
    ['stock', 'set', skus[0]!, '10', '--location', 'WH'],
    ['stock', 'set', skus[1]!, '3', '--location', 'WH'],
    ['bundle', 'add', skus[2]!, '--of', `${skus[0]}:2,${skus[1]}:1`],
    ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret, '--location', 'WH', '--no-check'],
    ['shop', 'set', 'Main', '--safety-buffer', '1'],
    ['crm', 'add', 'activecampaign', '--name', 'AC', '--url', crm.accountUrl, '--key', crm.key, '--no-check'],
    ['rules', 'add', '--on', 'product', '--sku', skus[0]!, '--apply', 'Bought mug'],
  ];
  for (const args of setup) okResult((await cliJson(dir, args)).doc);
  shop.addOrder({ status: 'processing', lines: [{ sku: skus[0]!, quantity: 1 }, { sku: skus[2]!, quantity: 1 }] });
  shop.addOrder({ status: 'on-hold', lines: [{ sku: skus[1]!, quantity: 1 }] });
  shop.addOrder({ status: 'processing', lines: [{ sku: skus[5]!, quantity: 2 }] });
});

afterEach(async () => {
  await shop.close();
  await crm.close();
  await removeTempDirs();
});

async function planTouchingNothing(args: string[] = []): Promise<SyncPlan> {
  okResult((await cliJson(dir, ['status'])).doc); // anything a plain command writes on open is written before the snapshot
  const folder = await folderSnapshot(dir);
  const platforms = platformSnapshot();
  const writesBefore = writes();
  const readsBefore = shop.log.length;
  const run = await cliJson<SyncPlan>(dir, ['sync', '--plan', ...args]);
  expect(run.code).toBe(0);
  expect(await folderSnapshot(dir)).toEqual(folder);
  expect(platformSnapshot()).toBe(platforms);
  expect(writes()).toBe(writesBefore);
  expect(shop.log.length).toBeGreaterThan(readsBefore); // it did read the shop
  return okResult(run.doc);
}

describe('sync --plan', () => {
  it("shows a new shop's first sync — orders, quantities and why, CRM tags — touching nothing, and the real sync then does exactly that", async () => {
    const plan = await planTouchingNothing();
    const main = plan.shops[0]!;
    expect(main).toMatchObject({ shop: 'Main', firstSync: true, skippedByStatus: { 'on-hold': 1 } });
    expect(main.orders.map((o) => o.action)).toEqual(['import', 'import']);
    // The kit line holds its parts: 1 + 2 of the first part, 1 of the second.
    expect(main.orders[0]!.holds).toEqual({ [skus[0]!]: 3, [skus[1]!]: 1 });
    expect(main.orders[1]!.unknownSkus).toEqual([skus[5]]);
    const to = Object.fromEntries(main.stock.filter((s) => s.action === 'push').map((s) => [s.sku, s.to]));
    // 10 − 3 = 7 and 3 − 1 = 2 free; kits min(⌊7/2⌋, ⌊2/1⌋) = 2; a safety buffer of 1 leaves the kit at 2.
    expect(to).toMatchObject({ [skus[0]!]: 7, [skus[1]!]: 2, [skus[2]!]: 2 });
    const kitWhy = main.stock.find((s) => s.sku === skus[2])!.why;
    expect(kitWhy).toContain('kit of');
    expect(kitWhy).toContain('safety buffer');
    expect(main.stock.find((s) => s.sku === skus[0])!.from).toBe(shop.state.stockOf(skus[0]!));
    expect(plan.crm).toEqual([expect.objectContaining({ crm: 'AC', add: ['Bought mug'], source: 'orders' })]);

    // The human-readable plan names the same things.
    const text = await cli(['--data-dir', dir, 'sync', '--plan']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Nothing was changed');
    expect(text.stdout).toContain(skus[2]!);

    const real = await cliJson<{ summaries: { job: string; counts: Record<string, number> }[] }>(dir, ['sync', '--once']);
    expect(real.code).toBe(0);
    const orders = okResult((await cliJson<{ orders: { number: string }[] }>(dir, ['orders', 'list'])).doc).orders.map((o) => o.number).sort();
    expect(orders).toEqual(main.orders.map((o) => o.number).sort());
    for (const [sku, quantity] of Object.entries(to)) expect(shop.state.stockOf(sku), sku).toBe(quantity);
    expect(crm.state.applications.length).toBe(1);

    // In step now: the plan has nothing left to do.
    const after = await planTouchingNothing();
    expect(after.shops[0]!).toMatchObject({ firstSync: false, orders: [], shipments: [] });
    expect(after.shops[0]!.stock.filter((s) => s.action === 'push')).toEqual([]);
    expect(after.crm).toEqual([]);
  });

  it('shows a shipment waiting to go out and an order cancelled on the shop, for one shop with --shop, touching nothing', async () => {
    okResult((await cliJson(dir, ['sync', '--once'])).doc);
    const number = okResult((await cliJson<{ orders: { number: string }[] }>(dir, ['orders', 'list'])).doc).orders.find(() => true)!.number;
    okResult((await cliJson(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T-1'])).doc);
    const other = [...shop.state.orders.values()].find((o) => o.status === 'processing' && `WO:${o.id}` !== number)!;
    shop.state.cancelOrder(other.id);

    const plan = await planTouchingNothing(['--shop', 'Main']);
    const main = plan.shops[0]!;
    expect(main.shipments).toEqual([expect.objectContaining({ order: number, complete: true, shipments: [expect.objectContaining({ carrier: 'DHL', tracking: 'T-1' })] })]);
    expect(main.orders).toEqual([expect.objectContaining({ number: `WO:${other.id}`, action: 'cancelled', holds: {} })]);

    const unknown = await cliJson(dir, ['sync', '--plan', '--shop', 'Nope']);
    expect(unknown.code).toBe(2);
    expect((await cliJson(dir, ['sync', '--plan', '--job', 'orders'])).code).toBe(2);
  });
});
