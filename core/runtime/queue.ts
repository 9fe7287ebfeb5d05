import { randomBytes } from 'node:crypto';
import type { Operation, Source } from '../model';
import { workKey, type QueuedWork, type WorkKind, type WorkOf } from '../model/work';
import { describeFailure } from '../platforms/errors';
import type { Store } from '../store';
import type { Repositories } from '../store/repositories';
import type { Clock } from './clock';
import { recordError, recordErrorIn } from './issues';
import { UNREADABLE_KIND, unreadableId, unreadableKindLabel } from './unreadable-work';

/**
 * What a handler of `drain` reports: done (the item leaves the queue); wait (it stays, tried again
 * after `afterMs`, e.g. a partly shipped order); or retry, after the handler has recorded its failure
 * with `WorkQueue.fail`, which set the next try.
 */
export type WorkOutcome = { status: 'done' } | { status: 'wait'; afterMs: number; message: string } | { status: 'retry' };

export interface DrainResult {
  done: number;
  retried: number;
  /** Items still waiting (not yet due, or left for the next run). */
  waiting: number;
}

/** Where a failure shows in the error list: who, which operation (so a retry re-runs it), on what. */
export interface FailureIssue {
  source: Source;
  operation: Operation;
  object: string;
}

export { UNREADABLE_KIND } from './unreadable-work';

/**
 * The persistent work queue: work that must happen exactly once, even across restarts (shipping
 * pushes, CRM calls). An item is written to queue.json before it is acknowledged and removed only
 * after its handler reports it done, so a crash re-runs it — handlers check the platform first
 * (or use the ledger) so a re-run never repeats an effect.
 *
 * Items are typed by kind (model/work.ts): `list`, `get` and `drain` give the kind's own type.
 * Changes are made in memory; `save` (or a store checkpoint) writes them.
 */
export class WorkQueue {
  /**
   * Settles once the unreadable items are named in the error list (a unit of `repos`, so every unit
   * asked for later sees those errors). Failing to write them loses nothing: they are named again
   * the next time the queue is opened.
   */
  readonly reported: Promise<void>;

  constructor(private readonly store: Store, private readonly clock: Clock, repos: Repositories) {
    this.reported = reportUnreadable(repos, clock);
    this.reported.catch(() => undefined);
  }

  get items(): readonly QueuedWork[] {
    return this.store.queue.data.items;
  }

  depth(lane?: string): number {
    return this.store.queue.data.items.filter((i) => !lane || i.lane === lane).length;
  }

  /** The items of one kind (of one lane), in queue order. */
  list<K extends WorkKind>(kind: K, lane?: string): WorkOf<K>[] {
    return this.store.queue.data.items.filter((i): i is WorkOf<K> => i.kind === kind && (lane === undefined || i.lane === lane));
  }

  get<K extends WorkKind>(kind: K, key: string): WorkOf<K> | undefined {
    return this.list(kind).find((i) => workKey(i) === key);
  }

  /**
   * Puts an item on the queue, or in place of the item of its kind with its key (keeping that one's
   * place). `first`: at the front, where a CRM batch goes so it is settled before anything behind it.
   */
  upsert<T extends QueuedWork>(item: T, options: { first?: boolean } = {}): T {
    const items = this.store.queue.data.items;
    const key = workKey(item);
    const at = items.findIndex((i) => i.kind === item.kind && workKey(i) === key);
    if (at !== -1) items[at] = item;
    else if (options.first) items.unshift(item);
    else items.push(item);
    return item;
  }

  /** Takes the item of `kind` with `key` off the queue (its work is done, or no longer wanted). True when there was one. */
  remove(kind: WorkKind, key: string): boolean {
    const before = this.store.queue.data.items.length;
    this.store.queue.data.items = this.store.queue.data.items.filter((i) => !(i.kind === kind && workKey(i) === key));
    return this.store.queue.data.items.length !== before;
  }

  /**
   * The one place a failed item is recorded: one more attempt, the next try after the back-off on the
   * engine clock (at once with `now`, e.g. refused credentials that the merchant may fix any moment),
   * and, with `issue`, the error entry in the merchant's words. Returns those words.
   */
  fail(item: QueuedWork, error: unknown, options: { issue?: FailureIssue; now?: boolean } = {}): string {
    item.attempts++;
    item.notBefore = new Date(this.clock.now().getTime() + (options.now ? 0 : backoffMs(item.attempts))).toISOString();
    const message = describeFailure(error, options.issue?.source);
    if (options.issue) recordError(this.store, this.clock.now(), { ...options.issue, message });
    return message;
  }

  save(): Promise<void> {
    return this.store.queue.save();
  }

  /** Runs the due items of one kind in one lane, in order. An item that must wait keeps its place; later items of the lane still run. */
  async drain<K extends WorkKind>(lane: string, kind: K, handler: (item: WorkOf<K>) => Promise<WorkOutcome>, options: { limit?: number; signal?: AbortSignal } = {}): Promise<DrainResult> {
    const result: DrainResult = { done: 0, retried: 0, waiting: 0 };
    const now = () => this.clock.now();
    let handled = 0;
    for (const item of this.list(kind, lane)) {
      if (options.limit !== undefined && handled >= options.limit) break;
      // Stopping: each item handled so far is saved; the rest waits in the queue for the next start.
      if (options.signal?.aborted) break;
      if (item.notBefore && item.notBefore > now().toISOString()) continue;
      handled++;
      const outcome = await handler(item);
      if (outcome.status === 'done') {
        this.store.queue.data.items = this.store.queue.data.items.filter((i) => i !== item);
        result.done++;
      } else if (outcome.status === 'wait') {
        item.attempts++;
        item.notBefore = new Date(now().getTime() + outcome.afterMs).toISOString();
        result.retried++;
      } else result.retried++;
      await this.save();
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

/**
 * Each item of the queue this version could not read gets an error entry naming it and saying why,
 * once (a dismissed one stays dismissed), in one unit. The item itself stays aside and never runs.
 */
async function reportUnreadable(repos: Repositories, clock: Clock): Promise<void> {
  const unreadable = await repos.queue.unreadable();
  if (unreadable.length === 0) return;
  await repos.write(async (w) => {
    const named = new Set((await w.issues.errors()).filter((e) => e.operation.kind === UNREADABLE_KIND).map((e) => e.operation.args.id));
    for (const { item, problem } of unreadable) {
      const id = unreadableId(item);
      if (named.has(id)) continue;
      named.add(id);
      const operation: Operation = { kind: UNREADABLE_KIND, args: { id } };
      const kind = unreadableKindLabel(item);
      await recordErrorIn(w.issues, clock.now(), {
        source: { kind: 'backroom', name: 'Work queue' },
        operation,
        object: `queued work ${id}${kind}`,
        message:
          `Backroom could not read queued work ${id}${kind} in queue.json: ${problem}. It is kept as it was, under "unreadable" in queue.json, ` +
          'and is not run; the rest of the queue carries on. If that work still matters, restore queue.json from the backups folder; otherwise dismiss this error.',
      });
    }
  });
}

/** Exponential back-off for queue retries: 30 s, 1 min, 2 min … capped at 1 hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export const newId = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
