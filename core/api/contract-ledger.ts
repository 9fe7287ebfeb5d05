import { z } from 'zod';
import { Name, Sku, type LedgerEntry, type LedgerPosition } from '../model';
import type { BookedReturn } from '../store/stock-extras';
import { method } from './define';

/** A day (`2026-11-22`, meaning that whole UTC day) or an exact ISO instant. */
const DayOrInstant = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) ? !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) : /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be a date as YYYY-MM-DD or a time as 2026-11-22T09:15:00Z');

/** Largest story `stock why` tells at once; older entries are counted, not listed. */
export const MAX_WHY_ENTRIES = 10_000;
export const MAX_REORDER_POINT = 1_000_000_000;
export const MAX_RETURN_LINES = 100;

export interface StockStory {
  sku: string;
  location: string | null;
  /** Now, per location ("all locations" for stock held by combined shops' orders). */
  now: LedgerPosition[];
  /** Entries in the story, oldest first (the newest `limit`). */
  entries: LedgerEntry[];
  /** Entries the SKU has in all. */
  total: number;
}

export interface LowStockRow {
  sku: string;
  point: number;
  /** On hand − held for orders, over all locations. */
  free: number;
  /** Units ordered in the last 30 days (cancelled orders and refunded units left out). */
  soldLast30Days: number;
  /** free ÷ average daily sales of the last 30 days; null when nothing sold. */
  daysOfCover: number | null;
}

export const ledgerContract = {
  'stock.why': method<StockStory>()(
    z.object({
      sku: Sku,
      location: Name.optional(),
      limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_WHY_ENTRIES, `must be at most ${MAX_WHY_ENTRIES}`).default(50),
    }).strict(),
  ),
  'stock.at': method<{ at: string; positions: LedgerPosition[] }>()(z.object({ at: DayOrInstant }).strict()),
  'stock.reorderPoint': method<{ sku: string; point: number | null }>()(
    z.object({
      sku: Sku,
      point: z.number().int('must be a whole number').min(0, 'must not be negative (0 clears it)').max(MAX_REORDER_POINT, `must be at most ${MAX_REORDER_POINT}`),
    }).strict(),
  ),
  'stock.low': method<LowStockRow[]>()(z.object({}).strict()),
  'stock.return': method<{ key: string; booked: BookedReturn; already: boolean }>()(
    z.object({
      order: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
      lines: z.array(z.object({ sku: Sku, quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000') }).strict())
        .min(1, 'must name at least one SKU:QTY').max(MAX_RETURN_LINES, `may name at most ${MAX_RETURN_LINES} lines`),
      location: Name.optional(),
    }).strict(),
  ),
  'export.write': method<{ files: { kind: string; path: string; rows: number }[] }>()(
    z.object({
      what: z.enum(['orders', 'stock', 'ledger', 'carts', 'all']),
      from: DayOrInstant.optional(),
      to: DayOrInstant.optional(),
      /** An absolute path: a file, or for `all` a folder. */
      out: z.string().min(1, 'must not be empty').max(4096, 'is too long').refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path'),
    }).strict(),
  ),
};

/** A day as the start of that UTC day, an instant as itself. */
export function startOf(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : new Date(value).toISOString();
}

/** A day as the last millisecond of that UTC day, an instant as itself. */
export function endOf(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : new Date(value).toISOString();
}
