/**
 * The members the CRM and cart jobs and the work queue need (their block at the end of
 * repositories.ts) over the JSON folder. Kept apart from json-repositories.ts so they read as one addition.
 */
import type { CartReader, CrmLedgerReader, QueueReader } from './repositories';
import type { Store } from './store';

export function jsonQueueForCrm(store: Store): Pick<QueueReader, 'unreadable'> {
  return {
    unreadable: async () => structuredClone(store.queue.data.unreadable ?? []),
  };
}

export function jsonCartsForCrm(store: Store): Pick<CartReader, 'ofCustomer'> {
  return {
    // Only the customer's carts are copied, not every cart.
    ofCustomer: async (email) => Object.values(store.carts.data.carts).filter((c) => c.email === email).map((c) => structuredClone(c)),
  };
}

export function jsonCrmLedgerForCrm(store: Store): Pick<CrmLedgerReader, 'addedKeys'> {
  return {
    addedKeys: async (crm) => Object.keys(store.queue.data.ledger).filter((k) => k.endsWith('|add') && k.includes(`|${crm}|`)),
  };
}
