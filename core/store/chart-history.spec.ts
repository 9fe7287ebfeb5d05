// The pictures' history stays within its bounds whatever happens to the stock, samples changes no
// closer than SAMPLE_SECONDS apart (except the newest point, which is always current), and a file
// that is not what Backroom writes is refused rather than overwritten.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { chartHistorySpec, lastSuccess, MAX_POINTS_PER_SKU, MAX_RUNS, MAX_SKUS, recordRun, recordStock, SAMPLE_SECONDS } from './chart-history';

describe('recordStock', () => {
  test.prop(
    [fc.array(fc.record({ sku: fc.constantFrom('A', 'B', 'C'), dt: fc.integer({ min: 0, max: 4000 }), onHand: fc.integer({ min: -5, max: 50 }), available: fc.integer({ min: 0, max: 50 }) }), { maxLength: 400 })],
    { numRuns: 300 },
  )('keeps every bound, the sampling spacing, and the newest figures last', (changes) => {
    const history = chartHistorySpec.create();
    let at = 1_767_225_600;
    const latest = new Map<string, [number, number]>();
    for (const c of changes) {
      at += c.dt;
      recordStock(history, c.sku, at, c.onHand, c.available);
      latest.set(c.sku, [c.onHand, c.available]);
    }
    for (const [sku, [onHand, available]] of latest) {
      const points = history.stock[sku]!;
      expect(points.length).toBeLessThanOrEqual(MAX_POINTS_PER_SKU);
      expect(points.at(-1)!.slice(1)).toEqual([onHand, available]);
      for (let i = 1; i < points.length; i++) expect(points[i]![0]).toBeGreaterThanOrEqual(points[i - 1]![0]);
      for (let i = 1; i < points.length - 1; i++) expect(points[i]![0] - points[i - 1]![0]).toBeGreaterThanOrEqual(SAMPLE_SECONDS);
    }
    expect(() => chartHistorySpec.validate!(JSON.parse(JSON.stringify(history)))).not.toThrow();
  });

  it('adds nothing when the figures did not change', () => {
    const history = chartHistorySpec.create();
    expect(recordStock(history, 'A', 100, 5, 3)).toBe(true);
    expect(recordStock(history, 'A', 99_999, 5, 3)).toBe(false);
    expect(history.stock.A).toEqual([[100, 5, 3]]);
  });

  it('keeps at most MAX_SKUS SKUs, dropping the one changed longest ago', () => {
    const history = chartHistorySpec.create();
    for (let i = 0; i < MAX_SKUS + 3; i++) recordStock(history, `SKU-${i}`, 1000 + i, i, i);
    recordStock(history, 'SKU-3', 999_999, -1, 0); // changed again: now the newest
    const skus = Object.keys(history.stock);
    expect(skus).toHaveLength(MAX_SKUS);
    expect(skus).not.toContain('SKU-0');
    expect(skus).toContain('SKU-3');
    expect(skus.at(-1)).toBe('SKU-3');
  });
});

describe('recordRun', () => {
  it('keeps the newest MAX_RUNS runs and finds each shop’s last success', () => {
    const history = chartHistorySpec.create();
    for (let i = 0; i < MAX_RUNS + 10; i++) recordRun(history, { shop: i % 2 ? 'B' : 'A', at: new Date(i * 1000).toISOString(), ok: i % 5 !== 0, lagSeconds: i });
    expect(history.runs).toHaveLength(MAX_RUNS);
    expect(history.runs[0]!.lagSeconds).toBe(10);
    expect(lastSuccess(history, 'A')).toBe(new Date((MAX_RUNS + 8) * 1000).toISOString());
    expect(lastSuccess(history, 'nobody')).toBeUndefined();
  });
});

describe('charts.json on disk', () => {
  it('refuses a file that breaks the bounds, naming the field', () => {
    const tooMany = { schemaVersion: 1, stock: { A: Array.from({ length: MAX_POINTS_PER_SKU + 1 }, (_, i) => [i, 1, 1]) }, runs: [] };
    expect(() => chartHistorySpec.validate!(tooMany)).toThrow(/stock\.A/);
    expect(() => chartHistorySpec.validate!({ schemaVersion: 1, stock: {}, runs: [{ shop: 'A' }] })).toThrow(/runs\.0/);
  });
});
