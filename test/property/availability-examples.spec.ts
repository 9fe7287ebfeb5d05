import { describe, expect, it } from 'vitest';
import { availableFor, indexCommitments, type Commitment, type LocationMapping, type StockItem } from '../../core/model';

const item: StockItem = { sku: 'MUG', onHand: { A: 10, B: 0 } };
const atA: LocationMapping = { kind: 'location', location: 'A' };
const combined: LocationMapping = { kind: 'combined' };

describe('availability with mixed mappings, worked examples', () => {
  it('a combined shop holding every unit leaves nothing for the A-mapped shop', () => {
    const commitments: Record<string, Commitment> = { 'Online#1': { location: null, lines: { MUG: 10 } } };
    const index = indexCommitments(commitments);
    expect(availableFor(item, 'MUG', combined, index)).toBe(0);
    expect(availableFor(item, 'MUG', atA, index)).toBe(0);
  });

  it('takes the smaller of what the location has free and what is free in total', () => {
    const index = indexCommitments({ 'Online#1': { location: null, lines: { MUG: 4 } }, 'Floor#1': { location: 'A', lines: { MUG: 3 } } });
    // A: 10 − 3 = 7 free there; in total 10 − 7 = 3 free.
    expect(availableFor(item, 'MUG', atA, index)).toBe(3);
    expect(availableFor({ sku: 'MUG', onHand: { A: 10, B: 20 } }, 'MUG', atA, index)).toBe(7);
  });
});
