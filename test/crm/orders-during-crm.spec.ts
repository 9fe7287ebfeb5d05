// Orders pulled while the CRM job is sending a contact: the order pull and the CRM job run side by
// side (timed pulls, Sync now, passes), so a contact's new order can arrive after its fields were
// put into a request and before that request is settled. The CRM must still end with every tag the
// orders earn and with the order count and total spent the orders imply. Kill-free: the new order is
// pulled from inside the CRM call, at exactly the moment a race would deliver it.
import { afterEach, describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../core/platforms/crm-types';
import { orderTotal, type OrderRecord } from '../../sandbox/woocommerce/state';
import { closeCrmWorlds, copyConnector, openCrmWorld, type CrmPlatform } from '../helpers/crm-world';

afterEach(closeCrmWorlds);

const FIELDS = { orderCount: 'ORDER_COUNT', totalSpent: 'TOTAL_SPENT' };

type Step = 'upsertContact' | 'importFit' | 'importSubmit';
type Imports = NonNullable<CrmConnector['imports']>;

/**
 * The real connector, except that at `step` (once, when armed) it first runs `during` — the order
 * pull that lands in the middle of the CRM's work.
 */
function racing(step: Step, during: () => Promise<void>) {
  let armed = false;
  let fired = false;
  const once = async () => {
    if (!armed) return;
    armed = false;
    fired = true;
    await during();
  };
  const wrap = (real: CrmConnector): CrmConnector => {
    const imports = real.imports && {
      ...real.imports,
      fit: async (contacts: Parameters<Imports['fit']>[0]) => {
        if (step === 'importFit') await once();
        return real.imports!.fit(contacts);
      },
      submit: async (contacts: Parameters<Imports['submit']>[0]) => {
        if (step === 'importSubmit') await once();
        return real.imports!.submit(contacts);
      },
    };
    return copyConnector(real, {
      imports,
      upsertContact: async (input) => {
        if (step === 'upsertContact') await once();
        return real.upsertContact(input);
      },
    });
  };
  return { wrap, arm: () => (armed = true), fired: () => fired };
}

const totals = (orders: OrderRecord[]) => (orders.reduce((sum, o) => sum + Math.round(Number(orderTotal(o)) * 100), 0) / 100).toFixed(2);

interface RaceCase {
  step: Step;
  platform: CrmPlatform;
  /** Customers, each with a first order of SKU-00001. */
  emails: string[];
  /** Those whose second order (`quantity` × SKU-00002) is pulled in the middle of the CRM call. */
  racing: string[];
  quantity: number;
}

/**
 * Pulls every first order, then runs the CRM job with the second orders pulled from inside the
 * CRM call at `step`; after two more passes with nothing new, every contact must carry all the
 * tags its orders earn and the exact order count and total spent.
 */
async function raceOrdersWithCrm(c: RaceCase): Promise<void> {
  let during: () => Promise<void> = () => Promise.resolve();
  const race = racing(c.step, () => during());
  const { world, shop, run, ac, mc } = await openCrmWorld({ platform: c.platform, wrap: race.wrap });
  const api = world.host.client;
  if (ac) {
    ac.addField('Order count', FIELDS.orderCount);
    ac.addField('Total spent', FIELDS.totalSpent);
  } else {
    mc!.addMergeField(FIELDS.orderCount, 'Order count');
    mc!.addMergeField(FIELDS.totalSpent, 'Total spent');
  }
  await api.call('settings.update', { crmFields: FIELDS });
  await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
  await api.call('rules.add', { trigger: { kind: 'product', sku: 'SKU-00002' }, applyTags: ['Bought SKU-00002'] });
  const tagsOf = (email: string) => (mc ? mc.tagsOf(email) : ac!.tagsOf(email).sort());
  const fieldsOf = (email: string) => (mc ? (mc.member(email)?.mergeFields ?? {}) : ac!.fieldsOf(email));

  const orders = new Map(c.emails.map((email) => [email, [shop.addOrder({ status: 'processing', email, lines: [{ sku: 'SKU-00001', quantity: 1 }] })]]));
  await run('orders');
  during = async () => {
    for (const email of c.racing) orders.get(email)!.push(shop.addOrder({ status: 'processing', email, lines: [{ sku: 'SKU-00002', quantity: c.quantity }] }));
    await world.host.ctx.engine.run('orders', 'Main');
  };
  race.arm();
  await run('crm');
  expect(race.fired()).toBe(true);
  // Later passes with nothing new must bring the CRM level with the orders.
  await run();
  await run();
  for (const email of c.emails) {
    const bought = orders.get(email)!.length > 1;
    expect(tagsOf(email), email).toEqual(bought ? ['Bought SKU-00002', 'Customer'] : ['Customer']);
    expect(fieldsOf(email), email).toMatchObject({ ORDER_COUNT: String(orders.get(email)!.length), TOTAL_SPENT: totals(orders.get(email)!) });
  }
}

const customers = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);

describe('orders pulled while the CRM job is sending their contact', () => {
  it('one by one: the contact ends with the order count and total spent of every order (ActiveCampaign)', async () => {
    await raceOrdersWithCrm({ step: 'upsertContact', platform: 'activecampaign', emails: ['ann@example.com'], racing: ['ann@example.com'], quantity: 2 });
  });

  for (const step of ['importFit', 'importSubmit'] as const) {
    it(`bulk import (order pulled at ${step}): every contact ends with all its tags and exact totals (ActiveCampaign)`, async () => {
      const emails = customers('imp', 14);
      await raceOrdersWithCrm({ step, platform: 'activecampaign', emails, racing: emails.slice(2, 6), quantity: 1 });
    });
  }

  it('bulk upsert through /batches: every member ends with all its tags and exact totals (Mailchimp)', async () => {
    const emails = customers('mc', 60);
    await raceOrdersWithCrm({ step: 'importSubmit', platform: 'mailchimp', emails, racing: emails.slice(5, 10), quantity: 1 });
  });
});
