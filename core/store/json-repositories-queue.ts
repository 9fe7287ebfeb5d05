/**
 * The members the work queue needs (their block at the end of repositories.ts) over the JSON folder:
 * queue.json's items, read in place and copied only when they match. Kept apart from
 * json-repositories.ts so they read as one addition.
 */
import { CRM_CONTACT, workKey, type QueuedWork, type WorkKind, type WorkOf } from '../model/work';
import type { QueueReader, QueueWriter } from './repositories';
import type { Store } from './store';

const isKind = <K extends WorkKind>(kind: K) => (item: QueuedWork): item is WorkOf<K> => item.kind === kind;

/** `touched` tells the unit that queue.json has changed, so the unit saves it. */
export function jsonQueueForWork(store: Store, touched: () => void): Pick<QueueReader, 'find' | 'ofContact' | 'depth'> & Pick<QueueWriter, 'putFirst'> {
  const items = () => store.queue.data.items;
  return {
    async find(kind, key) {
      const found = items().filter(isKind(kind)).find((i) => workKey(i) === key);
      return found && structuredClone(found);
    },
    ofContact: async (lane, email) => items().filter(isKind(CRM_CONTACT)).filter((i) => i.lane === lane && i.payload.email === email).map((i) => structuredClone(i)),
    depth: async (lane) => (lane === undefined ? items().length : items().filter((i) => i.lane === lane).length),
    async putFirst(item) {
      touched();
      const at = items().findIndex((i) => i.id === item.id);
      if (at >= 0) items()[at] = structuredClone(item);
      else items().unshift(structuredClone(item));
    },
  };
}
