import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { orderKey, type Order } from '../model';
import { JsonDocument } from './json-document';
import { ordersMonthSpec, type OrdersMonth } from './layout';

/** `2026-11` for an instant in November 2026 (UTC): the partition an order lives in. */
export function monthOf(instant: string): string {
  return instant.slice(0, 7);
}

const MONTH_FILE = /^(\d{4}-\d{2})\.json$/;

/** One order's `"key":{...}` in UTF-8, and the object it was made from. */
interface Piece {
  order: Order;
  bytes: Buffer;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const COMMA = utf8(',');
const OPEN = utf8('{');
const CLOSE = utf8('}');

/**
 * A month file's text, built from each order's cached JSON so that saving one changed order does not
 * re-serialise (and re-encode) the thousands that did not change: with 100,000 orders a month file
 * is 3–4 MB, and `JSON.stringify` of it plus its UTF-8 encoding cost more than the write and fsync.
 *
 * The result is byte for byte `JSON.stringify(data)`. A piece is reused only while nobody has staged
 * or put its order since it was made (`forget`) and the month still holds the very same object; code
 * that changes an order in place must stage it, as it must anyway for the change to be saved.
 */
export class MonthText {
  private readonly pieces = new Map<string, Piece>();

  /** The order under `key` was staged or put: its text must be made again at the next save. */
  forget(key: string): void {
    this.pieces.delete(key);
  }

  /** The file's bytes in parts, written one after another: joining them would copy the whole month for every save. */
  serialize(data: OrdersMonth): Buffer[] {
    const parts: Buffer[] = [OPEN];
    for (const [field, value] of Object.entries(data)) {
      if (field === 'orders') {
        if (parts.length > 1) parts.push(COMMA);
        parts.push(utf8(`${JSON.stringify(field)}:`));
        this.orders(value as Record<string, Order | undefined>, parts);
        continue;
      }
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) continue;
      if (parts.length > 1) parts.push(COMMA);
      parts.push(utf8(`${JSON.stringify(field)}:${json}`));
    }
    parts.push(CLOSE);
    return parts;
  }

  private orders(orders: Record<string, Order | undefined>, parts: Buffer[]): void {
    parts.push(OPEN);
    let count = 0;
    // Keys, not entries: a save runs once per unit over every order of the month, and one pair array per order was most of its garbage.
    for (const key of Object.keys(orders)) {
      const order = orders[key];
      let piece = this.pieces.get(key);
      if (!piece || piece.order !== order) {
        const json = JSON.stringify(order) as string | undefined;
        if (json === undefined) {
          this.pieces.delete(key);
          continue;
        }
        piece = { order: order!, bytes: utf8(`${JSON.stringify(key)}:${json}`) };
        this.pieces.set(key, piece);
      }
      if (count++) parts.push(COMMA);
      parts.push(piece.bytes);
    }
    parts.push(CLOSE);
    // Orders are never removed through the book, but drop pieces of keys that are gone all the same.
    if (this.pieces.size > count) for (const key of this.pieces.keys()) if (!Object.hasOwn(orders, key)) this.pieces.delete(key);
  }
}

/** An order staged and not yet in its month document, numbered in the order things were staged. */
interface Staged {
  order: Order;
  seq: number;
}

/** True when the record has a key (without listing thousands of them). */
function hasAny(record: Record<string, unknown>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

interface Partition {
  doc: JsonDocument<OrdersMonth>;
  text: MonthText;
  /**
   * Staged orders not yet in `doc.data`, so in no write yet: readers see them over the document's.
   * They enter `doc.data` only through `write(sealed)`, after what they imply is on disk.
   */
  staged: Map<string, Staged>;
  /** Saves of `doc` asked for by `put` and not settled yet: the month is not clean until they are. */
  saving: number;
}

/**
 * How many months no write is waiting for the order book keeps in memory, the most recently used:
 * the month new orders land in and a few around it. Every other month is dropped and read again
 * when next used — at 1,000,000 orders over two years a month is some 40,000 orders, and a pull or
 * a list that walks history would otherwise keep every month it passed.
 */
export const CLEAN_MONTHS_KEPT = 3;

/**
 * The orders one checkpoint writes: those staged when it began, before it saved the documents that
 * hold what they imply (stock held, CRM work, customer totals). Opaque; made by `seal()`.
 */
export interface SealedOrders {
  readonly size: number;
}

interface Batch extends SealedOrders {
  entries: { partition: Partition; key: string; staged: Staged }[];
}

/**
 * Orders, partitioned by the UTC month they were created in. An order's partition never changes
 * (its creation time is fixed), so a new or updated order rewrites one month's file, never all
 * orders. Partitions are read on first use.
 *
 * A staged order is seen at once by every reader, but reaches its month file only with the
 * checkpoint that sealed it (see `Store.checkpoint`): an order on disk is skipped by the re-pull as
 * unchanged, so it must never be written by a checkpoint whose queue.json and stock.json were
 * already being written when it was staged. Change an order by staging a new object: an order
 * handed out by a reader may be the one its month file is written from, so a change made to it in
 * place could reach the disk with another order's write, ahead of what it implies.
 */
export class OrderBook {
  private readonly months = new Map<string, Partition>();
  private byNumber: Map<string, string> | null = null;
  private seq = 0;
  /** The staging number each order object entered its month document with: an older sealed batch never replaces a newer order. */
  private readonly applied = new WeakMap<Order, number>();
  /** Months whose last write failed: written again with the next batch, whatever it holds. */
  private readonly unwritten = new Set<Partition>();

  constructor(
    private readonly dir: string,
    private readonly onMigrate?: (path: string, from: number) => Promise<void>,
    private readonly cleanMonthsKept = CLEAN_MONTHS_KEPT,
  ) {}

  /** The months held in memory now, least recently used first (what the bound keeps; for tests and benches). */
  heldMonths(): string[] {
    return [...this.months.keys()];
  }

  async listMonths(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.flatMap((n) => MONTH_FILE.exec(n)?.[1] ?? []).sort();
  }

  /** The months on disk and those only staged orders are in so far, oldest first. */
  private async readableMonths(): Promise<string[]> {
    const months = new Set(await this.listMonths());
    for (const [month, p] of this.months) if (p.staged.size || hasAny(p.doc.data.orders)) months.add(month);
    return [...months].sort();
  }

  /**
   * The month's partition, read on first use. A caller that changes it must take `live(month, p)`
   * once its await resumes: other callers' reads may have dropped the month meanwhile.
   */
  private async partition(month: string): Promise<Partition> {
    const known = this.months.get(month);
    if (known) {
      // Most recently used last: the map's order is what `dropClean` goes by.
      this.months.delete(month);
      this.months.set(month, known);
      return known;
    }
    const text = new MonthText();
    const spec = { ...ordersMonthSpec(month), serialize: (data: OrdersMonth) => text.serialize(data) };
    const { doc } = await JsonDocument.open(join(this.dir, `${month}.json`), spec, this.onMigrate);
    // Two callers may open the same month at once: both get the first copy, so no change lands in a discarded one.
    const partition = this.months.get(month) ?? { doc, text, staged: new Map(), saving: 0 };
    this.months.set(month, partition);
    this.dropClean(partition);
    return partition;
  }

  /**
   * The partition to change for `month`, given the one an earlier `partition(month)` returned. If
   * that one was dropped since, it was clean — the same as its file — so it is taken back, unless
   * the month was read again meanwhile, and then the copy read again is the one that counts.
   */
  private live(month: string, p: Partition): Partition {
    const current = this.months.get(month);
    if (current) return current;
    this.months.set(month, p);
    return p;
  }

  /** Nothing of the month waits to be written: no staged order, no save running, no failed write. */
  private isClean(p: Partition): boolean {
    return p.staged.size === 0 && p.saving === 0 && !this.unwritten.has(p);
  }

  /** Drops the least recently used clean months beyond `cleanMonthsKept`; never `keep`, never one a write waits for. */
  private dropClean(keep: Partition): void {
    let clean = 0;
    for (const p of this.months.values()) if (this.isClean(p)) clean++;
    for (const [month, p] of this.months) {
      if (clean <= this.cleanMonthsKept) return;
      if (p === keep || !this.isClean(p)) continue;
      this.months.delete(month);
      clean--;
    }
  }

  /** A month's orders as readers see them: the document's, with the staged ones over them. */
  private ordersOf(p: Partition): Order[] {
    if (p.staged.size === 0) return Object.values(p.doc.data.orders);
    const merged = { ...p.doc.data.orders };
    for (const [key, staged] of p.staged) merged[key] = staged.order;
    return Object.values(merged);
  }

  /** Puts a staged order into its month document (and so into its next write), unless a newer one is there already. */
  private apply(p: Partition, key: string, staged: Staged): void {
    const current = p.doc.data.orders[key];
    if (!current || (this.applied.get(current) ?? 0) <= staged.seq) {
      p.doc.data.orders[key] = staged.order;
      this.applied.set(staged.order, staged.seq);
      // Made again at the next write, also when it is the same object as before.
      p.text.forget(key);
    }
    // Readers see the staged order until then; one staged later still waits for its own checkpoint.
    const pending = p.staged.get(key);
    if (pending && pending.seq <= staged.seq) p.staged.delete(key);
  }

  async get(shop: string, remoteId: string, createdAt: string): Promise<Order | undefined> {
    const month = monthOf(createdAt);
    const p = this.live(month, await this.partition(month));
    const key = orderKey({ shop, remoteId });
    return p.staged.get(key)?.order ?? p.doc.data.orders[key];
  }

  /** Stores (inserts or replaces) an order; resolves when it is on disk. Implies nothing that must be on disk first. */
  async put(order: Order): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const month = monthOf(order.createdAt);
    const p = this.live(month, await this.partition(month));
    this.apply(p, orderKey(order), { order, seq: ++this.seq });
    this.byNumber?.set(order.number, month);
    p.saving++;
    try {
      await p.doc.save();
    } catch (error) {
      // The order is in the month's data but not on disk: kept in memory and written with the next batch.
      this.unwritten.add(p);
      throw error;
    } finally {
      p.saving--;
    }
  }

  /** Changes an order in memory (every reader sees it at once); the next checkpoint writes it. */
  async stage(order: Order): Promise<void> {
    const month = monthOf(order.createdAt);
    const p = this.live(month, await this.partition(month));
    p.staged.set(orderKey(order), { order, seq: ++this.seq });
    this.byNumber?.set(order.number, month);
  }

  /** Takes the orders staged so far for one checkpoint to write; orders staged later wait for the next. */
  seal(): SealedOrders {
    const entries: Batch['entries'] = [];
    for (const partition of this.months.values()) for (const [key, staged] of partition.staged) entries.push({ partition, key, staged });
    const batch: Batch = { size: entries.length, entries };
    return batch;
  }

  /**
   * Writes a sealed batch: call only once what its orders imply is on disk. Resolves when they are,
   * and every other write of the order book asked for so far with them.
   */
  async write(sealed: SealedOrders): Promise<void> {
    const { entries } = sealed as Batch;
    const touched = new Set(this.unwritten);
    for (const { partition, key, staged } of entries) {
      this.apply(partition, key, staged);
      touched.add(partition);
    }
    if (touched.size) await mkdir(this.dir, { recursive: true });
    await Promise.all([...touched].map(async (p) => {
      this.unwritten.add(p);
      await p.doc.save();
      this.unwritten.delete(p);
    }));
    await this.flush();
  }

  async findByNumber(number: string): Promise<Order | undefined> {
    if (!this.byNumber) {
      const index = new Map<string, string>();
      for (const month of await this.readableMonths()) {
        for (const order of this.ordersOf(await this.partition(month))) index.set(order.number, month);
      }
      this.byNumber = index;
    }
    const month = this.byNumber.get(number);
    if (!month) return undefined;
    const p = this.live(month, await this.partition(month));
    for (const staged of p.staged.values()) if (staged.order.number === number) return staged.order;
    return Object.values(p.doc.data.orders).find((o) => o.number === number);
  }

  /** Each month's orders, newest month first, reading a partition only when the caller gets that far. */
  async *byMonth(): AsyncGenerator<Order[]> {
    for (const month of (await this.readableMonths()).reverse()) yield this.ordersOf(await this.partition(month));
  }

  /** Each month's orders, oldest month first (as an export lists them); a month is read when reached. */
  async *byMonthOldestFirst(): AsyncGenerator<Order[]> {
    for (const month of await this.readableMonths()) yield this.ordersOf(await this.partition(month));
  }

  /** Every order, newest month first. Reads all partitions. */
  async *all(): AsyncGenerator<Order> {
    for (const month of (await this.readableMonths()).reverse()) yield* this.ordersOf(await this.partition(month));
  }

  /** Waits for every write already asked for. Staged orders are written only by `write(seal())`, through a checkpoint. */
  async flush(): Promise<void> {
    await Promise.all([...this.months.values()].map((p) => p.doc.flush()));
  }
}
