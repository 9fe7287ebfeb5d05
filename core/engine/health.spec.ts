// The one health function every front end shows: properties over random shops, CRMs, errors,
// running jobs and pause, so no combination can show green while something needs the merchant.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { ErrorEntry } from '../model';
import { computeHealth, troubleOf, type HealthInput } from './health';

const names = ['Main', 'Second', 'AC', 'Mail'];
const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((t) => new Date(t).toISOString());
const errorEntry = fc.record({
  kind: fc.constantFrom('shop', 'crm', 'backroom'),
  name: fc.constantFrom(...names),
  message: fc.constantFrom('WooCommerce answered HTTP 401 — the shop refused Backroom\'s credentials.', 'Could not reach WooCommerce (ECONNREFUSED: connect) after retrying.', 'SKU X rejected'),
  dismissed: fc.boolean(),
  at: instant,
}).map(({ kind, name, message, dismissed, at }): ErrorEntry => ({ id: `${kind}-${name}-${at}`, source: { kind, name }, operation: { kind: 'x', args: {} }, object: 'thing', message, firstAt: at, lastAt: at, attempts: 1, dismissed }));

const input: fc.Arbitrary<HealthInput> = fc.record({
  shops: fc.uniqueArray(fc.record({ name: fc.constantFrom(...names), lastRun: fc.dictionary(fc.constantFrom('orders', 'inventory', 'carts'), instant) }), { selector: (s) => s.name, maxLength: 3 }),
  crms: fc.uniqueArray(fc.record({ name: fc.constantFrom(...names), lastSuccessAt: fc.option(instant, { nil: undefined }) }), { selector: (c) => c.name, maxLength: 2 }),
  errors: fc.array(errorEntry, { maxLength: 6 }),
  running: fc.array(fc.tuple(fc.constantFrom('orders', 'inventory', 'crm'), fc.constantFrom(...names)).map(([j, n]) => `${j}:${n}`), { maxLength: 3 }),
  paused: fc.boolean(),
});

describe('computeHealth', () => {
  test.prop([input], { numRuns: 500 })('a shop or CRM with an open error always needs attention, and so does the whole', (h) => {
    const health = computeHealth(h);
    for (const t of [...health.shops, ...health.crms]) {
      const open = h.errors.filter((e) => !e.dismissed && e.source.kind === t.kind && e.source.name === t.name);
      expect(t.openErrors).toBe(open.length);
      expect(t.state === 'attention').toBe(open.length > 0);
      expect(t.reason.length).toBeGreaterThan(0);
      if (open.some((e) => troubleOf(e.message) === 'keys-refused')) expect(t.reason).toMatch(/refused Backroom's keys/);
      if (t.state === 'ok') expect(t.lastSuccessAt).not.toBeNull();
      if (t.state !== 'attention' && h.paused) expect(t.state).toBe('paused');
    }
    const anyAttention = [...health.shops, ...health.crms].some((t) => t.state === 'attention') || h.errors.some((e) => !e.dismissed && e.source.kind === 'backroom');
    expect(health.overall === 'attention').toBe(anyAttention);
    if (health.overall === 'ok') expect([...health.shops, ...health.crms].every((t) => t.state === 'ok')).toBe(true);
  });

  it('names a shop being worked on as syncing, and one never synced as not yet synced', () => {
    const health = computeHealth({ shops: [{ name: 'Main', lastRun: {} }, { name: 'Second', lastRun: { orders: '2026-03-01T10:00:00.000Z' } }], crms: [{ name: 'AC' }], errors: [], running: ['orders:Second'], paused: false });
    expect(health.shops.map((s) => s.state)).toEqual(['not-synced', 'syncing']);
    expect(health.crms[0]!.state).toBe('not-synced');
    expect(health.overall).toBe('syncing');
  });

  it('tells refused keys from an unreachable shop', () => {
    expect(troubleOf("WooCommerce answered HTTP 401 — the shop refused Backroom's credentials. Check the API key")).toBe('keys-refused');
    expect(troubleOf('Could not reach WooCommerce (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9) after retrying.')).toBe('unreachable');
    expect(troubleOf('WooCommerce refused some stock updates: invalid SKU')).toBe('failing');
  });
});
