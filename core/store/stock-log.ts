import { open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Commitment, StockItem } from '../model';
import { StoreWriteError } from './atomic-write';

/**
 * stock.json holds every SKU (20,000 are ~1.5 MB), and rewriting it for a change of one SKU cost
 * 45–190 ms. So a small change is appended instead, as one line of `stock.changes.jsonl` beside it:
 * the SKUs and order holds that differ from what is on disk, and the small parts (ledger, shipments,
 * extras) whole when they changed. One append with one fsync is the change's atomic write: the
 * stock ledger's new entries travel in the same line as the change they record, so a kill leaves
 * both or neither (a torn last line is neither, and is ignored).
 *
 * Lines are numbered, and never renumbered. stock.json records the last line it includes
 * (`logThrough`); compaction rewrites stock.json whole (atomically), then empties the log. A kill in
 * between leaves lines stock.json already holds, which are skipped by number, so nothing is applied
 * twice. Compaction happens at the first save after an open that found lines, when the log grows
 * past the size of stock.json itself, after any failed append, for a change too big for a line, and
 * once stock.json mostly carries ledger entries that have since been copied to their month files
 * (`holdsCopiedLedger`: a folder's opening balance, 41,000 entries at 20,000 SKUs, is 6 MB of the
 * 7.6 MB file, which every later open would parse again).
 */
export const STOCK_LOG = 'stock.changes.jsonl';

/** The part of stock.json the log works with. */
export interface LoggedStock {
  items: Record<string, StockItem>;
  commitments: Record<string, Commitment>;
  shipments?: unknown;
  ledger?: unknown;
  extras?: unknown;
}

type Small = 'shipments' | 'ledger' | 'extras';
const SMALL: readonly Small[] = ['shipments', 'ledger', 'extras'];

interface Line {
  n: number;
  items?: Record<string, StockItem | null>;
  commitments?: Record<string, Commitment | null>;
  /** null: the part is absent now. */
  shipments?: unknown;
  ledger?: unknown;
  extras?: unknown;
}

const MIN_LOG_BYTES = 1024 * 1024;
/** Copied ledger entries below this size stay in stock.json until its next compaction. */
const MIN_COPIED_BYTES = 64 * 1024;

/** How many entries the ledger part holds in its pending list (the part is otherwise opaque here). */
function pendingCount(ledger: unknown): number {
  const pending = (ledger as { pending?: unknown } | undefined)?.pending;
  return Array.isArray(pending) ? pending.length : 0;
}

/** The ledger part as stock.json itself holds it (log lines aside): its size, and its pending entries. */
interface FileLedger {
  bytes: number;
  entries: number;
}

const measureLedger = (ledger: unknown): FileLedger => {
  const entries = pendingCount(ledger);
  return { bytes: entries ? (textOf(ledger)?.length ?? 0) : 0, entries };
};

const sameCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
};

/** What is on disk, kept as copies so that in-place changes of the live data can be found by comparing. */
interface Mirror {
  items: Map<string, Record<string, number>>;
  commitments: Map<string, { location: string | null; lines: Record<string, number> }>;
  small: Record<Small, string | undefined>;
}

function mirrorOf(data: LoggedStock): Mirror {
  return {
    items: new Map(Object.entries(data.items).map(([sku, item]) => [sku, { ...item.onHand }])),
    commitments: new Map(Object.entries(data.commitments).map(([key, c]) => [key, { location: c.location, lines: { ...c.lines } }])),
    small: { shipments: textOf(data.shipments), ledger: textOf(data.ledger), extras: textOf(data.extras) },
  };
}

const textOf = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

/** Reads the log's whole lines in order; stops at the first line that does not parse (a torn tail). */
async function readLines(path: string): Promise<Line[]> {
  return (await readLog(path)).lines;
}

async function readLog(path: string): Promise<{ lines: Line[]; bytes: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], bytes: 0 };
    throw error;
  }
  return { lines: parseLines(text), bytes: Buffer.byteLength(text) };
}

function parseLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const row of text.split('\n')) {
    if (!row) continue;
    try {
      const line = JSON.parse(row) as Line;
      if (typeof line !== 'object' || line === null || !Number.isSafeInteger(line.n)) break;
      lines.push(line);
    } catch {
      break;
    }
  }
  return lines;
}

/** Applies lines after `through` to raw stock.json contents (validated afterwards with the file). */
function applyLines(raw: Record<string, unknown>, lines: Line[], through: number): void {
  const items = (raw.items ??= {}) as Record<string, unknown>;
  const commitments = (raw.commitments ??= {}) as Record<string, unknown>;
  for (const line of lines) {
    if (line.n <= through) continue;
    for (const [sku, item] of Object.entries(line.items ?? {})) {
      if (item === null) delete items[sku];
      else items[sku] = item;
    }
    for (const [key, c] of Object.entries(line.commitments ?? {})) {
      if (c === null) delete commitments[key];
      else commitments[key] = c;
    }
    for (const part of SMALL) {
      if (!(part in line)) continue;
      if (line[part] === null) delete raw[part];
      else raw[part] = line[part];
    }
  }
}

/** stock.json as a reader of the folder sees it: the file with its change log applied (for tests and tools). */
export async function readStockOnDisk(dataDir: string): Promise<Record<string, unknown>> {
  const raw = JSON.parse(await readFile(join(dataDir, 'stock.json'), 'utf8')) as Record<string, unknown>;
  const through = typeof raw.logThrough === 'number' ? raw.logThrough : 0;
  delete raw.logThrough;
  applyLines(raw, await readLines(join(dataDir, STOCK_LOG)), through);
  return raw;
}

export interface StockLog {
  readonly path: string;
  /** Applies the log to stock.json's parsed contents as read; removes the log's own field. */
  replay(raw: Record<string, unknown>): Promise<void>;
  /** To be called with the document's data once it is open: what is on disk now (nothing, when the file did not exist). */
  opened(data: LoggedStock, existed: boolean): void;
  /** Makes `data` durable: appends what changed, or (`whole`) rewrites stock.json and empties the log. */
  write(data: LoggedStock, whole: (contents: string) => Promise<void>): Promise<void>;
  /**
   * True when stock.json carries ledger entries that have left the pending list since (they are in
   * their month files) and they are over 64 kB and a quarter of the file: the next write then
   * rewrites it whole without them.
   */
  holdsCopiedLedger(data: LoggedStock): boolean;
}

export function stockLog(dataDir: string): StockLog {
  const path = join(dataDir, STOCK_LOG);
  let mirror: Mirror | null = null;
  /** Number of the last line written (or found). */
  let last = 0;
  let logBytes = 0;
  let wholeBytes = 0;
  let compact = false;
  let fileLedger: FileLedger = { bytes: 0, entries: 0 };

  async function writeWhole(data: LoggedStock, whole: (contents: string) => Promise<void>): Promise<void> {
    const text = JSON.stringify({ ...data, logThrough: last });
    // Taken with the text, in the same tick: the data may change while the write is on its way.
    const written = mirrorOf(data);
    const ledger: FileLedger = { bytes: written.small.ledger?.length ?? 0, entries: pendingCount(data.ledger) };
    await whole(text);
    wholeBytes = Buffer.byteLength(text);
    fileLedger = ledger;
    // stock.json now holds every line: empty the log. If that fails the lines stay, skipped by number.
    await truncate(path, 0).catch(() => undefined);
    mirror = written;
    logBytes = 0;
    compact = false;
  }

  function diff(data: LoggedStock, known: Mirror): Line | null {
    const line: Line = { n: last + 1 };
    let changed = false;
    const items: Record<string, StockItem | null> = {};
    for (const [sku, item] of Object.entries(data.items)) {
      const was = known.items.get(sku);
      if (!was || !sameCounts(was, item.onHand)) items[sku] = item;
    }
    if (Object.keys(data.items).length - Object.keys(items).filter((sku) => !known.items.has(sku)).length !== known.items.size) {
      for (const sku of known.items.keys()) if (!Object.hasOwn(data.items, sku)) items[sku] = null;
    }
    if (Object.keys(items).length) {
      line.items = items;
      changed = true;
    }
    const commitments: Record<string, Commitment | null> = {};
    for (const [key, c] of Object.entries(data.commitments)) {
      const was = known.commitments.get(key);
      if (!was || was.location !== c.location || !sameCounts(was.lines, c.lines)) commitments[key] = c;
    }
    for (const key of known.commitments.keys()) if (!Object.hasOwn(data.commitments, key)) commitments[key] = null;
    if (Object.keys(commitments).length) {
      line.commitments = commitments;
      changed = true;
    }
    for (const part of SMALL) {
      const text = textOf(data[part]);
      if (text === known.small[part]) continue;
      line[part] = data[part] ?? null;
      changed = true;
    }
    return changed ? line : null;
  }

  function remember(line: Line, known: Mirror): void {
    for (const [sku, item] of Object.entries(line.items ?? {})) {
      if (item) known.items.set(sku, { ...item.onHand });
      else known.items.delete(sku);
    }
    for (const [key, c] of Object.entries(line.commitments ?? {})) {
      if (c) known.commitments.set(key, { location: c.location, lines: { ...c.lines } });
      else known.commitments.delete(key);
    }
    for (const part of SMALL) if (part in line) known.small[part] = line[part] === null ? undefined : textOf(line[part]);
  }

  function holdsCopiedLedger(data: LoggedStock): boolean {
    // The cheap answer first: a list as long as the file's has not shrunk (entries leave it only by
    // being copied). Conservative: copied entries hidden by as many new ones wait for a later write.
    if (pendingCount(data.ledger) >= fileLedger.entries) return false;
    const copied = fileLedger.bytes - (textOf(data.ledger)?.length ?? 0);
    return copied > MIN_COPIED_BYTES && copied * 4 > wholeBytes;
  }

  return {
    path,
    holdsCopiedLedger,
    async replay(raw) {
      const through = typeof raw.logThrough === 'number' ? raw.logThrough : 0;
      delete raw.logThrough;
      // Before the log's lines replace it: what the file itself carries is what a rewrite would drop.
      fileLedger = measureLedger(raw.ledger);
      const { lines, bytes } = await readLog(path);
      last = Math.max(through, ...lines.map((l) => l.n));
      applyLines(raw, lines, through);
      // Anything in the log (lines, or a torn tail a line must never be appended to): folded into
      // stock.json at the next save, which empties the log.
      compact = bytes > 0;
    },
    opened(data, existed) {
      // No stock.json yet: the first save writes it whole, since a log is only read beside its file.
      if (!existed) return;
      mirror = mirrorOf(data);
      wholeBytes = Buffer.byteLength(JSON.stringify(data));
    },
    async write(data, whole) {
      const known = mirror;
      if (!known || compact || holdsCopiedLedger(data)) return writeWhole(data, whole);
      const line = diff(data, known);
      if (!line) return;
      const text = `${JSON.stringify(line)}\n`;
      const bytes = Buffer.byteLength(text);
      // Too big for a line, or the log would outgrow the file it amends: rewrite the file instead.
      if (bytes * 4 > Math.max(wholeBytes, 64 * 1024) || logBytes + bytes > Math.max(wholeBytes, MIN_LOG_BYTES)) return writeWhole(data, whole);
      const handle = await open(path, 'a', 0o600).catch((error: unknown) => {
        throw StoreWriteError.from(path, error);
      });
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } catch (error) {
        // Part of the line may be on disk: cut it off, and rewrite whole next time (the mirror is unchanged).
        compact = true;
        await handle.truncate(logBytes).catch(() => undefined);
        throw StoreWriteError.from(path, error);
      } finally {
        await handle.close().catch(() => undefined);
      }
      last = line.n;
      logBytes += bytes;
      // What the line holds as written, not the live objects it was made from (they may have changed since).
      remember(JSON.parse(text) as Line, known);
    },
  };
}
