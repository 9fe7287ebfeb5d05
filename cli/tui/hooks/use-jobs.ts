import { useEffect, useState } from 'react';
import type { EngineEvents } from '../../../core/runtime/events';
import { useClient } from '../contexts/engine';

export type JobEvent = EngineEvents['job'];

export interface JobProgress {
  /** Jobs running now, with their latest progress. */
  running: JobEvent[];
  /** The last job that finished, for the "last:" part of the progress line. */
  last: JobEvent | null;
}

/** Live progress of the engine's jobs, from `job` events. */
export function useJobProgress(): JobProgress {
  const client = useClient();
  const [progress, setProgress] = useState<JobProgress>({ running: [], last: null });
  useEffect(
    () =>
      client.on('job', (event) =>
        setProgress((p) => {
          const others = p.running.filter((j) => j.job !== event.job || j.target !== event.target);
          return event.state === 'running' ? { running: [...others, event], last: p.last } : { running: others, last: event };
        }),
      ),
    [client],
  );
  return progress;
}

export function describeJob(e: JobEvent): string {
  const count = e.total ? ` ${e.done ?? 0}/${e.total}` : e.done ? ` ${e.done}` : '';
  return `${e.job} ${e.target}${count}${e.message ? ` — ${e.message}` : ''}`;
}
