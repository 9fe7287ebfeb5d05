/**
 * One way to page. Every listing a connector offers (orders, checkouts, stock items) is an async
 * iterable of pages; each page carries the checkpoint a job persists once that page's items are
 * durable. Jobs read every platform the same way:
 *
 *   for await (const page of connector.orderPages({ modifiedAfter: cursor })) { …; checkpoint(page.checkpoint) }
 *
 * The platforms differ only in how a page is fetched (WooCommerce: numbered pages of a filtered,
 * sorted list; Shopify: GraphQL cursors); the keyset rule on the modified time lives here, once.
 */

import { PlatformError } from './errors';

export interface Page<T> {
  items: T[];
  /**
   * Where a later read resumes once this page and the pages before it are stored. For orders and
   * checkouts: a UTC instant to pass back as `modifiedAfter` — every item modified at or before it
   * has been yielded by now. For other listings: an opaque position. Undefined while nothing is
   * covered yet.
   */
  checkpoint?: string;
}

export type Pages<T> = AsyncIterable<Page<T>>;

/** Splits `items` into groups of at most `size`, in order (batch endpoints take that many at once). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`a chunk size must be a whole number of at least 1 (got ${size})`);
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Every item of every page, for listings read whole (stock reconcile). */
export async function collect<T>(pages: Pages<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.items);
  return items;
}

/**
 * One read stops after this many pages (a million orders at 100 a page, with room to spare): a
 * shop that answers "there is more" forever ends in a clear error instead of an endless pull.
 */
export const MAX_PAGES_PER_READ = 20_000;

function tooManyPages(): PlatformError {
  return new PlatformError('malformed', `the shop kept announcing more pages after ${MAX_PAGES_PER_READ.toLocaleString('en')} pages in one read; Backroom stopped reading there.`);
}

/** Shop times are whole seconds: an item in the newest second seen may still follow on the next page. */
const SAME_SECOND_MS = 1000;

/** How an item is known to the modified-time checkpoint: its id and modified time (none for an entry that could not be read). */
export type Identify<T> = (item: T) => { id: string; modifiedAt?: string };

/**
 * Follows a listing read oldest change first and says how far it is covered: the newest modified
 * time seen, less a second (items sharing that second may still come on the next page). Items
 * already yielded in this read with the same modified time are dropped when a page boundary or a
 * keyset restart shows them again, so one uninterrupted read yields each version of an item once.
 */
export interface ModifiedCheckpoint<T> {
  /** The items of a page not yet yielded in this read; moves the checkpoint over them. */
  take(items: T[]): T[];
  readonly checkpoint: string | undefined;
}

export function modifiedCheckpoint<T>(identify: Identify<T>, start?: string): ModifiedCheckpoint<T> {
  const startMs = start === undefined ? NaN : Date.parse(start);
  let coveredMs = Number.isNaN(startMs) ? -Infinity : startMs;
  let checkpoint = Number.isNaN(startMs) ? undefined : start;
  // Versions yielded that are newer than the checkpoint: the only ones a later page can repeat.
  let recent = new Map<string, number>();
  return {
    take(items) {
      const fresh: T[] = [];
      let newestMs = -Infinity;
      for (const item of items) {
        const { id, modifiedAt } = identify(item);
        const ms = modifiedAt === undefined ? NaN : Date.parse(modifiedAt);
        if (Number.isNaN(ms)) {
          // An entry that could not be read has no time to page on; the job records it (once, by its id).
          fresh.push(item);
          continue;
        }
        if (recent.get(id) === ms) continue;
        recent.set(id, ms);
        fresh.push(item);
        if (ms > newestMs) newestMs = ms;
      }
      if (newestMs - SAME_SECOND_MS > coveredMs) {
        coveredMs = newestMs - SAME_SECOND_MS;
        checkpoint = new Date(coveredMs).toISOString();
        const kept = new Map<string, number>();
        for (const [id, ms] of recent) if (ms > coveredMs) kept.set(id, ms);
        recent = kept;
      }
      return fresh;
    },
    get checkpoint() {
      return checkpoint;
    },
  };
}

/** One request's answer in a listing read by page number. */
export interface NumberedBatch<T> {
  items: T[];
  /** True when the listing goes on after this page. */
  more: boolean;
}

/**
 * Keyset paging on the modified time, for a shop that pages by number (WooCommerce): read page 1
 * of "modified after X, oldest first", then restart at page 1 after the checkpoint. Orders edited
 * during the read move to the end of the list, so a restart keeps them from shifting an unread
 * order past a page boundary; a full page within one second steps to the next page instead.
 */
export async function* keysetPages<T>(options: {
  after?: string;
  read: (after: string | undefined, page: number) => Promise<NumberedBatch<T>>;
  identify: Identify<T>;
}): AsyncGenerator<Page<T>> {
  const covered = modifiedCheckpoint(options.identify, options.after);
  let after = options.after;
  let page = 1;
  for (let reads = 1; ; reads++) {
    if (reads > MAX_PAGES_PER_READ) throw tooManyPages();
    const batch = await options.read(after, page);
    yield { items: covered.take(batch.items), checkpoint: covered.checkpoint };
    if (!batch.more) return;
    const next = covered.checkpoint;
    if (next !== undefined && (after === undefined || Date.parse(next) > Date.parse(after))) {
      after = next;
      page = 1;
    } else {
      page++;
    }
  }
}

/** One request's answer in a listing read by cursor (Shopify's GraphQL connections). */
export interface CursorBatch<T> {
  items: T[];
  more: boolean;
  endCursor: string | null;
}

/** Follows a cursor listing to its end; each page's checkpoint is the cursor after it. */
export async function* cursorPages<T>(read: (cursor: string | null) => Promise<CursorBatch<T>>, start: string | null = null): AsyncGenerator<Page<T>> {
  let cursor = start;
  for (let reads = 1; ; reads++) {
    if (reads > MAX_PAGES_PER_READ) throw tooManyPages();
    const batch = await read(cursor);
    cursor = batch.endCursor ?? cursor;
    yield { items: batch.items, ...(cursor ? { checkpoint: cursor } : {}) };
    if (!batch.more || !batch.endCursor) return;
  }
}

/** Re-labels pages read oldest change first with the modified-time checkpoint (Shopify orders and checkouts). */
export async function* byModifiedTime<T>(pages: Pages<T>, covered: ModifiedCheckpoint<T>): AsyncGenerator<Page<T>> {
  for await (const page of pages) yield { items: covered.take(page.items), checkpoint: covered.checkpoint };
}

/** One request's answer in a listing that reports its page count (WooCommerce's X-WP-TotalPages). */
export interface CountedBatch<T> {
  items: T[];
  totalPages: number;
}

/**
 * A whole listing by page number, when the order of reading does not matter to a cursor (products,
 * variations, refunds): page 1 first for the count, then the rest requested together — the HTTP
 * client's concurrency bounds them — and yielded in order; pages a later answer announces are read
 * after those. The checkpoint is the page number.
 */
export async function* numberedPages<T>(read: (page: number) => Promise<CountedBatch<T>>): AsyncGenerator<Page<T>> {
  const first = await read(1);
  if (first.totalPages > MAX_PAGES_PER_READ) throw tooManyPages();
  yield { items: first.items, checkpoint: '1' };
  const rest = Array.from({ length: Math.max(0, first.totalPages - 1) }, (_, i) => read(i + 2));
  // A page that fails while an earlier one is awaited, or after the reader stopped, is not left unhandled.
  for (const pending of rest) pending.catch(() => undefined);
  let last = first;
  for (const [i, pending] of rest.entries()) {
    last = await pending;
    yield { items: last.items, checkpoint: String(i + 2) };
  }
  // A shop behind a proxy that strips the count says only "one more" after a full page: read on one by one.
  for (let page = rest.length + 2; page <= last.totalPages; page++) {
    if (page > MAX_PAGES_PER_READ) throw tooManyPages();
    last = await read(page);
    yield { items: last.items, checkpoint: String(page) };
  }
}
