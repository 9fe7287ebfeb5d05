import { keepPreviousData, QueryClient, useQuery, useQueryClient, type Query as CachedQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient } from '../../../core/api/client';
import type { EngineEvents } from '../../../core/runtime/events';
import { errorText } from '../contexts/message';
import { useClient } from '../contexts/engine';

export type Area = EngineEvents['changed']['area'];

export interface Query<T> {
  data: T | undefined;
  /** The API's message when the last fetch failed. */
  error: string | null;
  loading: boolean;
  reload(): void;
}

export interface QueryOptions {
  /** Refetch when the engine says one of these areas changed. */
  areas?: readonly Area[];
  /** Also refetch on job progress and engine state changes (the dashboard). */
  onJobs?: boolean;
  /**
   * Also refetch when one of these jobs finishes: what it wrote (e.g. the quantity a shop was last
   * sent, after the inventory push that follows a stock edit) raises no `changed` event of its own.
   */
  afterJobs?: readonly string[];
}

/** Which engine events make a query stale: the last part of its key, so the cache can be searched by it. */
interface Live {
  areas: readonly Area[];
  onJobs: boolean;
  afterJobs: readonly string[];
}

/** The terminal UI's query cache: nothing refetches by time or retries on its own; engine events drive it (below). */
export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false } } });
}

const liveOf = (query: CachedQuery): Live | null => {
  const last = query.queryKey[query.queryKey.length - 1];
  return query.queryKey[0] === 'tui' && typeof last === 'object' && last !== null && 'areas' in last ? (last as Live) : null;
};

/**
 * Keeps the screens live from engine events (never by polling the disk): a `changed` area, job
 * progress, a finished job, an engine state change each refetch the queries that listen to it.
 * Events arriving while a query is being fetched are folded into one more fetch after it — cancelling
 * the running fetch instead would, under a stream of job progress, never let one finish.
 */
export function LiveQueries({ children }: { children: ReactNode }) {
  const client = useClient();
  const queries = useQueryClient();
  useEffect(() => {
    const again = new Set<string>();
    const refresh = (wanted: (live: Live) => boolean) => {
      for (const query of queries.getQueryCache().findAll({ predicate: (q) => (liveOf(q) ? wanted(liveOf(q)!) : false) })) {
        if (query.state.fetchStatus === 'fetching') again.add(query.queryHash);
        // A screen not shown has no observer: it loads afresh when it is opened.
        else if (query.getObserversCount() > 0) void queries.refetchQueries({ queryKey: query.queryKey, exact: true });
      }
    };
    const offCache = queries.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || (event.action.type !== 'success' && event.action.type !== 'error')) return;
      if (again.delete(event.query.queryHash)) void queries.refetchQueries({ queryKey: event.query.queryKey, exact: true });
    });
    const offs = [
      client.on('changed', ({ area }) => refresh((l) => l.areas.includes(area))),
      client.on('job', ({ job, state }) => refresh((l) => l.onJobs || (state !== 'running' && l.afterJobs.includes(job)))),
      client.on('state', () => refresh((l) => l.onJobs)),
    ];
    return () => {
      offCache();
      offs.forEach((off) => off());
    };
  }, [client, queries]);
  return children;
}

/**
 * Data from the API, kept live by engine events. `key` names what is fetched and with which
 * parameters (`['orders', status, shop]`): new parameters fetch again, while the previous answer
 * stays on screen until the new one arrives. Works the same attached or hosted: it only sees the
 * ApiClient.
 */
export function useApiQuery<T>(key: readonly unknown[], fetch: (client: ApiClient) => Promise<T>, options: QueryOptions = {}): Query<T> {
  const client = useClient();
  const live: Live = { areas: options.areas ?? [], onJobs: Boolean(options.onJobs), afterJobs: options.afterJobs ?? [] };
  const query = useQuery({ queryKey: ['tui', ...key, live], queryFn: () => fetch(client), placeholderData: keepPreviousData });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, error: query.error ? errorText(query.error) : null, loading: query.isFetching, reload };
}

/** Runs an API action and reports its result or the API's message; returns whether it succeeded. */
export function useBusy(): [boolean, <R>(work: () => Promise<R>) => Promise<R | undefined>] {
  const [busy, setBusy] = useState(false);
  const wrap = useCallback(async <R,>(work: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    try {
      return await work();
    } finally {
      setBusy(false);
    }
  }, []);
  return [busy, wrap];
}
