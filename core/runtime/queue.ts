import { randomBytes } from 'node:crypto';
import type { QueueItem, Store } from '../store';
import type { Clock } from './clock';

export type WorkOutcome = { status: 'done' } | { status: 'retry'; afterMs: number; message: string } | { status: 'failed'; message: string };

export interface DrainResult {
  done: number;
  retried: number;
  failed: number;
  /** Items still waiting (not yet due, or left for the next run). */
  waiting: number;
}

/**
 * The persistent work queue: work that must happen exactly once, even across restarts (shipping
 * pushes, CRM calls). An item is written to queue.json before it is acknowledged and removed only
 * after its handler reports it done, so a crash re-runs it — handlers check the platform first
 * (or use the ledger) so a re-run never repeats an effect.
 */
export class WorkQueue {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  get items(): readonly QueueItem[] {
    return this.store.queue.data.items;
  }

  depth(lane?: string): number {
    return this.store.queue.data.items.filter((i) => !lane || i.lane === lane).length;
  }

  /** Adds work unless an item with the same `dedupeKey` is already waiting. Resolves once it is on disk. */
  async enqueue(lane: string, kind: string, payload: Record<string, unknown>, dedupeKey?: string): Promise<QueueItem | null> {
    const data = this.store.queue.data;
    if (dedupeKey && data.items.some((i) => i.lane === lane && i.payload.dedupeKey === dedupeKey)) return null;
    const item: QueueItem = {
      id: randomBytes(6).toString('hex'),
      lane,
      kind,
      payload: dedupeKey ? { ...payload, dedupeKey } : payload,
      enqueuedAt: this.clock.now().toISOString(),
      attempts: 0,
    };
    data.items.push(item);
    await this.store.queue.save();
    return item;
  }

  /** Runs the due items of one lane in order. An item that must wait keeps its place; later items of the lane still run. */
  async drain(lane: string, handler: (item: QueueItem) => Promise<WorkOutcome>, options: { kinds?: string[]; limit?: number; signal?: AbortSignal } = {}): Promise<DrainResult> {
    const result: DrainResult = { done: 0, retried: 0, failed: 0, waiting: 0 };
    const now = () => this.clock.now();
    const due = this.store.queue.data.items.filter((i) => i.lane === lane && (!options.kinds || options.kinds.includes(i.kind)));
    let handled = 0;
    for (const item of due) {
      if (options.limit !== undefined && handled >= options.limit) break;
      // Stopping: each item handled so far is saved; the rest waits in the queue for the next start.
      if (options.signal?.aborted) break;
      if (item.notBefore && item.notBefore > now().toISOString()) {
        result.waiting++;
        continue;
      }
      handled++;
      item.attempts++;
      const outcome = await handler(item);
      if (outcome.status === 'done' || outcome.status === 'failed') {
        this.store.queue.data.items = this.store.queue.data.items.filter((i) => i !== item);
        result[outcome.status === 'done' ? 'done' : 'failed']++;
      } else {
        item.notBefore = new Date(now().getTime() + outcome.afterMs).toISOString();
        result.retried++;
      }
      await this.store.queue.save();
    }
    result.waiting = this.depth(lane);
    return result;
  }

  /** Exactly-once ledger: true when `key` was already done. */
  hasDone(key: string): boolean {
    return Object.hasOwn(this.store.queue.data.ledger, key);
  }

  markDone(key: string): void {
    this.store.queue.data.ledger[key] = this.clock.now().toISOString();
  }
}

/** Exponential back-off for queue retries: 30 s, 1 min, 2 min … capped at 1 hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export const newId = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
