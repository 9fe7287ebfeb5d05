// The contract for the repository members the CRM and cart jobs and the work queue need (their
// block at the end of core/store/repositories.ts), run on every implementation by repositoryContract
// (contract.ts): a customer's carts, the tags added in one CRM, and the queue's unreadable items. A store holds them only when it was given them (a
// queue.json this version could not read, or a folder copied into a database), so here: none in a
// fresh store, and none made by putting and removing work. The ones a folder or a copy keeps are
// read back in test/queue/unreadable-item.spec.ts and test/postgres/copy-folder.spec.ts.
import { describe, expect, it } from 'vitest';
import type { Cart } from '../../core/model';
import type { ContractFactory } from './contract-subject';

function cart(id: string, shop: string, email: string, state: Cart['state']): Cart {
  const at = '2026-11-20T08:00:00.000Z';
  return {
    id, shop, remoteId: id, email, name: '', items: [], total: '5.00', currency: 'EUR', cartUrl: '',
    capturedAt: at, updatedAt: at, state, stateChangedAt: at, crmBlocked: false, crmChecks: {}, history: false,
  };
}

export function crmAdditionsContract(factory: ContractFactory): void {
  describe(`repository contract, the CRM's and the queue's members: ${factory.name}`, () => {
    it("a customer's carts are theirs only, in every shop and state, copies, and read the unit's own writes", async () => {
      const subject = await factory.create();
      const first = await subject.open();
      try {
        expect(await first.repos.carts.ofCustomer('ada@example.com')).toEqual([]);
        await first.repos.write(async (w) => {
          await w.carts.put(cart('Main#1', 'Main', 'ada@example.com', 'abandoned'));
          await w.carts.put(cart('Outlet#7', 'Outlet', 'ada@example.com', 'recovered'));
          await w.carts.put(cart('Main#2', 'Main', 'bo@example.com', 'abandoned'));
          await w.carts.put(cart('Main#3', 'Main', 'ada@example.com', 'capturing'));
          await w.carts.remove('Main#3');
          expect((await w.carts.ofCustomer('ada@example.com')).map((c) => c.id).sort()).toEqual(['Main#1', 'Outlet#7']);
        });
      } finally {
        await first.close();
      }
      const again = await subject.open();
      try {
        const found = await again.repos.carts.ofCustomer('ada@example.com');
        expect(found.map((c) => c.id).sort()).toEqual(['Main#1', 'Outlet#7']);
        found[0]!.state = 'lost';
        expect((await again.repos.carts.ofCustomer('ada@example.com')).map((c) => c.state).sort(), 'a copy').toEqual(['abandoned', 'recovered']);
        expect(await again.repos.carts.ofCustomer('nobody@example.com')).toEqual([]);
      } finally {
        await again.close();
      }
    });

    it('the keys that added tags in one CRM are all there, and none of another CRM, however the name reads in a pattern', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      const keys = {
        mine: ['rule:a|order:Main#1|AC_1|ann@example.com|Customer|add', 'rule:b|cart:Main#2|abandoned|AC_1|bo@example.com|Cart left|add'],
        // A remove, another CRM whose name the first one's would match as a pattern (`_` is any one character), a shipment.
        others: ['rule:a|order:Main#1|AC_1|ann@example.com|Loyal|remove', 'rule:a|order:Main#1|ACx1|ann@example.com|Customer|add', 'rule:c|order:Main#3|50%|cy@example.com|VIP|add', 'ship:Main#1'],
      };
      try {
        await first.repos.write(async (w) => {
          for (const key of [...keys.mine, ...keys.others]) await w.crmLedger.markDone(key, '2026-11-20T09:00:00.000Z');
        });
      } finally {
        await first.close();
      }
      const again = await subject.open();
      try {
        const found = await again.repos.crmLedger.addedKeys('AC_1');
        for (const key of keys.mine) expect(found).toContain(key);
        expect(found.filter((k) => !keys.mine.includes(k)), 'keys the caller would have to read past').toEqual([]);
        expect(await again.repos.crmLedger.addedKeys('50%')).toEqual(['rule:c|order:Main#3|50%|cy@example.com|VIP|add']);
        expect(await again.repos.crmLedger.addedKeys('Mailchimp')).toEqual([]);
      } finally {
        await again.close();
      }
    });

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
