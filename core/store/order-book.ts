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

  serialize(data: OrdersMonth): Buffer {
    const parts: Buffer[] = [OPEN];
    for (const [field, value] of Object.entries(data)) {
      const json = field === 'orders' ? this.orders(value as Record<string, Order | undefined>) : JSON.stringify(value) as string | undefined;
      if (json === undefined) continue;
      if (parts.length > 1) parts.push(COMMA);
      if (json instanceof Buffer) parts.push(utf8(`${JSON.stringify(field)}:`), json);
      else parts.push(utf8(`${JSON.stringify(field)}:${json}`));
    }
    parts.push(CLOSE);
    return Buffer.concat(parts);
  }

  private orders(orders: Record<string, Order | undefined>): Buffer {
    const parts: Buffer[] = [OPEN];
    let count = 0;
    for (const [key, order] of Object.entries(orders)) {
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
    return Buffer.concat(parts);
  }
}

interface Partition {
  doc: JsonDocument<OrdersMonth>;
  text: MonthText;
}

/**
 * Orders, partitioned by the UTC month they were created in. An order's partition never changes
 * (its creation time is fixed), so a new or updated order rewrites one month's file, never all
 * orders. Partitions are read on first use.
 */
export class OrderBook {
  private readonly months = new Map<string, Partition>();
  private byNumber: Map<string, string> | null = null;
  private readonly dirty = new Set<JsonDocument<OrdersMonth>>();

  constructor(private readonly dir: string, private readonly onMigrate?: (path: string, from: number) => Promise<void>) {}

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

  private async partition(month: string): Promise<Partition> {
    const known = this.months.get(month);
    if (known) return known;
    const text = new MonthText();
    const spec = { ...ordersMonthSpec(month), serialize: (data: OrdersMonth) => text.serialize(data) };
    const { doc } = await JsonDocument.open(join(this.dir, `${month}.json`), spec, this.onMigrate);
    // Two callers may open the same month at once: both get the first copy, so no change lands in a discarded one.
    const partition = this.months.get(month) ?? { doc, text };
    this.months.set(month, partition);
    return partition;
  }

  private async month(month: string): Promise<JsonDocument<OrdersMonth>> {
    return (await this.partition(month)).doc;
  }

  /** Puts `order` in its month and marks its cached text stale (also when it is the same object, changed in place). */
  private async place(order: Order): Promise<JsonDocument<OrdersMonth>> {
    const { doc, text } = await this.partition(monthOf(order.createdAt));
    const key = orderKey(order);
    doc.data.orders[key] = order;
    text.forget(key);
    this.byNumber?.set(order.number, monthOf(order.createdAt));
    return doc;
  }

  async get(shop: string, remoteId: string, createdAt: string): Promise<Order | undefined> {
    return (await this.month(monthOf(createdAt))).data.orders[orderKey({ shop, remoteId })];
  }

  /** Stores (inserts or replaces) an order; resolves when it is on disk. */
  async put(order: Order): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const doc = await this.place(order);
    await doc.save();
  }

  /** Changes an order in memory only; `flush()` writes every month touched, once. */
  async stage(order: Order): Promise<void> {
    this.dirty.add(await this.place(order));
  }

  async findByNumber(number: string): Promise<Order | undefined> {
    if (!this.byNumber) {
      const index = new Map<string, string>();
      for (const month of await this.listMonths()) {
        for (const order of Object.values((await this.month(month)).data.orders)) index.set(order.number, month);
      }
      this.byNumber = index;
    }
    const month = this.byNumber.get(number);
    if (!month) return undefined;
    return Object.values((await this.month(month)).data.orders).find((o) => o.number === number);
  }

  /** Each month's orders, newest month first, reading a partition only when the caller gets that far. */
  async *byMonth(): AsyncGenerator<Order[]> {
    for (const month of (await this.listMonths()).reverse()) yield Object.values((await this.month(month)).data.orders);
  }

  /** Every order, newest month first. Reads all partitions. */
  async *all(): AsyncGenerator<Order> {
    for (const month of (await this.listMonths()).reverse()) yield* Object.values((await this.month(month)).data.orders);
  }

  /** Writes staged changes and waits for every pending write. */
  async flush(): Promise<void> {
    if (this.dirty.size) await mkdir(this.dir, { recursive: true });
    const staged = [...this.dirty];
    this.dirty.clear();
    await Promise.all(staged.map((d) => d.save()));
    await Promise.all([...this.months.values()].map((p) => p.doc.flush()));
  }
}
