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

/**
 * Orders, partitioned by the UTC month they were created in. An order's partition never changes
 * (its creation time is fixed), so a new or updated order rewrites one month's file, never all
 * orders. Partitions are read on first use.
 */
export class OrderBook {
  private readonly months = new Map<string, JsonDocument<OrdersMonth>>();
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

  private async month(month: string): Promise<JsonDocument<OrdersMonth>> {
    let doc = this.months.get(month);
    if (!doc) {
      doc = (await JsonDocument.open(join(this.dir, `${month}.json`), ordersMonthSpec(month), this.onMigrate)).doc;
      this.months.set(month, doc);
    }
    return doc;
  }

  async get(shop: string, remoteId: string, createdAt: string): Promise<Order | undefined> {
    return (await this.month(monthOf(createdAt))).data.orders[orderKey({ shop, remoteId })];
  }

  /** Stores (inserts or replaces) an order; resolves when it is on disk. */
  async put(order: Order): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const doc = await this.month(monthOf(order.createdAt));
    doc.data.orders[orderKey(order)] = order;
    this.byNumber?.set(order.number, monthOf(order.createdAt));
    await doc.save();
  }

  /** Changes an order in memory only; `flush()` writes every month touched, once. */
  async stage(order: Order): Promise<void> {
    const doc = await this.month(monthOf(order.createdAt));
    doc.data.orders[orderKey(order)] = order;
    this.byNumber?.set(order.number, monthOf(order.createdAt));
    this.dirty.add(doc);
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
    await Promise.all([...this.months.values()].map((d) => d.flush()));
  }
}
