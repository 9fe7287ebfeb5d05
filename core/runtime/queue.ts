import { randomBytes } from 'node:crypto';
import type { Operation, Source } from '../model';
import { workKey, type QueuedWork, type WorkKind, type WorkOf } from '../model/work';
import { describeFailure } from '../platforms/errors';
import type { Store } from '../store';
import type { Repositories, RepositoryWriters } from '../store/repositories';
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
 * `queueIn(w)`, `failJob` and `drain` go through the queue repository, in units; the members that
 * change items in memory (`upsert`, `remove`, `fail`, written by `save` or a store checkpoint) are
 * the CRM job's until it reads and writes its items through the repositories too.
 */
export class WorkQueue {
  /**
   * Settles once the unreadable items are named in the error list (a unit of `repos`, so every unit
   * asked for later sees those errors). Failing to write them loses nothing: they are named again
   * the next time the queue is opened.
   */
  readonly reported: Promise<void>;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly repos: Repositories) {
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
   * Records a failure on an item held in memory (the CRM job's, until it reads and writes its items
   * through the repositories): the same next try and error entry as `failJob`. Returns the words.
   */
  fail(item: QueuedWork, error: unknown, options: FailOptions = {}): string {
    Object.assign(item, afterFailure(item, this.clock.now(), options));
    const message = describeFailure(error, options.issue?.source);
    if (options.issue) recordError(this.store, this.clock.now(), { ...options.issue, message });
    return message;
  }

  /**
   * The one place a failed item is recorded, in a unit of its own: one more attempt, the next try
   * after the back-off on the engine clock (at once with `now`, e.g. refused credentials that the
   * merchant may fix any moment), and, with `issue`, the error entry in the merchant's words, both
   * in that unit. Returns those words.
   */
  failJob(item: QueuedWork, error: unknown, options: FailOptions = {}): Promise<string> {
    return this.repos.write((w) => this.queueIn(w).fail(item, error, options));
  }

  /** The queue in one unit of the repositories: what a job or a hook queues there is written with the rest of that unit. */
  queueIn(w: RepositoryWriters): UnitQueue {
    return new UnitQueue(w, this.clock);
  }

  save(): Promise<void> {
    return this.store.queue.save();
  }

  /**
   * Runs the due items of one kind in one lane, in order, read through the queue repository. An item
   * that must wait keeps its place; later items of the lane still run. Each outcome is written in a
   * unit of its own as soon as it is known; a handler that reports `retry` has recorded its failure
   * (`failJob`) already.
   */
  async drain<K extends WorkKind>(lane: string, kind: K, handler: (item: WorkOf<K>) => Promise<WorkOutcome>, options: { limit?: number; signal?: AbortSignal } = {}): Promise<DrainResult> {
    const result: DrainResult = { done: 0, retried: 0, waiting: 0 };
    const now = () => this.clock.now();
    let handled = 0;
    for (const item of (await this.repos.queue.list(lane)).filter(isKind(kind))) {
      if (options.limit !== undefined && handled >= options.limit) break;
      // Stopping: each item handled so far is written; the rest waits in the queue for the next start.
      if (options.signal?.aborted) break;
      if (item.notBefore && item.notBefore > now().toISOString()) continue;
      handled++;
      const outcome = await handler(item);
      if (outcome.status === 'done') {
        await this.repos.write((w) => w.queue.remove(item.id));
        result.done++;
      } else if (outcome.status === 'wait') {
        const notBefore = new Date(now().getTime() + outcome.afterMs).toISOString();
        await this.repos.write(async (w) => {
          // Read again: what was taken off the queue meanwhile (a retry that pushed it) stays off.
          const stored = await w.queue.get(item.id);
          if (stored) await w.queue.put({ ...stored, attempts: stored.attempts + 1, notBefore });
        });
        result.retried++;
      } else result.retried++;
    }
    result.waiting = await this.repos.queue.depth(lane);
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

/** How a failure is recorded: with `issue`, its error entry; with `now`, tried again at once. */
export interface FailOptions {
  issue?: FailureIssue;
  now?: boolean;
}

const isKind = <K extends WorkKind>(kind: K) => (item: QueuedWork): item is WorkOf<K> => item.kind === kind;

/** An item's attempts and next try after one more failure, on the engine clock. */
function afterFailure(item: QueuedWork, now: Date, options: FailOptions): { attempts: number; notBefore: string } {
  const attempts = item.attempts + 1;
  return { attempts, notBefore: new Date(now.getTime() + (options.now ? 0 : backoffMs(attempts))).toISOString() };
}

/**
 * The work queue inside one unit of the repositories (`WorkQueue.queueIn`): items named by their
 * kind's key (model/work.ts `workKey`), written with everything else the unit writes.
 */
export class UnitQueue {
  constructor(private readonly w: RepositoryWriters, private readonly clock: Clock) {}

  find<K extends WorkKind>(kind: K, key: string): Promise<WorkOf<K> | undefined> {
    return this.w.queue.find(kind, key);
  }

  /**
   * Puts an item on the queue, or in place of the item of its kind with its key (keeping that one's
   * place). `first`: at the front, where a CRM batch goes so it is settled before anything behind it.
   */
  async upsert(item: QueuedWork, options: { first?: boolean } = {}): Promise<void> {
    const known = await this.w.queue.find(item.kind, workKey(item));
    // An item of the same key under another id (a shipping push queued again) is replaced where it stands.
    const stored = known ? { ...item, id: known.id } : item;
    await (options.first && !known ? this.w.queue.putFirst(stored) : this.w.queue.put(stored));
  }

  /** Takes the item of `kind` with `key` off the queue. True when there was one. */
  async remove(kind: WorkKind, key: string): Promise<boolean> {
    const known = await this.w.queue.find(kind, key);
    if (known) await this.w.queue.remove(known.id);
    return known !== undefined;
  }

  /**
   * Records a failure of `item` in this unit: one more attempt and the next try on the queued item
   * as it stands now (an item taken off meanwhile stays off), the error entry with `issue`. `item`
   * is given the same attempts and next try. Returns the words of the failure.
   */
  async fail(item: QueuedWork, error: unknown, options: FailOptions = {}): Promise<string> {
    const now = this.clock.now();
    const stored = await this.w.queue.get(item.id);
    const next = afterFailure(stored ?? item, now, options);
    if (stored) await this.w.queue.put({ ...stored, ...next });
    Object.assign(item, next);
    const message = describeFailure(error, options.issue?.source);
    if (options.issue) await recordErrorIn(this.w.issues, now, { ...options.issue, message });
    return message;
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
