// The contract for the repository members the work queue needs (their block at the end of
// core/store/repositories.ts), run on every implementation by repositoryContract (contract.ts): an
// item found by its work key, one contact's items of a lane, a lane's size, and the front of the queue.
import { describe, expect, it } from 'vitest';
import type { QueuedWork, WorkOf } from '../../core/model/work';
import type { ContractFactory } from './contract-subject';

const AT = '2026-11-20T09:00:00.000Z';
const contact = (id: string, lane: string, email: string, tag = 'Customer'): WorkOf<'crm.contact'> => ({
  id, lane, kind: 'crm.contact', enqueuedAt: AT, attempts: 0,
  payload: { email, contact: {}, meta: {}, ops: [{ tag, op: 'add', keys: [`k|${id}`], fromCart: false }] },
});
const push = (id: string, order: string): WorkOf<'shipping.push'> => ({
  id, lane: 'shop:Main', kind: 'shipping.push', enqueuedAt: AT, attempts: 0, payload: { order, createdAt: AT, remoteId: order, dedupeKey: `ship:${order}` },
});
const batch = (id: string, lane: string): WorkOf<'crm.batch'> => ({
  id, lane, kind: 'crm.batch', enqueuedAt: AT, attempts: 0, payload: { intent: id, notedAt: AT, operations: [] },
});
const ids = (items: QueuedWork[]) => items.map((i) => i.id);

export function queueWorkContract(factory: ContractFactory): void {
  describe(`repository contract, the work queue's members: ${factory.name}`, () => {
    it("finds an item by its kind's key, one contact's items of a lane in queue order, and counts a lane", async () => {
      const subject = await factory.create();
      const first = await subject.open();
      try {
        await first.repos.write(async (w) => {
          await w.queue.put(contact('c1', 'crm:A', 'ann@example.com'));
          await w.queue.put(push('q1', 'MA-1'));
          await w.queue.put(contact('c2', 'crm:B', 'ann@example.com'));
          await w.queue.put(contact('c3', 'crm:A', 'bo@example.com'));
          await w.queue.put(contact('c4', 'crm:A', 'ann@example.com', 'Loyal'));
          await w.queue.put(contact('c5', 'crm:A', 'ann@example.com'));
          await w.queue.remove('c5');
          expect(ids(await w.queue.ofContact('crm:A', 'ann@example.com')), 'read inside the unit').toEqual(['c1', 'c4']);
          expect(await w.queue.depth('crm:A')).toBe(3);
        });
      } finally {
        await first.close();
      }
      const again = await subject.open();
      try {
        const { queue } = again.repos;
        expect((await queue.find('shipping.push', 'MA-1'))?.id, 'a shipping push by its order').toBe('q1');
        expect(await queue.find('shipping.push', 'q1'), 'not by its id').toBeUndefined();
        expect(await queue.find('crm.batch', 'c1'), 'of its own kind only').toBeUndefined();
        const found = await queue.find('crm.contact', 'c4');
        expect(found).toEqual(contact('c4', 'crm:A', 'ann@example.com', 'Loyal'));
        found!.payload.ops = [];
        expect((await queue.find('crm.contact', 'c4'))?.payload.ops.length, 'a copy').toBe(1);
        expect(ids(await queue.ofContact('crm:A', 'ann@example.com'))).toEqual(['c1', 'c4']);
        expect(ids(await queue.ofContact('crm:B', 'ann@example.com'))).toEqual(['c2']);
        expect(await queue.ofContact('crm:A', 'nobody@example.com')).toEqual([]);
        expect([await queue.depth(), await queue.depth('crm:A'), await queue.depth('shop:Main'), await queue.depth('crm:none')]).toEqual([5, 3, 1, 0]);
      } finally {
        await again.close();
      }
    });

    it('puts a new item in front of every other, and one already queued in its own place', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      try {
        await first.repos.write(async (w) => {
          await w.queue.put(contact('c1', 'crm:A', 'ann@example.com'));
          await w.queue.put(contact('c2', 'crm:A', 'bo@example.com'));
          await w.queue.putFirst(batch('b1', 'crm:A'));
          expect(ids(await w.queue.list('crm:A')), 'read inside the unit').toEqual(['b1', 'c1', 'c2']);
        });
        await first.repos.write(async (w) => {
          await w.queue.putFirst(batch('b2', 'crm:A'));
          await w.queue.putFirst({ ...contact('c2', 'crm:A', 'bo@example.com'), attempts: 3 });
          await w.queue.put(contact('c3', 'crm:A', 'cy@example.com'));
        });
      } finally {
        await first.close();
      }
      const again = await subject.open();
      try {
        expect(ids(await again.repos.queue.list('crm:A'))).toEqual(['b2', 'b1', 'c1', 'c2', 'c3']);
        expect((await again.repos.queue.get('c2'))?.attempts, 'replaced in place').toBe(3);
      } finally {
        await again.close();
      }
    });
  });
}
