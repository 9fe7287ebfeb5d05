import type { Commitment, LocationMapping, StockItem } from './index';

/** Units of each SKU held by unfulfilled orders, per location (`null` = held against the combined total). */
export interface CommittedIndex {
  byLocation: Map<string | null, Map<string, number>>;
}

export function indexCommitments(commitments: Record<string, Commitment>): CommittedIndex {
  const byLocation = new Map<string | null, Map<string, number>>();
  for (const c of Object.values(commitments)) {
    let skus = byLocation.get(c.location);
    if (!skus) byLocation.set(c.location, (skus = new Map()));
    for (const [sku, qty] of Object.entries(c.lines)) skus.set(sku, (skus.get(sku) ?? 0) + qty);
  }
  return { byLocation };
}

function committedAt(index: CommittedIndex, location: string | null, sku: string): number {
  return index.byLocation.get(location)?.get(sku) ?? 0;
}

export function totalCommitted(index: CommittedIndex, sku: string): number {
  let sum = 0;
  for (const skus of index.byLocation.values()) sum += skus.get(sku) ?? 0;
  return sum;
}

/**
 * Available = on hand − committed, never below 0 (SPEC §2). A shop mapped to one location sees that
 * location's stock less what its orders hold there; a combined shop sees every location less every
 * commitment. The safety buffer pushes 0 once available falls to the buffer or below.
 */
export function availableFor(item: StockItem | undefined, sku: string, mapping: LocationMapping, index: CommittedIndex, safetyBuffer = 0): number {
  let available: number;
  if (mapping.kind === 'location') {
    available = (item?.onHand[mapping.location] ?? 0) - committedAt(index, mapping.location, sku);
  } else {
    const onHand = item ? Object.values(item.onHand).reduce((a, b) => a + b, 0) : 0;
    available = onHand - totalCommitted(index, sku);
  }
  if (available <= safetyBuffer && safetyBuffer > 0) return 0;
  return Math.max(0, available);
}
