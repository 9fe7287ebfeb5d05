import type { LedgerCause, LedgerEntry } from './ledger';

const REASONS: Record<LedgerCause, (ref: string) => string> = {
  opening: () => 'already there when Backroom started keeping its stock ledger',
  set: () => 'set by hand',
  import: (ref) => `imported from ${ref || 'a CSV file'}`,
  order: (ref) => `order ${ref} came in`,
  'order-edit': (ref) => `order ${ref} was changed on the shop`,
  'order-cancel': (ref) => `order ${ref} was cancelled`,
  'order-refund': (ref) => `order ${ref} was refunded`,
  shipment: (ref) => `shipped for order ${ref}`,
  return: (ref) => `returned from order ${ref}`,
  refund: (ref) => `restocked by a refund of order ${ref} on the shop`,
  reconcile: (ref) => `corrected by the stock check${ref ? ` (${ref})` : ''}`,
};

/** Why, in the merchant's words: "order WO:1043 came in". */
export function ledgerReason(entry: Pick<LedgerEntry, 'cause' | 'ref'>): string {
  return REASONS[entry.cause](entry.ref ?? '');
}

/**
 * One line of a SKU's story, without the time (front ends show times in the reader's own zone):
 * "on hand at Warehouse +12 → 12: set by hand", "held for orders (all locations) +2 → 2: order WO:1043 came in".
 */
export function describeLedgerEntry(entry: LedgerEntry): string {
  const what = entry.measure === 'onHand' ? 'on hand' : 'held for orders';
  const where = entry.location === null ? ' (all locations)' : ` at ${entry.location}`;
  const signed = entry.delta > 0 ? `+${entry.delta}` : String(entry.delta);
  return `${what}${where} ${signed} → ${entry.after}: ${ledgerReason(entry)}`;
}
