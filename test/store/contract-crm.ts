// The contract for the repository members the CRM and cart jobs and the work queue need (their
// block at the end of core/store/repositories.ts), run on every implementation by repositoryContract
// (contract.ts): the queue's unreadable items. A store holds them only when it was given them (a
// queue.json this version could not read, or a folder copied into a database), so here: none in a
// fresh store, and none made by putting and removing work. The ones a folder or a copy keeps are
// read back in test/queue/unreadable-item.spec.ts and test/postgres/copy-folder.spec.ts.
import { describe, expect, it } from 'vitest';
import type { ContractFactory } from './contract-subject';

export function crmAdditionsContract(factory: ContractFactory): void {
  describe(`repository contract, the CRM's and the queue's members: ${factory.name}`, () => {
    it('a fresh store keeps no unreadable queue items, and putting and removing work adds none', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      try {
        expect(await first.repos.queue.unreadable()).toEqual([]);
        await first.repos.write(async (w) => {
          await w.queue.put({ id: 'c1', lane: 'crm:Main list', kind: 'crm.contact', payload: { email: 'a@x', contact: {}, meta: {}, ops: [] }, enqueuedAt: '2026-11-20T09:00:00.000Z', attempts: 0 });
          await w.queue.put({ id: 'q1', lane: 'shop:Main', kind: 'shipping.push', payload: { order: 'MA:1', createdAt: '2026-11-20T08:00:00.000Z', remoteId: '1', dedupeKey: 'ship:MA:1' }, enqueuedAt: '2026-11-20T09:00:00.000Z', attempts: 0 });
          await w.queue.remove('c1');
          expect(await w.queue.unreadable(), 'read inside the unit').toEqual([]);
        });
      } finally {
        await first.close();
      }
      const again = await subject.open();
      try {
        expect(await again.repos.queue.unreadable()).toEqual([]);
        expect((await again.repos.queue.list()).map((i) => i.id)).toEqual(['q1']);
      } finally {
        await again.close();
      }
    });
  });
}
