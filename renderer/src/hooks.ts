import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../core/api/client';
import type { EngineEvents, EventName } from '../../core/runtime/events';

export const ClientContext = createContext<ApiClient | null>(null);

/**
 * Counts the times the event stream has (re)opened. Events sent while it was closed — before
 * the first open, or during a drop — are never delivered, so every query loads again when the
 * count moves: what the page shows is never older than the stream it listens to.
 */
export const StreamEpochContext = createContext(0);

export function useClient(): ApiClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}

export type Area = EngineEvents['changed']['area'];

/** What a failed call tells the merchant: the API's message and, when known, the field at fault. */
export interface Problem {
  message: string;
  field?: string;
  details?: string[];
  code?: string;
}

export function problemOf(error: unknown): Problem {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { message: string; field?: string; details?: string[]; code?: string };
    return { message: e.message, field: e.field, details: e.details, code: e.code };
  }
  return { message: String(error) };
}

/** Subscribes to one engine event for the life of the component. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): void {
  const client = useClient();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.on(event, (p) => ref.current(p)), [client, event]);
}

export interface Query<T> {
  data: T | undefined;
  problem: Problem | null;
  loading: boolean;
  reload(): void;
}

/**
 * Loads something from the API and loads it again whenever the engine says one of `areas`
 * changed (or the engine state changes, when `onState`), so every screen stays live.
 */
export function useQuery<T>(load: (client: ApiClient) => Promise<T>, areas: Area[], deps: unknown[] = [], onState = false): Query<T> {
  const client = useClient();
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    loadRef.current(client).then(
      (value) => {
        if (mine !== seq.current) return;
        setData(value);
        setProblem(null);
        setLoading(false);
      },
      (error: unknown) => {
        if (mine !== seq.current) return;
        setProblem(problemOf(error));
        setLoading(false);
      },
    );
  }, [client]);

  const epoch = useContext(StreamEpochContext);
  useEffect(reload, [reload, epoch, ...deps]);
  const areasKey = areas.join(',');
  useEffect(() => client.on('changed', (e) => areasKey.split(',').includes(e.area) && reload()), [client, areasKey, reload]);
  useEffect(() => (onState ? client.on('state', () => reload()) : undefined), [client, onState, reload]);
  return { data, problem, loading, reload };
}

/** Runs an action (a button), tracking busy state and the problem it ran into. */
export function useAction<A extends unknown[], R>(fn: (client: ApiClient, ...args: A) => Promise<R>) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The latest fn, so an action always sees the form's current values.
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setProblem(null);
      try {
        return await fnRef.current(client, ...args);
      } catch (error) {
        setProblem(problemOf(error));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { run, busy, problem, setProblem };
}
