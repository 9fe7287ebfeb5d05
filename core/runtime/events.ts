import { EventEmitter } from 'node:events';

/** Events the engine publishes to every front end (over every transport). */
export interface EngineEvents {
  /** Something in this area changed; front ends refetch what they show. */
  changed: { area: 'settings' | 'stock' | 'orders' | 'issues' | 'carts' | 'rules' | 'queue' };
  /** A job started, progressed or finished for one shop or CRM. */
  job: { job: string; target: string; state: 'running' | 'done' | 'failed'; message?: string; done?: number; total?: number };
  /** The engine's overall state, as the tray shows it. */
  /** `paused` is told apart because needing attention outranks it in `state`; `reason` is the health's, in words. */
  state: { state: 'ok' | 'syncing' | 'errors' | 'paused'; paused?: boolean; reason?: string };
}
export type EventName = keyof EngineEvents;

/** A typed event bus. */
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  emit<E extends EventName>(name: E, payload: EngineEvents[E]): void {
    this.emitter.emit(name, payload);
  }

  on<E extends EventName>(name: E, listener: (payload: EngineEvents[E]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  /** Every event, for transports that forward all of them. */
  onAny(listener: (name: EventName, payload: unknown) => void): () => void {
    const names: EventName[] = ['changed', 'job', 'state'];
    const offs = names.map((n) => this.on(n, (p) => listener(n, p)));
    return () => offs.forEach((off) => off());
  }
}
