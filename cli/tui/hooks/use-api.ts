import { useCallback, useEffect, useRef, useState } from 'react';
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

/**
 * Data from the API, kept live by engine events (never by polling the disk). Works the same
 * attached or hosted: it only sees the ApiClient. Events arriving while a fetch runs are folded into
 * one more fetch after it.
 */
export function useApiQuery<T>(fetch: (client: ApiClient) => Promise<T>, deps: readonly unknown[], options: QueryOptions = {}): Query<T> {
  const client = useClient();
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const inFlight = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);
  const generation = useRef(0);

  const run = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    const mine = generation.current;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    fetchRef
      .current(client)
      .then(
        (data) => mine === generation.current && alive.current && setState({ data, error: null, loading: false }),
        (error: unknown) => mine === generation.current && alive.current && setState((s) => ({ data: s.data, error: errorText(error), loading: false })),
      )
      .finally(() => {
        inFlight.current = false;
        if (again.current && alive.current) {
          again.current = false;
          run();
        }
      });
  }, [client]);

  // New parameters: forget the in-flight answer and fetch again.
  useEffect(() => {
    alive.current = true;
    generation.current++;
    inFlight.current = false;
    run();
    return () => {
      alive.current = false;
    };
  }, [run, ...deps]);

  const areas = options.areas?.join(',') ?? '';
  const onJobs = Boolean(options.onJobs);
  const afterJobs = options.afterJobs?.join(',') ?? '';
  useEffect(() => {
    const wanted = new Set(areas.split(',').filter(Boolean));
    const finishing = new Set(afterJobs.split(',').filter(Boolean));
    const offs = [client.on('changed', ({ area }) => wanted.has(area) && run())];
    if (onJobs) offs.push(client.on('job', () => run()), client.on('state', () => run()));
    else if (finishing.size) offs.push(client.on('job', ({ job, state }) => state !== 'running' && finishing.has(job) && run()));
    return () => offs.forEach((off) => off());
  }, [client, run, areas, onJobs, afterJobs]);

  return { ...state, reload: run };
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
