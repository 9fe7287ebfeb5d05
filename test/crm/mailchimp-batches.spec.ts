import { afterEach, describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../core/platforms/crm-types';
import { PlatformError } from '../../core/platforms/errors';
import type { MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { closeCrmWorlds, copyConnector, openCrmWorld } from '../helpers/crm-world';

afterEach(closeCrmWorlds);

async function setup(contacts: number, wrap?: (real: CrmConnector) => CrmConnector) {
  const w = await openCrmWorld({ platform: 'mailchimp', wrap });
  await w.world.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
  const emails = Array.from({ length: contacts }, (_, i) => `c${i}@example.com`);
  const orders = emails.map((email) => w.shop.addOrder({ status: 'processing', email }));
  return { ...w, mc: w.mc!, emails, orders };
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
    const wrap = (real: CrmConnector): CrmConnector => {
      const batches = real.batches!;
      return copyConnector(real, {
        batches: {
          ...batches,
          async submit(operations) {
            const answer = await batches.submit(operations);
            if (!loseAnswer) return answer;
            loseAnswer = false;
            throw new PlatformError('network', 'Could not reach Mailchimp (ECONNRESET: socket hang up) after retrying.');
          },
        },
      });
    };
    const { clock, emails, sync, mc } = await setup(12, wrap);
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
