import type { Clock } from '../engine/clock';
import type { EventBus } from '../engine/events';
import type { Store } from '../store';

/** What API handlers work with. One per engine host (or per direct CLI run). */
export interface ApiContext {
  store: Store;
  clock: Clock;
  events: EventBus;
  /** How this context was reached, reported by `status`. */
  via: 'engine' | 'direct';
  /** Set when a long-running engine hosts this context. */
  engine?: { pid: number; startedAt: string; paused: () => boolean };
}
