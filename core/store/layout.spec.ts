// stock.json is checked on every open by a fast loop that must agree with the zod schema exactly.
import { describe, expect, it } from 'vitest';
import { StockData, stockSpec } from './layout';

const validate = (data: unknown) => stockSpec.validate!(data);

describe('stockSpec.validate', () => {
  it('returns valid data exactly as zod would', () => {
    const data = {
      schemaVersion: 1,
      items: { 'TS-RED-M': { sku: 'TS-RED-M', onHand: { Warehouse: 12, 'Shop floor': 0 } }, MUG: { sku: 'MUG', onHand: {} } },
      commitments: { 'Main#1': { location: 'Warehouse', lines: { 'TS-RED-M': 2 } }, 'Outlet#2': { location: null, lines: {} } },
    };
    expect(validate(structuredClone(data))).toEqual(StockData.parse(structuredClone(data)));
    expect(validate(data)).toBe(data); // the fast path: no copy
  });

  it('normalises what zod normalises (unknown keys dropped, SKUs trimmed)', () => {
    const data = { schemaVersion: 1, extra: true, items: { A: { sku: ' A ', onHand: { W: 1 }, note: 'x' } }, commitments: {} };
    expect(validate(structuredClone(data))).toEqual(StockData.parse(structuredClone(data)));
    expect(validate(data)).toEqual({ schemaVersion: 1, items: { A: { sku: 'A', onHand: { W: 1 } } }, commitments: {} });
  });

  it.each([
    [{ A: { sku: 'A', onHand: { W: -1 } } }, {}, /field items\.A\.onHand\.W must not be negative/],
    [{ A: { sku: 'A', onHand: { W: 1.5 } } }, {}, /field items\.A\.onHand\.W must be a whole number/],
    [{ A: { sku: '', onHand: {} } }, {}, /field items\.A\.sku must not be empty/],
    [{ A: { sku: 'A\u0007', onHand: {} } }, {}, /field items\.A\.sku must not contain control characters/],
    [{ A: { sku: 'A' } }, {}, /field items\.A\.onHand/],
    [{}, { 'S#1': { location: 3, lines: {} } }, /field commitments\.S#1\.location/],
    [{}, { 'S#1': { location: null, lines: { A: -2 } } }, /field commitments\.S#1\.lines\.A/],
  ])('names the field at fault (%#)', (items, commitments, message) => {
    expect(() => validate({ schemaVersion: 1, items, commitments })).toThrow(message);
  });
});
