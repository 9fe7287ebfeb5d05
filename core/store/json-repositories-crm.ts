/**
 * The members the CRM and cart jobs and the work queue need (their block at the end of
 * repositories.ts) over the JSON folder. Kept apart from json-repositories.ts so they read as one addition.
 */
import type { QueueReader } from './repositories';
import type { Store } from './store';

export function jsonQueueForCrm(store: Store): Pick<QueueReader, 'unreadable'> {
  return {
    unreadable: async () => structuredClone(store.queue.data.unreadable ?? []),
  };
}
