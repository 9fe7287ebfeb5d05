// Orders pulled while the CRM job is sending a contact: the order pull and the CRM job run side by
// side (timed pulls, Sync now, passes), so a contact's new order can arrive after its fields were
// put into a request and before that request is settled. The CRM must still end with every tag the
// orders earn and with the order count and total spent the orders imply. Kill-free: the new order is
// pulled from inside the CRM call, at exactly the moment a race would deliver it.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import type { CrmConnectorFactory } from '../../core/engine/engine';
import type { CrmConnector } from '../../core/platforms/crm-types';
import { orderTotal, type OrderRecord } from '../../sandbox/woocommerce/state';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { removeTempDirs } from '../helpers';
import { openWorld, quickCrmFactory, type World } from '../sync/world';

let world: World | undefined;
let mc: MailchimpSandbox | undefined;
afterEach(async () => {
  await world?.close();
  await mc?.close();
  world = undefined;
  mc = undefined;
  await removeTempDirs();
});

const FIELDS = { orderCount: 'ORDER_COUNT', totalSpent: 'TOTAL_SPENT' };

/** Moves the engine clock on while `work` runs, so polls of bulk calls (timed on that clock) proceed. */
async function drive<T>(clock: FakeClock, work: Promise<T>): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    await clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return result;
}

type Step = 'upsertContact' | 'importFit' | 'importSubmit';

/**
 * CRM connectors that are the real ones, except that at `step` (once, when armed) they first run
 * `during` — the order pull that lands in the middle of the CRM's work.
 */
function racingFactory(step: Step, during: () => Promise<void>): { factory: CrmConnectorFactory; arm: () => void; fired: () => boolean } {
  let armed = false;
  let fired = false;
  const once = async () => {
    if (!armed) return;
    armed = false;
    fired = true;
    await during();
  };
  const factory: CrmConnectorFactory = async (crm, credentials) => {
    const real = await quickCrmFactory(crm, credentials);
    const imports = real.imports && {
      ...real.imports,
      fit: async (contacts: Parameters<NonNullable<CrmConnector['imports']>['fit']>[0]) => {
        if (step === 'importFit') await once();
        return real.imports!.fit(contacts);
      },
      submit: async (contacts: Parameters<NonNullable<CrmConnector['imports']>['submit']>[0]) => {
        if (step === 'importSubmit') await once();
        return real.imports!.submit(contacts);
      },
    };
    return {
      ...real,
      stats: real.stats,
      limits: real.limits,
      imports,
      upsertContact: async (input) => {
        if (step === 'upsertContact') await once();
        return real.upsertContact(input);
      },
    } satisfies CrmConnector;
  };
  return { factory, arm: () => (armed = true), fired: () => fired };
}

async function setup(step: Step, crmPlatform: 'activecampaign' | 'mailchimp') {
  const clock = new FakeClock('2026-05-04T09:00:00Z');
  let pullDuring: () => Promise<void> = () => Promise.resolve();
  const race = racingFactory(step, () => pullDuring());
  world = await openWorld({ clock, crms: crmPlatform === 'activecampaign' ? ['AC'] : [], crmFactory: race.factory, shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
  const api = world.host.client;
  if (crmPlatform === 'mailchimp') {
    mc = await startMailchimpSandbox();
    mc.addMergeField(FIELDS.orderCount, 'Order count');
    mc.addMergeField(FIELDS.totalSpent, 'Total spent');
    await api.call('crm.add', { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
  } else {
    const ac = world.crms.get('AC')!;
    ac.addField('Order count', FIELDS.orderCount);
    ac.addField('Total spent', FIELDS.totalSpent);
  }
  await api.call('settings.update', { crmFields: FIELDS });
  await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
  await api.call('rules.add', { trigger: { kind: 'product', sku: 'SKU-00002' }, applyTags: ['Bought SKU-00002'] });
  const shop = world.shops.get('Main')!;
  const w = world;
  const run = (job?: 'orders' | 'crm') => drive(clock, w.host.client.call('sync.run', job ? { job } : {}));
  const setDuring = (fn: () => Promise<void>) => (pullDuring = fn);
  const pullNow = () => w.host.ctx.engine.run('orders', 'Main').then(() => undefined);
  const crm = {
    tagsOf: (email: string) => (mc ? mc.tagsOf(email) : w.crms.get('AC')!.tagsOf(email).sort()),
    fieldsOf: (email: string) => (mc ? (mc.member(email)?.mergeFields ?? {}) : w.crms.get('AC')!.fieldsOf(email)),
  };
  return { clock, shop, run, race, setDuring, pullNow, crm };
}

const totals = (orders: OrderRecord[]) => (orders.reduce((sum, o) => sum + Math.round(Number(orderTotal(o)) * 100), 0) / 100).toFixed(2);

describe('orders pulled while the CRM job is sending their contact', () => {
  it('one by one: the contact ends with the order count and total spent of every order (ActiveCampaign)', async () => {
    const { shop, run, race, setDuring, pullNow, crm } = await setup('upsertContact', 'activecampaign');
    const first = shop.addOrder({ status: 'processing', email: 'ann@example.com', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await run('orders');
    let second: ReturnType<typeof shop.addOrder> | undefined;
    setDuring(async () => {
      second = shop.addOrder({ status: 'processing', email: 'ann@example.com', lines: [{ sku: 'SKU-00002', quantity: 2 }] });
      await pullNow();
    });
    race.arm();
    await run('crm');
    expect(race.fired()).toBe(true);
    // Later passes with nothing new must bring the CRM level with the orders.
    await run();
    await run();
    expect(crm.tagsOf('ann@example.com')).toEqual(['Bought SKU-00002', 'Customer']);
    expect(crm.fieldsOf('ann@example.com')).toMatchObject({ ORDER_COUNT: '2', TOTAL_SPENT: totals([first, second!]) });
  }, 60_000);

  for (const step of ['importFit', 'importSubmit'] as const) {
    it(`bulk import (order pulled at ${step}): every contact ends with all its tags and exact totals (ActiveCampaign)`, async () => {
      const { shop, run, race, setDuring, pullNow, crm } = await setup(step, 'activecampaign');
      const emails = Array.from({ length: 14 }, (_, i) => `imp${i}@example.com`);
      const orders = new Map(emails.map((email) => [email, [shop.addOrder({ status: 'processing', email, lines: [{ sku: 'SKU-00001', quantity: 1 }] })]]));
      await run('orders');
      setDuring(async () => {
        for (const email of emails.slice(2, 6)) orders.get(email)!.push(shop.addOrder({ status: 'processing', email, lines: [{ sku: 'SKU-00002', quantity: 1 }] }));
        await pullNow();
      });
      race.arm();
      await run('crm');
      expect(race.fired()).toBe(true);
      await run();
      await run();
      for (const email of emails) {
        const bought = orders.get(email)!.length > 1;
        expect(crm.tagsOf(email), email).toEqual(bought ? ['Bought SKU-00002', 'Customer'] : ['Customer']);
        expect(crm.fieldsOf(email), email).toMatchObject({ ORDER_COUNT: String(orders.get(email)!.length), TOTAL_SPENT: totals(orders.get(email)!) });
      }
    }, 90_000);
  }

  it('bulk upsert through /batches: every member ends with all its tags and exact totals (Mailchimp)', async () => {
    const { shop, run, race, setDuring, pullNow, crm } = await setup('importSubmit', 'mailchimp');
    const emails = Array.from({ length: 60 }, (_, i) => `mc${i}@example.com`);
    const orders = new Map(emails.map((email) => [email, [shop.addOrder({ status: 'processing', email, lines: [{ sku: 'SKU-00001', quantity: 1 }] })]]));
    await run('orders');
    setDuring(async () => {
      for (const email of emails.slice(5, 10)) orders.get(email)!.push(shop.addOrder({ status: 'processing', email, lines: [{ sku: 'SKU-00002', quantity: 1 }] }));
      await pullNow();
    });
    race.arm();
    await run('crm');
    expect(race.fired()).toBe(true);
    await run();
    await run();
    for (const email of emails) {
      const bought = orders.get(email)!.length > 1;
      expect(crm.tagsOf(email), email).toEqual(bought ? ['Bought SKU-00002', 'Customer'] : ['Customer']);
      expect(crm.fieldsOf(email), email).toMatchObject({ ORDER_COUNT: String(orders.get(email)!.length), TOTAL_SPENT: totals(orders.get(email)!) });
    }
  }, 90_000);
});
