// ActiveCampaign: a tag applied, then the process dies before the ledger records it. The crash is
// simulated at that exact point, without a kill: the folder is copied as it is on disk the moment
// the practice account has answered, and the next "process" opens that copy. Whatever way the
// restart sends the contact (one by one or in a bulk import), the tag must not be sent again.
import { cpSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { EventBus } from '../../core/runtime/events';
import { WorkQueue } from '../../core/runtime/queue';
import type { JobContext } from '../../core/jobs/context';
import { enqueueTagEvents, recordOrderForContact, runCrm } from '../../core/jobs/crm';
import { orderEvents } from '../../core/jobs/crm-events';
import type { CrmConnection, Order, Rule } from '../../core/model';
import { createActiveCampaignConnector } from '../../core/platforms/activecampaign/connector';
import type { CrmConnector } from '../../core/platforms/crm-types';
import { PlatformError } from '../../core/platforms/errors';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { removeTempDirs, tempDir } from '../helpers';
import { drive, nothingInFlight, pacerClock } from '../helpers/drive';

let ac: ActiveCampaignSandbox | undefined;
afterEach(async () => {
  await ac?.close();
  ac = undefined;
  await removeTempDirs();
});

const RULES: Rule[] = [{ id: 'customer', trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'], removeTags: [], createdAt: '2026-03-01T00:00:00.000Z' }];

/** The process is gone: nothing after this point happens in it. */
class Crash extends Error {}

let orderNumber = 0;
function order(email: string): Order {
  const n = ++orderNumber;
  const at = new Date(Date.UTC(2026, 2, 1, 0, n)).toISOString();
  return {
    shop: 'Main', remoteId: String(n), number: `WO:${n}`, remoteNumber: String(n), status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email, firstName: 'Pat', lastName: 'Lee', phone: '', company: '' },
    lines: [{ lineId: `${n}-1`, sku: 'MUG', name: 'Mug', quantity: 1, refundedQuantity: 0, productId: '1', total: '10.00' }],
    meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

async function open(dir: string, clock: FakeClock, crm: CrmConnection): Promise<JobContext> {
  const store = await openStore(dir);
  if (!store.main.data.crms.length) store.main.data.crms.push(crm);
  const repos = jsonRepositories(store);
  return { repos, store, clock, events: new EventBus(), queue: new WorkQueue(store, clock, repos), stockItems: new Map(), hooks: {}, shop: () => Promise.reject(new Error('no shops here')) };
}

function deliver(ctx: JobContext, o: Order): void {
  recordOrderForContact(ctx, o);
  enqueueTagEvents(ctx, orderEvents(RULES, undefined, o));
}

/** How often each contact was sent the tag Customer: by POST /contactTags or inside an import. */
function customerSends(sandbox: ActiveCampaignSandbox): Map<string, number> {
  const tag = [...sandbox.state.tags.values()].find((t) => t.tag === 'Customer');
  const byEmail = new Map<string, number>();
  for (const a of sandbox.state.applications) {
    if (a.tag !== tag?.id) continue;
    const email = sandbox.state.contacts.get(a.contact)!.email;
    byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
  }
  return byEmail;
}

describe('ActiveCampaign: killed after a tag was applied and before its record', () => {
  it('the restart does not send that tag again, not even inside a bulk import', async () => {
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    ac = await startActiveCampaignSandbox({ now: () => clock.now().getTime() });
    const crm: CrmConnection = { name: 'AC', platform: 'activecampaign', url: ac.accountUrl, secretRef: 'crm:AC', addedAt: '2026-01-01T00:00:00Z' };
    const real = createActiveCampaignConnector({ url: ac.accountUrl, key: ac.key, allowHttp: true, limits: { retries: 0 }, clock: pacerClock(clock) });
    const dir = await tempDir('br-crm-crash-tag-');
    let onDisk: string | undefined;
    const first = 'first@example.com';
    const crashing = 'crashing@example.com';
    // The first contact's tag request fails for a passing reason (it waits its back-off); the next
    // one's reaches the account, and the process dies before anything more is written.
    let failedOnce = false;
    const connector: CrmConnector = {
      ...real,
      async applyTagChanges(changes) {
        const email = changes[0]?.ref.email;
        if (email === first && !failedOnce && (failedOnce = true)) return { batched: 0, individually: 0, failed: [{ index: 0, error: new PlatformError('transient', 'try again later') }] };
        const result = await real.applyTagChanges(changes);
        if (email === crashing && !onDisk) {
          onDisk = `${dir}-on-disk`;
          cpSync(dir, onDisk, { recursive: true });
          throw new Crash('killed');
        }
        return result;
      },
    };
    const run = async (ctx: JobContext) => {
      // The crash is caught where it is thrown, so no rejection waits unhandled while the clock is driven.
      const outcome = await drive(clock, runCrm(ctx, crm, connector).then(() => null, (error: unknown) => error), { idle: () => nothingInFlight([real]) });
      if (outcome !== null && !(outcome instanceof Crash)) throw outcome;
    };

    let ctx = await open(dir, clock, crm);
    deliver(ctx, order(first));
    deliver(ctx, order(crashing));
    await ctx.store.queue.save();
    await run(ctx);
    expect(onDisk, 'the crash point was reached').toBeDefined();
    expect(ac.tagsOf(crashing)).toEqual(['Customer']);
    await ctx.store.flush();

    // The next process: the folder as it was on disk, and a backlog of new customers, enough for an import.
    ctx = await open(onDisk!, clock, crm);
    const backlog = Array.from({ length: 15 }, (_, i) => `backlog${i}@example.com`);
    for (const email of backlog) deliver(ctx, order(email));
    await ctx.store.queue.save();
    for (let i = 0; i < 4 && ctx.store.queue.data.items.length; i++) {
      clock.set(new Date(clock.now().getTime() + 3_600_000)); // past any back-off
      await run(ctx);
    }
    expect(ctx.store.queue.data.items, 'work left in the queue').toEqual([]);
    for (const email of [first, crashing, ...backlog]) expect(ac.tagsOf(email), email).toEqual(['Customer']);
    expect(ac.state.imports.size, 'the backlog went in an import').toBeGreaterThan(0);
    const twice = [...customerSends(ac)].filter(([, n]) => n > 1);
    expect(twice, 'contacts sent Customer more than once').toEqual([]);
    await ctx.store.flush();
  }, 120_000);

  it('a returning customer is not sent a tag they already have inside a bulk import', async () => {
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    ac = await startActiveCampaignSandbox({ now: () => clock.now().getTime() });
    const crm: CrmConnection = { name: 'AC', platform: 'activecampaign', url: ac.accountUrl, secretRef: 'crm:AC', addedAt: '2026-01-01T00:00:00Z' };
    const real = createActiveCampaignConnector({ url: ac.accountUrl, key: ac.key, allowHttp: true, limits: { retries: 0 }, clock: pacerClock(clock) });
    const ctx = await open(await tempDir('br-crm-returning-'), clock, crm);
    const run = () => drive(clock, runCrm(ctx, crm, real), { idle: () => nothingInFlight([real]) });
    const emails = Array.from({ length: 15 }, (_, i) => `returning${i}@example.com`);
    for (const email of emails) deliver(ctx, order(email));
    await run();
    // Each comes back with a second order: a new event that earns Customer again, which they have.
    for (const email of emails) deliver(ctx, order(email));
    await run();
    expect(ctx.store.queue.data.items, 'work left in the queue').toEqual([]);
    for (const email of emails) expect(ac.fieldsOf(email), email).toBeDefined();
    const twice = [...customerSends(ac)].filter(([, n]) => n > 1);
    expect(twice, 'contacts sent Customer more than once').toEqual([]);
    await ctx.store.flush();
  }, 120_000);
});
