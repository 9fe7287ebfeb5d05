import type { Clock } from '../runtime/clock';
import type { EventBus } from '../runtime/events';
import type { WorkQueue } from '../runtime/queue';
import type { CartTransition, Order, Shop } from '../model';
import type { RemoteStockItem, ShopConnector } from '../platforms/types';
import type { Store } from '../store';
import type { Repositories, RepositoryWriters } from '../store/repositories';

/** What every job gets: the store, a clock, the event bus, the work queue and a way to reach each shop. No timers, no globals. */
export interface JobContext {
  /**
   * The store behind its interfaces, one instance for the whole engine (its units run one at a
   * time, in call order). Jobs move onto it one by one; `store` goes once none is left on it.
   */
  repos: Repositories;
  /** @deprecated Read and write through `repos`; kept only for the jobs not yet moved onto it (the engine no longer uses it). */
  store: Store;
  clock: Clock;
  events: EventBus;
  queue: WorkQueue;
  /** The connector for a shop (credentials resolved, cached per shop by the engine). */
  shop(shop: Shop): Promise<ShopConnector>;
  /** Each shop's stock items by SKU as last read, so a push needs no read when nothing drifted. Lives as long as the engine. */
  stockItems: Map<string, Map<string, RemoteStockItem>>;
  /**
   * Set by the engine so the CRM job hears of order and cart changes. They only queue work, and are
   * given the writers of the unit that writes the change (the order pull's, the cart sweep's), so
   * that work is written with the change that brought it.
   */
  hooks: {
    orderChanged?(w: RepositoryWriters, shop: Shop, previous: Order | undefined, current: Order): Promise<void>;
    cartsChanged?(w: RepositoryWriters, transitions: CartTransition[]): Promise<void>;
  };
  /** Aborted when the engine stops: long jobs stop between requests, with their progress saved. */
  signal?: AbortSignal;
}

/** What one run of a job did, printed by `backroom sync` and shown in the UIs. */
export interface JobSummary {
  job: 'orders' | 'inventory' | 'shipping' | 'carts' | 'crm';
  target: string;
  /** Counts of what happened, e.g. pulled, skipped, pushed. */
  counts: Record<string, number>;
  /** HTTP requests the run made (retries included). */
  requests: number;
  errors: number;
  /** Set when the run stopped early: why. */
  stopped?: string;
  /** The platform refused the credentials: the rest of this sync pass leaves the target alone. */
  authFailed?: boolean;
}

/** Why a job ended early when the engine was asked to stop. */
export const STOPPING = 'the engine is stopping; the rest is done at the next start';

export function summary(job: JobSummary['job'], target: string): JobSummary {
  return { job, target, counts: {}, requests: 0, errors: 0 };
}

export function bump(s: JobSummary, key: string, by = 1): void {
  s.counts[key] = (s.counts[key] ?? 0) + by;
}

/**
 * A pull checkpoints (orders, stock, cursor, queue… on disk) after this many pages or this much
 * time, whichever comes first, and after the last page. Each checkpoint rewrites whole files (the
 * month's orders, stock commitments, the CRM queue), so one per page made a 20,000-order pull
 * quadratic; a crash now re-reads at most these pages, which de-duplication makes harmless.
 * Time is the usual trigger: a checkpoint's cost grows with the files it rewrites, so a fixed page
 * count still spent 40% of a 20,000-order pull's CPU in writes; 50 pages bound the re-read instead.
 */
export const CHECKPOINT_PAGES = 50;
