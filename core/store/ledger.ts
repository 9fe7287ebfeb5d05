import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ledgerKey, LedgerEntry, type Commitment, type LedgerPosition, type NewLedgerEntry } from '../model';

/**
 * The stock ledger: every change of on hand or of stock held for orders, appended, never edited.
 *
 * Durability without a second "commit" step: a new entry is first staged inside stock.json (its
 * `ledger.pending` list), so the change and its entry reach the disk in the very same atomic file
 * write — a kill leaves both or neither. After that write, the entries are appended to the month's
 * file (`ledger/YYYY-MM.jsonl`, one JSON entry a line) and dropped from stock.json at its next
 * write. Appending costs the same at a million entries as at ten; reading the story of a SKU reads
 * the month files, which only the `stock why` / `stock at` / export commands do.
 * A kill during the append leaves at most a torn last line, which is cut off at the next open; the
 * entries it held are still pending in stock.json and are appended again. Each month file's lines
 * are in `seq` order, so an entry already in a file is recognised by its number and never doubled.
 */
export interface StockLedger {
  /** Numbers the entries and stages them in stock.json, to be written with the change they record. */
  append(entries: NewLedgerEntry[]): LedgerEntry[];
  /** Units held for orders now, for a SKU at a location (null: orders of shops on all locations). */
  committed(sku: string, location: string | null): number;
  /** The entries of one SKU (optionally one location), oldest first. */
  history(sku: string, location?: string): Promise<LedgerEntry[]>;
  /** Every SKU and location as the ledger replays it up to and including `instant` (ISO, UTC). */
  at(instant: string): Promise<LedgerPosition[]>;
  /** Entries whose time is within the range (inclusive, ISO instants), month by month, oldest month first. */
  entries(range?: { from?: string; to?: string }): AsyncGenerator<LedgerEntry>;
  /** Waits until every entry written to stock.json so far is in its month file too. */
  flush(): Promise<void>;
  /** The month files on disk (paths), for the daily backup. */
  monthFiles(): Promise<string[]>;
}

/** What stock.json carries for the ledger: the next entry number, and entries not yet in a month file. */
export const LedgerState = z.object({
  next: z.number().int().min(1),
  pending: z.array(LedgerEntry),
});
export type LedgerState = z.infer<typeof LedgerState>;

/** The part of stock.json the ledger works with. */
export interface LedgerHolder {
  items: Record<string, { sku: string; onHand: Record<string, number> }>;
  commitments: Record<string, Commitment>;
  ledger?: LedgerState;
}

export const LEDGER_DIR = 'ledger';
const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;
const monthOf = (instant: string) => instant.slice(0, 7);

/** The stock document as the ledger needs it: its data, and a way to make it durable. */
export interface LedgerDocument {
  readonly data: LedgerHolder;
  save(): Promise<void>;
}

export interface LedgerHooks {
  /** To be called with the data as it is serialised for a write of stock.json. */
  serialized(data: LedgerHolder): void;
  /** To be called once that write is durable: moves what it held to the month files. */
  written(): Promise<void>;
}

/**
 * Opens the ledger beside stock.json. Call `hooks()` first and pass them to the stock document, so
 * the ledger learns what each write of stock.json holds; then `open(doc)` once the document is read.
 */
export function jsonLedger(dataDir: string, now: () => Date = () => new Date()): { hooks: LedgerHooks; open(doc: LedgerDocument): Promise<StockLedger> } {
  const dir = join(dataDir, LEDGER_DIR);
  /** Highest seq in each month file (what is on disk there). */
  const lastSeq = new Map<string, number>();
  let doc: LedgerDocument | null = null;
  let serializedThrough = 0;
  let moving: Promise<void> = Promise.resolve();
  let committedIndex: { of: Record<string, Commitment>; totals: Map<string, number> } | null = null;

  const state = (): LedgerState => (doc!.data.ledger ??= { next: 1, pending: [] });

  /** Appends the pending entries that stock.json already holds durably to their month files, in seq order. */
  async function move(): Promise<void> {
    // A write before the ledger is open (stock.json migrated as it is read): open() moves what is pending.
    if (!doc) return;
    const through = serializedThrough;
    const ready = state().pending.filter((e) => e.seq <= through);
    if (ready.length === 0) return;
    const byMonth = new Map<string, LedgerEntry[]>();
    for (const entry of ready) {
      const month = monthOf(entry.at);
      if (entry.seq <= (lastSeq.get(month) ?? 0)) continue;
      (byMonth.get(month) ?? byMonth.set(month, []).get(month)!).push(entry);
    }
    try {
      if (byMonth.size) await mkdir(dir, { recursive: true });
      for (const [month, entries] of byMonth) {
        await appendDurably(join(dir, `${month}.jsonl`), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
        lastSeq.set(month, entries[entries.length - 1]!.seq);
      }
    } catch {
      // The entries stay pending in stock.json (already durable there); the next write tries again.
      return;
    }
    // Dropped from memory now; stock.json loses them at its next write, and until then a reader skips them by seq.
    state().pending = state().pending.filter((e) => e.seq > through);
  }

  const hooks: LedgerHooks = {
    serialized(data) {
      const pending = data.ledger?.pending ?? [];
      if (pending.length) serializedThrough = Math.max(serializedThrough, pending[pending.length - 1]!.seq);
    },
    written() {
      moving = moving.then(move, move);
      return moving;
    },
  };

  function totals(): Map<string, number> {
    const commitments = doc!.data.commitments;
    if (committedIndex?.of !== commitments) {
      const index = new Map<string, number>();
      for (const c of Object.values(commitments)) {
        for (const [sku, qty] of Object.entries(c.lines)) {
          const key = ledgerKey({ sku, location: c.location, measure: 'committed' });
          index.set(key, (index.get(key) ?? 0) + qty);
        }
      }
      committedIndex = { of: commitments, totals: index };
    }
    return committedIndex.totals;
  }

  async function months(): Promise<string[]> {
    try {
      return (await readdir(dir)).flatMap((n) => MONTH_FILE.exec(n)?.[1] ?? []).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** A month file's entries, in order; a torn last line is skipped and a repeated seq is read once. */
  async function* readMonth(month: string, keep?: (line: string) => boolean): AsyncGenerator<LedgerEntry> {
    const input = createReadStream(join(dir, `${month}.jsonl`), { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let last = 0;
    try {
      for await (const line of lines) {
        if (!line || (keep && !keep(line))) continue;
        let entry: LedgerEntry;
        try {
          entry = JSON.parse(line) as LedgerEntry;
        } catch {
          continue; // only a torn last line can fail to parse, and its entries are still pending
        }
        if (entry.seq <= last) continue;
        last = entry.seq;
        yield entry;
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }

  /** Pending entries not yet in their month file, oldest first. */
  const unmoved = () => state().pending.filter((e) => e.seq > (lastSeq.get(monthOf(e.at)) ?? 0));

  async function* entries(range: { from?: string; to?: string } = {}): AsyncGenerator<LedgerEntry> {
    const inRange = (e: LedgerEntry) => (!range.from || e.at >= range.from) && (!range.to || e.at <= range.to);
    for (const month of await months()) {
      if (range.from && month < monthOf(range.from)) continue;
      if (range.to && month > monthOf(range.to)) continue;
      for await (const entry of readMonth(month)) if (inRange(entry)) yield entry;
    }
    yield* unmoved().filter(inRange);
  }

  const ledger: StockLedger = {
    append(news) {
      const s = state();
      const index = totals();
      const made = news.map((entry) => {
        const numbered: LedgerEntry = { seq: s.next++, ...entry };
        s.pending.push(numbered);
        if (numbered.measure === 'committed') index.set(ledgerKey(numbered), numbered.after);
        return numbered;
      });
      return made;
    },

    committed(sku, location) {
      return totals().get(ledgerKey({ sku, location, measure: 'committed' })) ?? 0;
    },

    async history(sku, location) {
      const quoted = JSON.stringify(sku);
      const found: LedgerEntry[] = [];
      const matches = (e: LedgerEntry) => e.sku === sku && (location === undefined || e.location === location);
      for (const month of await months()) {
        for await (const entry of readMonth(month, (line) => line.includes(quoted))) if (matches(entry)) found.push(entry);
      }
      found.push(...unmoved().filter(matches));
      return found.sort((a, b) => a.seq - b.seq);
    },

    async at(instant) {
      const positions = new Map<string, LedgerPosition>();
      for await (const entry of entries({ to: instant })) {
        const key = `${entry.sku}\u0000${entry.location ?? '*'}`;
        const position = positions.get(key) ?? positions.set(key, { sku: entry.sku, location: entry.location, onHand: 0, committed: 0 }).get(key)!;
        position[entry.measure] += entry.delta;
      }
      return [...positions.values()].sort((a, b) => a.sku.localeCompare(b.sku) || (a.location ?? '').localeCompare(b.location ?? ''));
    },

    entries,

    async flush() {
      await moving;
    },

    async monthFiles() {
      return (await months()).map((month) => join(dir, `${month}.jsonl`));
    },
  };

  return {
    hooks,
    async open(stockDoc) {
      doc = stockDoc;
      for (const month of await months()) lastSeq.set(month, await repairAndReadLastSeq(join(dir, `${month}.jsonl`)));
      if (!stockDoc.data.ledger) {
        // A stock file from before the ledger: what it holds becomes the opening balance, so that
        // replaying the ledger from zero gives today's stock from the first day on.
        const opening = openingEntries(stockDoc.data, now().toISOString());
        stockDoc.data.ledger = { next: 1, pending: [] };
        if (opening.length) {
          ledger.append(opening);
          await stockDoc.save();
        }
      } else {
        // Entries a kill left pending (durable in stock.json) go to their month files now.
        const pending = stockDoc.data.ledger.pending;
        if (pending.length) {
          serializedThrough = Math.max(serializedThrough, pending[pending.length - 1]!.seq);
          await hooks.written();
        }
      }
      return ledger;
    },
  };
}

function openingEntries(data: LedgerHolder, at: string): NewLedgerEntry[] {
  const entries: NewLedgerEntry[] = [];
  for (const item of Object.values(data.items)) {
    for (const [location, qty] of Object.entries(item.onHand)) {
      if (qty) entries.push({ at, sku: item.sku, location, measure: 'onHand', delta: qty, after: qty, cause: 'opening' });
    }
  }
  const held = new Map<string, { sku: string; location: string | null; qty: number }>();
  for (const c of Object.values(data.commitments)) {
    for (const [sku, qty] of Object.entries(c.lines)) {
      const key = `${sku}\u0000${c.location ?? '*'}`;
      const row = held.get(key) ?? held.set(key, { sku, location: c.location, qty: 0 }).get(key)!;
      row.qty += qty;
    }
  }
  for (const { sku, location, qty } of held.values()) {
    if (qty) entries.push({ at, sku, location, measure: 'committed', delta: qty, after: qty, cause: 'opening' });
  }
  return entries;
}

/** Appends text and fsyncs it; a new file's directory entry is made durable too. */
async function appendDurably(path: string, text: string): Promise<void> {
  const existed = await stat(path).then(() => true, () => false);
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (!existed && process.platform !== 'win32') {
    const folder = await open(join(path, '..'), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

/**
 * Cuts a torn last line (a kill mid-append) off a month file and returns the highest seq in it.
 * Reads only the file's tail: lines are in seq order, so the last whole line has the highest.
 */
async function repairAndReadLastSeq(path: string): Promise<number> {
  const handle = await open(path, 'r');
  let size: number;
  let buffer: Buffer;
  try {
    size = (await handle.stat()).size;
    const length = Math.min(size, 64 * 1024);
    buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
  } finally {
    await handle.close();
  }
  // Bytes, not text: a torn line may end inside a character.
  const cut = buffer.lastIndexOf(0x0a);
  if (cut !== buffer.length - 1) {
    // Keep everything up to the last newline; the torn entries are still pending in stock.json.
    await truncate(path, size - (buffer.length - (cut + 1)));
  }
  const whole = buffer.subarray(0, cut + 1).toString('utf8').split('\n').filter(Boolean);
  for (let i = whole.length - 1; i >= 0; i--) {
    try {
      return (JSON.parse(whole[i]!) as LedgerEntry).seq;
    } catch {
      // the first line of a 64 kB tail may be cut in the middle: look at an earlier one
    }
  }
  return 0;
}
