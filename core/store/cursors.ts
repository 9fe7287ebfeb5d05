import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ShopCursor, type SkippedStock } from '../model';
import type { DocumentSpec, JsonDocument } from './json-document';
import { FILES } from './layout';

/**
 * Sync progress lives apart from the settings: cursors (how far each shop's orders and checkouts
 * have been read), what each shop was last sent, when each job last ran, and imported order counts.
 * None of it is in a document that other code saves. It moves only through `Store.checkpoint`,
 * which makes the data the markers cover durable first, so no save anywhere can put a marker on
 * disk ahead of its data.
 */
export const CursorsData = z.object({
  schemaVersion: z.number(),
  shops: z.record(z.string(), ShopCursor),
  /** Imported order count per shop, kept so `status` and the order list never have to count the orders. */
  orderCounts: z.record(z.string(), z.number().int().min(0)),
  /** When each CRM connection last worked through its queue without a failure (health's "last success"). */
  crmLastRun: z.record(z.string(), z.string()).default({}),
  /**
   * Imported orders per month (`YYYY-MM`, the order file's partition) and shop. Kept beside the
   * totals so that a start checks only the months written since the counts were (see store.ts)
   * instead of reading every order file. Empty in a folder from before it existed: the first
   * recount fills it.
   */
  orderMonths: z.record(z.string(), z.record(z.string(), z.number().int().min(0))).default({}),
  /** Each month file's size and modified time when its orders were last counted (order-counts.ts). */
  orderFiles: z.record(z.string(), z.string().max(100)).default({}),
});
export type CursorsData = z.infer<typeof CursorsData>;

export const cursorsSpec: DocumentSpec<CursorsData> = {
  label: FILES.cursors,
  version: 1,
  create: () => ({ schemaVersion: 1, shops: {}, orderCounts: {}, crmLastRun: {}, orderMonths: {}, orderFiles: {} }),
  validate: (data) => {
    const result = CursorsData.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new Error(`field ${issue.path.join('.') || '(root)'} ${issue.message}`);
    }
    return result.data;
  },
};

/**
 * How one checkpoint moves one shop's markers. Only what is given changes: `lastRun` and `lastSent`
 * are merged entry by entry, `ordersImported` is added to the shop's count, `reset` first forgets
 * the shop's cursors, last sent and last runs (a shop removed, or added again under the same name,
 * must be read from the start).
 */
export type CursorMove = ShopCursorMove | CrmCursorMove;

export interface ShopCursorMove {
  shop: string;
  reset?: boolean;
  ordersModifiedAfter?: string;
  cartsModifiedAfter?: string;
  lastRun?: Record<string, string>;
  lastSent?: Record<string, number>;
  /** SKUs the shop cannot take, with what was wanted; `null` forgets one (pushed, or gone from the catalogue). */
  skipped?: Record<string, SkippedStock | null>;
  ordersImported?: number;
  /** Of `ordersImported` (or on their own), how many were new in each month (`YYYY-MM`). */
  ordersImportedIn?: Record<string, number>;
}

/** How one checkpoint moves a CRM connection's marker: when it last ran without a failure; `null` forgets it (the CRM was removed). */
export interface CrmCursorMove {
  crm: string;
  lastSuccessAt: string | null;
}

/** A shop's markers as read: a copy, so changing it changes nothing stored. */
export type ShopCursorView = Readonly<ShopCursor>;

/** Read access to the markers. Writing them is `Store.checkpoint`'s alone. */
export interface CursorReader {
  of(shop: string): ShopCursorView;
  orderCount(shop: string): number;
  orderCounts(): Record<string, number>;
  crmLastRun(crm: string): string | undefined;
  /** Imported orders per month and shop, as kept (a copy). */
  orderMonths(): Record<string, Record<string, number>>;
}

export function cursorReader(doc: JsonDocument<CursorsData>): CursorReader {
  return {
    of(shop) {
      const cursor = doc.data.shops[shop];
      return cursor ? structuredClone(cursor) : { lastRun: {}, lastSent: {} };
    },
    orderCount: (shop) => doc.data.orderCounts[shop] ?? 0,
    orderCounts: () => ({ ...doc.data.orderCounts }),
    crmLastRun: (crm) => doc.data.crmLastRun[crm],
    orderMonths: () => structuredClone(doc.data.orderMonths),
  };
}

/** Applies a move to the markers in memory. Called by the checkpoint only, after the covered data is durable. */
export function applyCursorMove(data: CursorsData, move: CursorMove): void {
  if ('crm' in move) {
    if (move.lastSuccessAt === null) delete data.crmLastRun[move.crm];
    else data.crmLastRun[move.crm] = move.lastSuccessAt;
    return;
  }
  // The order count stays: the shop's orders stay in the order book.
  if (move.reset) delete data.shops[move.shop];
  const touches = move.ordersModifiedAfter !== undefined || move.cartsModifiedAfter !== undefined || move.lastRun || move.lastSent || move.skipped;
  if (touches) {
    const cursor = (data.shops[move.shop] ??= { lastRun: {}, lastSent: {} });
    if (move.ordersModifiedAfter !== undefined) cursor.ordersModifiedAfter = move.ordersModifiedAfter;
    if (move.cartsModifiedAfter !== undefined) cursor.cartsModifiedAfter = move.cartsModifiedAfter;
    if (move.lastRun) Object.assign(cursor.lastRun, move.lastRun);
    if (move.lastSent) Object.assign(cursor.lastSent, move.lastSent);
    for (const [sku, record] of Object.entries(move.skipped ?? {})) {
      if (record) (cursor.skipped ??= {})[sku] = record;
      else if (cursor.skipped) delete cursor.skipped[sku];
    }
    if (cursor.skipped && Object.keys(cursor.skipped).length === 0) delete cursor.skipped;
  }
  if (move.ordersImported) data.orderCounts[move.shop] = (data.orderCounts[move.shop] ?? 0) + move.ordersImported;
  for (const [month, count] of Object.entries(move.ordersImportedIn ?? {})) {
    if (!count) continue;
    const months = (data.orderMonths[month] ??= {});
    months[move.shop] = (months[move.shop] ?? 0) + count;
  }
}

/**
 * Up to schema 2, the markers were kept inside backroom.json. Reads them from there (without
 * changing the file), so the store can write cursors.json before backroom.json is migrated and
 * loses them. Returns null when there is nothing to carry over; a file that does not parse is left
 * for the settings document to report.
 */
export async function markersFromOldSettings(mainPath: string): Promise<CursorsData | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(mainPath, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const old = raw as { schemaVersion?: unknown; cursors?: unknown; orderCounts?: unknown };
  if (typeof old.schemaVersion !== 'number' || old.schemaVersion >= 3) return null;
  const data = cursorsSpec.create();
  const cursors = typeof old.cursors === 'object' && old.cursors !== null ? (old.cursors as Record<string, Record<string, unknown>>) : {};
  const counts = typeof old.orderCounts === 'object' && old.orderCounts !== null ? (old.orderCounts as Record<string, unknown>) : {};
  for (const [shop, cursor] of Object.entries(cursors)) {
    // Schema 1 kept the order count inside the cursor.
    const { orderCount, ...rest } = cursor;
    if (typeof orderCount === 'number') data.orderCounts[shop] = orderCount;
    // A damaged cursor is dropped: the next pull then reads that shop from the start, and
    // de-duplication makes the re-read harmless, whereas a wrong cursor could skip orders.
    const parsed = ShopCursor.safeParse(rest);
    if (parsed.success) data.shops[shop] = parsed.data;
  }
  for (const [shop, count] of Object.entries(counts)) if (typeof count === 'number' && Number.isInteger(count) && count >= 0) data.orderCounts[shop] = count;
  return cursorsSpec.validate!(data);
}
