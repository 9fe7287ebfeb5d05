// The commands of the sync engine, carts and rules through the CLI: exit codes and JSON shapes,
// against a WooCommerce sandbox on 127.0.0.1.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

let shop: WooSandbox;
let dir: string;

beforeAll(async () => {
  shop = await startWooSandbox({ seed: { products: 6 } });
  shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 2 }] });
  dir = await tempDir('br-cli-sync-');
  okResult((await cliJson(dir, ['location', 'add', 'WH'])).doc);
  okResult((await cliJson(dir, ['stock', 'set', 'SKU-00001', '5', '--location', 'WH'])).doc);
  okResult((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret, '--location', 'WH'])).doc);
});

afterAll(async () => {
  await shop.close();
  await removeTempDirs();
});

describe('sync, orders and ship through the CLI', () => {
  it('sync --once --json prints each job with its counts and requests, exit 0', async () => {
    const { code, doc } = await cliJson<{ summaries: { job: string; target: string; counts: Record<string, number>; requests: number; errors: number }[] }>(dir, ['sync', '--once']);
    expect(code).toBe(0);
    const summaries = okResult(doc).summaries;
    expect(summaries.map((s) => s.job)).toEqual(['orders', 'inventory', 'shipping', 'carts']);
    expect(summaries[0]).toMatchObject({ target: 'Main', errors: 0, counts: { pulled: 1 } });
    expect(summaries[0]!.requests).toBeGreaterThan(0);
  });

  it('orders list and show give the order with its prefix; an unknown number exits 2', async () => {
    const list = okResult((await cliJson<{ total: number; orders: { number: string; status: string }[] }>(dir, ['orders', 'list'])).doc);
    expect(list.total).toBe(1);
    expect(list.orders[0]!.number).toMatch(/^WO:\d+$/);
    const show = okResult((await cliJson<{ lines: { sku: string; quantity: number }[] }>(dir, ['orders', 'show', list.orders[0]!.number])).doc);
    expect(show.lines).toEqual([expect.objectContaining({ sku: 'SKU-00001', quantity: 2 })]);
    const missing = await cliJson(dir, ['orders', 'show', 'WO:999999']);
    expect(missing.code).toBe(2);
    expect(missing.doc).toMatchObject({ ok: false, error: { code: 'not-found', field: 'number' } });
  });

  it('ship validates its lines (exit 2, field named), records a good shipment, and a CSV with a bad line applies nothing', async () => {
    const number = okResult((await cliJson<{ orders: { number: string }[] }>(dir, ['orders', 'list'])).doc).orders[0]!.number;
    const tooMany = await cliJson(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1', '--lines', 'SKU-00001:9']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.doc).toMatchObject({ ok: false, error: { field: 'lines' } });
    const badLines = await cliJson(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1', '--lines', 'SKU-00001']);
    expect(badLines.code).toBe(2);

    const csv = join(dir, 'shipments.csv');
    await writeFile(csv, `order,carrier,tracking,date,sku,quantity\n${number},DHL,T2,2026-01-05,SKU-00001,1\n${number},DHL,T3,05/01/2026,SKU-00001,1\n`);
    const rejected = await cliJson<{ error: { details: string[] } }>(dir, ['ship', 'import', csv]);
    expect(rejected.code).toBe(2);
    expect(JSON.stringify(rejected.doc)).toContain('line 3');
    expect(okResult((await cliJson<{ shipments: unknown[] }>(dir, ['orders', 'show', number])).doc).shipments).toEqual([]);

    const shipped = await cliJson<{ order: { fulfilment: string }; shipment: { lines: unknown[] } }>(dir, ['ship', number, '--carrier', 'DHL', '--tracking', 'T1']);
    expect(shipped.code).toBe(0);
    expect(okResult(shipped.doc).order.fulfilment).toBe('fulfilled');
    expect(okResult((await cliJson<{ summaries: { job: string; counts: Record<string, number> }[] }>(dir, ['sync', '--job', 'shipping'])).doc).summaries[0]!.counts.pushed).toBe(1);
  });

  it('a sync with a failing shop exits 1 and still prints one JSON document', async () => {
    shop.inject({ kind: 'status', status: 401, times: 5, body: { code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.', data: { status: 401 } } });
    const run = await cliJson<{ summaries: { errors: number }[] }>(dir, ['sync', '--once']);
    expect(run.code).toBe(1);
    expect(okResult(run.doc).summaries[0]!.errors).toBe(1);
    const errors = okResult((await cliJson<{ id: string }[]>(dir, ['errors', 'list'])).doc);
    expect(errors).toHaveLength(1);
    shop.clearFaults();
    const retried = await cliJson<{ resolved: boolean }>(dir, ['errors', 'retry', errors[0]!.id]);
    expect(retried.code).toBe(0);
    expect(okResult(retried.doc).resolved).toBe(true);
    expect((await cliJson(dir, ['errors', 'retry', 'nope'])).code).toBe(2);
  });
});

describe('rules, carts and settings through the CLI', () => {
  it('adds, lists and removes a rule; a rule without tags or with an unknown CRM is refused (exit 2)', async () => {
    const added = await cliJson<{ rule: { id: string } }>(dir, ['rules', 'add', '--on', 'product', '--sku', 'SKU-00001', '--apply', 'Bought one']);
    expect(added.code).toBe(0);
    const id = okResult(added.doc).rule.id;
    expect(okResult((await cliJson<{ id: string }[]>(dir, ['rules', 'list'])).doc).map((r) => r.id)).toEqual([id]);
    expect((await cliJson(dir, ['rules', 'add', '--on', 'refunded'])).code).toBe(2);
    expect((await cliJson(dir, ['rules', 'add', '--on', 'refunded', '--apply', 'X', '--crm', 'Nope'])).doc).toMatchObject({ ok: false, error: { field: 'crm' } });
    expect((await cliJson(dir, ['rules', 'add', '--on', 'product', '--apply', 'X'])).code).toBe(2);
    expect((await cliJson(dir, ['rules', 'remove', id])).code).toBe(0);
    expect(okResult((await cliJson<unknown[]>(dir, ['rules', 'list'])).doc)).toEqual([]);
  });

  it('carts list is an array; settings carts refuses a cut-off under 10 and keeps the old value', async () => {
    expect(Array.isArray(okResult((await cliJson(dir, ['carts', 'list'])).doc))).toBe(true);
    const low = await cliJson(dir, ['settings', 'carts', '--cutoff', '9']);
    expect(low.code).toBe(2);
    expect(low.doc).toMatchObject({ ok: false, error: { field: '--cutoff' } });
    const ok = okResult((await cliJson<{ carts: { cutoffMinutes: number; sweepMinutes: number } }>(dir, ['settings', 'carts', '--sweep', '5'])).doc);
    expect(ok.carts).toMatchObject({ cutoffMinutes: 15, sweepMinutes: 5 });
  });
});
