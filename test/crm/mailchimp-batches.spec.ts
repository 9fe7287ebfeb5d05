import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import type { CrmConnectorFactory } from '../../core/engine/engine';
import { PlatformError } from '../../core/platforms/errors';
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

/** Moves the engine clock on while `work` runs, so batch polling (timed on that clock) proceeds without real waits. */
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

async function setup(contacts: number, crmFactory?: CrmConnectorFactory) {
  const clock = new FakeClock('2026-05-04T09:00:00Z');
  mc = await startMailchimpSandbox();
  world = await openWorld({ clock, crmFactory, shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
  const api = world.host.client;
  await api.call('crm.add', { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
  await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
  const shop = world.shops.get('Main')!;
  const emails = Array.from({ length: contacts }, (_, i) => `c${i}@example.com`);
  const orders = emails.map((email) => shop.addOrder({ status: 'processing', email }));
  const sync = async () => (await drive(clock, world!.host.client.call('sync.run', {}))).summaries.find((s) => s.job === 'crm')!;
  return { clock, api, shop, emails, orders, sync, mc: mc! };
}

const batchSubmits = (sandbox: MailchimpSandbox) => sandbox.log.filter((l) => l.method === 'POST' && l.path === '/3.0/batches').length;

describe('Mailchimp batches', () => {
  it('retries only the failed operation of a batch; the changes that succeeded are not made again', async () => {
    const { clock, emails, sync, mc } = await setup(12);
    mc.failNextBatch(1);
    const first = await sync();
    expect(first.errors).toBe(1);
    const failed = emails.filter((e) => mc.tagsOf(e).length === 0);
    expect(failed).toHaveLength(1);

    clock.set('2026-05-04T09:05:00Z'); // past the retry back-off
    const second = await sync();
    expect(second.errors).toBe(0);
    for (const email of emails) {
      expect(mc.tagsOf(email)).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
    expect(batchSubmits(mc)).toBe(1);
  });

  it('leaves a slow batch running and polls it in the next runs, never redoing it; a removal queued meanwhile waits behind it', async () => {
    const { clock, shop, emails, orders, sync, mc } = await setup(12);
    mc.holdBatches(true);
    const first = await sync();
    expect(first.counts.batchRunning).toBe(1);
    expect(emails.every((e) => mc.tagsOf(e).length === 0)).toBe(true);

    // The first customer cancels while the batch that tags them still runs: the tag must end up removed.
    clock.set('2026-05-04T10:00:00Z');
    shop.state.cancelOrder(orders[0]!.id);
    const second = await sync();
    expect(second.counts.batchRunning).toBe(1);
    expect(mc.tagSetCount(emails[0]!, 'Customer', 'inactive')).toBe(0);

    mc.holdBatches(false);
    clock.set('2026-05-04T10:30:00Z');
    const third = await sync();
    expect(third.errors).toBe(0);
    expect(batchSubmits(mc)).toBe(1);
    expect(mc.tagsOf(emails[0]!)).toEqual([]);
    expect(mc.tagSetCount(emails[0]!, 'Customer', 'inactive')).toBe(1);
    for (const email of emails.slice(1)) {
      expect(mc.tagsOf(email)).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
  });

  it('finds a batch whose submit answer was lost and polls it, instead of submitting it again', async () => {
    let loseAnswer = true;
    // The real connector, except that the first batch submit reaches Mailchimp but its answer is lost.
    const factory: CrmConnectorFactory = async (crm, credentials) => {
      const real = await quickCrmFactory(crm, credentials);
      const batches = real.batches!;
      return {
        ...real,
        stats: real.stats,
        limits: real.limits,
        batches: {
          ...batches,
          async submit(operations) {
            const answer = await batches.submit(operations);
            if (!loseAnswer) return answer;
            loseAnswer = false;
            throw new PlatformError('network', 'Could not reach Mailchimp (ECONNRESET: socket hang up) after retrying.');
          },
        },
      };
    };
    const { clock, emails, sync, mc } = await setup(12, factory);
    const first = await sync();
    expect(first.errors).toBe(1);
    clock.set('2026-05-04T09:05:00Z');
    const second = await sync();
    expect(second.errors).toBe(0);
    // Settled from the batch's own results, not by reading each contact again.
    expect(second.counts.batched).toBe(12);
    expect(batchSubmits(mc)).toBe(1);
    for (const email of emails) {
      expect(mc.tagsOf(email)).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
  });
});
