import type { Clock } from '../runtime/clock';
import type { Engine } from '../engine/engine';
import type { EventBus } from '../runtime/events';
import type { Scheduler } from '../engine/scheduler';
import type { Repositories } from '../store/repositories';

/** What API handlers work with. One per engine host (or per direct CLI run). */
export interface ApiContext {
  /** What handlers read and write: the storage interfaces, so a handler runs the same on any store. */
  repos: Repositories;
  clock: Clock;
  events: EventBus;
  engine: Engine;
  /** Present in a long-running host (daemon, desktop, TUI host): plans timed runs. */
  scheduler?: Scheduler;
  /** How this context was reached, reported by `status`. */
  via: 'engine' | 'direct';
  /** Set when a long-running engine hosts this context. */
  host?: { pid: number; startedAt: string };
}
