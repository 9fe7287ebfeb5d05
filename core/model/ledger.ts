import { z } from 'zod';
import { Instant } from './common';

/**
 * Why a stock quantity changed. Every change of on hand or of the stock held for orders has one, so
 * "why does the shop say 3?" is always answered from the ledger, never guessed.
 */
export const LedgerCause = z.enum([
  /** What was already there when the ledger started (a data folder from before it). */
  'opening',
  'set',
  'import',
  'order',
  'order-edit',
  'order-cancel',
  'order-refund',
  'shipment',
  'return',
  'reconcile',
]);
export type LedgerCause = z.infer<typeof LedgerCause>;

/** The two quantities the ledger follows: units on the shelf, and units held by open orders. */
export const LedgerMeasure = z.enum(['onHand', 'committed']);
export type LedgerMeasure = z.infer<typeof LedgerMeasure>;

/**
 * One movement of stock. Entries are only ever appended; `seq` orders them (the same instant can
 * carry several). `location` is null for stock held by orders of a shop on all locations combined:
 * such orders hold units against the total until a shipment says where they left from.
 */
export const LedgerEntry = z.object({
  seq: z.number().int().min(1),
  at: Instant,
  sku: z.string().min(1).max(100),
  location: z.string().min(1).max(64).nullable(),
  measure: LedgerMeasure,
  delta: z.number().int(),
  /** The quantity of this measure for this SKU and location right after the change. */
  after: z.number().int().min(0),
  cause: LedgerCause,
  /** What it refers to: an order number, a file and line, a shop. */
  ref: z.string().max(300).optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** An entry before the ledger numbers it. */
export type NewLedgerEntry = Omit<LedgerEntry, 'seq'>;

/** The key of one followed quantity: SKU, location (or `*` for all locations) and measure. */
export function ledgerKey(e: Pick<LedgerEntry, 'sku' | 'location' | 'measure'>): string {
  return `${e.measure}\u0000${e.sku}\u0000${e.location ?? '*'}`;
}

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

/** Stock of one SKU at one location at some moment, as the ledger replays it. */
export interface LedgerPosition {
  sku: string;
  location: string | null;
  onHand: number;
  committed: number;
}
