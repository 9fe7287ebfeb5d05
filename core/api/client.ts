import type { EngineEvents, EventName } from '../runtime/events';
import type { Contract, MethodName } from './contract';
import type { ParamsOf, ResultOf } from './define';

/**
 * The typed client every front end holds. Transports (in-process, local socket, Electron IPC,
 * HTTP/WebSocket) each provide one; the front end never knows which.
 */
export interface ApiClient {
  // Parameters may be left out when every field is optional (`{} extends P` is that test).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  call<M extends MethodName>(method: M, ...params: {} extends ParamsOf<Contract[M]> ? [params?: ParamsOf<Contract[M]>] : [params: ParamsOf<Contract[M]>]): Promise<ResultOf<Contract[M]>>;
  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
  close(): Promise<void>;
  /** `engine` when the calls go to a running engine, `direct` when this process opened the store. */
  readonly via: 'engine' | 'direct';
}

/** Untyped call signature that transports implement; `typedClient` gives it the typed face. */
export type RawCall = (method: string, params: unknown) => Promise<unknown>;
export type RawSubscribe = (listener: (name: EventName, payload: unknown) => void) => () => void;

export function typedClient(via: 'engine' | 'direct', call: RawCall, subscribe: RawSubscribe, close: () => Promise<void>): ApiClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;
  return {
    via,
    call: ((method: string, params?: unknown) => call(method, params ?? {})) as ApiClient['call'],
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      unsubscribe ??= subscribe((name, payload) => listeners.get(name)?.forEach((l) => l(payload)));
      return () => set.delete(listener as (payload: unknown) => void);
    },
    async close() {
      unsubscribe?.();
      await close();
    },
  };
}
