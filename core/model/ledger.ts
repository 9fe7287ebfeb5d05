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
  /** A refund on the shop restocked shipped units (ref: the order's number). */
  'refund',
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

// The wording lives apart from the schemas, so the window can use it without bundling zod.

/** Stock of one SKU at one location at some moment, as the ledger replays it. */
export interface LedgerPosition {
  sku: string;
  location: string | null;
  onHand: number;
  committed: number;
}
