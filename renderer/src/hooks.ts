import { keepPreviousData, QueryClient, useMutation, useQuery as useTanstackQuery, useQueryClient, type Query as CachedQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiClient, RawCall } from '../../core/api/client';
import type { Contract, MethodName } from '../../core/api/contract';
import type { ParamsOf, ResultOf } from '../../core/api/define';
import type { EngineEvents, EventName } from '../../core/runtime/events';

export const ClientContext = createContext<ApiClient | null>(null);


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
 * Every query of the window is one API call, cached under `['api', method, params, live]`: the
 * method and its parameters say what it is, `live` which engine events make it stale. A screen
 * that opens loads its data again (showing what was cached meanwhile); otherwise only the engine
 * makes a query load again (below) — not window focus or the network coming back — and a failed
 * call is not retried behind the merchant's back: the page shows the API's message.
 */
type QueryKey = readonly ['api', MethodName, unknown, { areas: readonly Area[]; onState: boolean }];

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

const liveOf = (query: CachedQuery): QueryKey[3] | null => {
  const key = query.queryKey;
  return key[0] === 'api' && typeof key[3] === 'object' && key[3] !== null ? (key[3] as QueryKey[3]) : null;
};

/**
 * Keeps the cache as live as the engine: a `changed` event makes stale the queries that listen to
 * its area, a `state` event those that follow the engine state, and every (re)opening of the event
 * stream all of them. Events sent while the stream was closed — before the first open, or during a
 * drop — are never delivered, so what the page shows is never older than the stream it listens to.
 * `streamEpoch` counts the openings.
 */
export function LiveQueries({ streamEpoch, children }: { streamEpoch: number; children: ReactNode }) {
  const client = useClient();
  const queries = useQueryClient();
  useEffect(
    () => client.on('changed', ({ area }) => void queries.invalidateQueries({ predicate: (q) => liveOf(q)?.areas.includes(area) ?? false })),
    [client, queries],
  );
  useEffect(() => client.on('state', () => void queries.invalidateQueries({ predicate: (q) => liveOf(q)?.onState ?? false })), [client, queries]);
  const seenEpoch = useRef(streamEpoch);
  useEffect(() => {
    // Queries load when they mount; only a later opening of the stream needs them all again.
    if (streamEpoch === seenEpoch.current) return;
    seenEpoch.current = streamEpoch;
    void queries.invalidateQueries();
  }, [streamEpoch, queries]);
  return children;
}

/**
 * Loads one API call and keeps it live: it loads again whenever the engine says one of `areas`
 * changed (or the engine state changed, with `onState`). New parameters keep showing the previous
 * answer until the new one arrives, so a list being filtered does not blink empty.
 */
export function useQuery<M extends MethodName>(method: M, params: ParamsOf<Contract[M]> | undefined, areas: Area[], options: { onState?: boolean } = {}): Query<ResultOf<Contract[M]>> {
  const client = useClient();
  const key: QueryKey = ['api', method, params ?? {}, { areas, onState: Boolean(options.onState) }];
  const query = useTanstackQuery({
    queryKey: key,
    // The typed client takes the method and its parameters as one pair; `useQuery`'s own signature checks them.
    queryFn: () => (client.call as unknown as RawCall)(method, params ?? {}) as Promise<ResultOf<Contract[M]>>,
    placeholderData: keepPreviousData,
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, problem: query.error ? problemOf(query.error) : null, loading: query.isFetching, reload };
}

/** Runs an action (a button), tracking busy state and the problem it ran into. */
export function useAction<A extends unknown[], R>(fn: (client: ApiClient, ...args: A) => Promise<R>) {
  const client = useClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  // The latest fn, so an action always sees the form's current values.
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const mutation = useMutation({ mutationFn: (args: A) => fnRef.current(client, ...args) });
  const { mutateAsync } = mutation;
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setProblem(null);
      try {
        return await mutateAsync(args);
      } catch (error) {
        setProblem(problemOf(error));
        return undefined;
      }
    },
    [mutateAsync],
  );
  return { run, busy: mutation.isPending, problem, setProblem };
}
