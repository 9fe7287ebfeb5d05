// Property: after any interleaving of orders, CRM runs, failures, lost answers, orders that arrive
// while a contact is being sent, and crashes (in-memory state dropped, the store reopened from what
// was on disk at that instant, at a random step or in the middle of a CRM call), the CRM converges
// to exactly what the orders imply:
//   - every contact carries every tag its orders earn, each applied exactly once;
//   - its order count and total spent equal those of its distinct orders.
// Run against two in-memory CRMs shaped like the real ones: one whose bulk import applies tags
// (ActiveCampaign) and one with member upserts and tag changes in batches (Mailchimp).
import { cpSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { EventBus } from '../../core/runtime/events';
import { WorkQueue } from '../../core/runtime/queue';
import type { JobContext } from '../../core/jobs/context';
import { enqueueTagEvents, recordOrderForContact, runCrm } from '../../core/jobs/crm';
import { orderEvents } from '../../core/jobs/crm-events';
import { orderKey, type CrmConnection, type Order, type Rule } from '../../core/model';
import type { CrmBatchOperation, CrmConnector, CrmImportContact, CrmImportOutcome, CrmTagChange, CrmUpsertResult } from '../../core/platforms/crm-types';
import { PlatformError } from '../../core/platforms/errors';
import { openStore, type Store } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { runsWith } from '../property/seed';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const EMAILS = ['ann@example.com', 'bo@example.com', 'cy@example.com', 'di@example.com', 'ed@example.com'];
const SKUS = ['MUG', 'CAP', 'PLAIN'];
const TAGGED: Record<string, string> = { MUG: 'Bought MUG', CAP: 'Bought CAP' };
const FIELDS = { orderCount: 'ORDER_COUNT', totalSpent: 'TOTAL_SPENT' };
const rule = (id: string, trigger: Rule['trigger'], applyTags: string[]): Rule => ({ id, trigger, applyTags, removeTags: [], createdAt: '2026-03-01T00:00:00.000Z' });
const RULES: Rule[] = [
  rule('customer', { kind: 'order-status', statuses: ['processing'] }, ['Customer']),
  rule('mug', { kind: 'product', sku: 'MUG' }, [TAGGED.MUG!]),
  rule('cap', { kind: 'product', sku: 'CAP' }, [TAGGED.CAP!]),
];

/** A crash inside a CRM call: the process is gone, nothing after this point happens in it. */
class Crash extends Error {}

type Interrupt =
  | { kind: 'order'; order: Order }
  | { kind: 'crash'; afterEffect: boolean }
  | { kind: 'fail' }
  | { kind: 'loseAnswer' };

/** What happens inside the next CRM calls, in turn: a call may take the first interrupt waiting for it. */
interface Interrupts {
  waiting: { skip: number; interrupt: Interrupt }[];
  deliver(order: Order): void;
  crash(): never;
}

type Flavour = 'import-applies-tags' | 'batches';

/** An in-memory CRM that keeps contacts' fields and tags and counts every tag added to a contact. */
function fakeCrm(flavour: Flavour, interrupts: Interrupts) {
  const contacts = new Map<string, { fields: Record<string, string>; tags: Set<string> }>();
  const adds = new Map<string, number>();
  const jobs = new Map<string, { results: Map<string, CrmImportOutcome> }>();
  const batches = new Map<string, { ops: CrmBatchOperation[]; failed: Set<string> }>();
  let seq = 0;
  const contact = (email: string) => {
    const c = contacts.get(email) ?? { fields: {}, tags: new Set<string>() };
    contacts.set(email, c);
    return c;
  };
  const upsert = (input: { email: string; fields?: Record<string, string> }) => Object.assign(contact(input.email).fields, input.fields ?? {});
  /**
   * Every tag sent is counted, also one the contact already has: ActiveCampaign answers such an add
   * (one by one or in an import) with the link it has, but the promise is that a tag is sent once,
   * and a repeat after a crash is how a tag removed meanwhile would come back.
   */
  const apply = (change: CrmTagChange) => {
    const c = contact(change.ref.email);
    for (const t of change.apply) {
      adds.set(`${change.ref.email}|${t}`, (adds.get(`${change.ref.email}|${t}`) ?? 0) + 1);
      c.tags.add(t);
    }
    for (const t of change.remove) c.tags.delete(t);
  };
  /**
   * One remote call: first whatever interrupt is due (an order pulled meanwhile, a failure, a crash
   * before or after the CRM acted, an answer lost after it acted), then the call's effect.
   */
  async function call<T>(remote: boolean, effect: () => T): Promise<T> {
    await Promise.resolve();
    const next = interrupts.waiting[0];
    if (next && next.skip > 0) next.skip--;
    else if (next && (remote || next.interrupt.kind === 'order' || next.interrupt.kind === 'crash')) {
      interrupts.waiting.shift();
      const i = next.interrupt;
      if (i.kind === 'order') interrupts.deliver(i.order);
      else if (i.kind === 'fail') throw new PlatformError('transient', 'try again later');
      else if (i.kind === 'crash' && !i.afterEffect) interrupts.crash();
      else {
        effect();
        if (i.kind === 'crash') interrupts.crash();
        throw new PlatformError('network', 'the answer was lost');
      }
    }
    return effect();
  }
  // Mailchimp's answer carries the member's tags; ActiveCampaign's says only whether it created the contact.
  const upsertResult = (email: string, existed: boolean): CrmUpsertResult =>
    flavour === 'batches' ? { ref: { id: email, email }, status: 'subscribed', tags: [...contact(email).tags], unknownFields: [] } : { ref: { id: email, email }, status: 'subscribed', created: !existed, unknownFields: [] };
  const connector: CrmConnector = {
    platform: flavour === 'batches' ? 'mailchimp' : 'activecampaign',
    limits: { concurrency: 1, batchSize: 500, batchThreshold: flavour === 'batches' ? 2 : 0 },
    stats: { requests: 0, retries: 0 },
    test: () => Promise.resolve({ ok: true, platform: 'mailchimp', account: 'fake' }),
    upsertContact: (input) => call(true, () => {
      const existed = contacts.has(input.email);
      upsert(input);
      return upsertResult(input.email, existed);
    }),
    getContact: (email) => call(true, () => (contacts.has(email) ? { ref: { id: email, email }, status: 'subscribed' as const, tags: [...contact(email).tags] } : null)),
    applyTags: (ref, t) => call(true, () => apply({ ref, apply: t, remove: [] })),
    removeTags: (ref, t) => call(true, () => apply({ ref, apply: [], remove: t })),
    // As the real connectors do, a failed change is reported by its index rather than thrown (a crash still ends the process).
    applyTagChanges: (changes) => call(true, () => {
      changes.forEach((c) => apply(c));
      return { batched: 0, individually: changes.length, failed: [] };
    }).catch((error: unknown) => {
      if (!(error instanceof PlatformError)) throw error;
      return { batched: 0, individually: 0, failed: changes.map((_, index) => ({ index, error })) };
    }),
    imports: {
      maxContacts: 50,
      minContacts: 3,
      appliesTags: flavour === 'import-applies-tags',
      reportsStatus: flavour === 'batches',
      fit: (list) => call(false, () => list.length),
      submit: (list: CrmImportContact[]) => call(true, () => {
        const batchId = `import${seq++}`;
        const results = new Map<string, CrmImportOutcome>();
        for (const c of list) {
          upsert(c.input);
          if (flavour === 'import-applies-tags') apply({ ref: { id: c.input.email, email: c.input.email }, apply: c.tags, remove: [] });
          results.set(c.operationId, flavour === 'batches' ? { ok: true, result: upsertResult(c.input.email, true) } : { ok: true });
        }
        jobs.set(batchId, { results });
        return { batchId, unknownFields: [] };
      }),
      progress: (batchId) => call(false, () => ({ state: 'finished' as const, results: jobs.get(batchId)!.results })),
    },
    batches: flavour !== 'batches' ? undefined : {
      submit: (operations) => call(true, () => {
        const batchId = `batch${seq++}`;
        for (const o of operations) apply(o.change);
        batches.set(batchId, { ops: operations, failed: new Set() });
        return { batchId };
      }),
      find: (_since, ids) => call(false, () => {
        for (const [id, b] of batches) if (b.ops.length === ids.length && ids.every((x) => b.ops.some((o) => o.operationId === x))) return id;
        return null;
      }),
      progress: (batchId, ids) => call(false, () => ({ state: 'finished' as const, failed: new Map<string, PlatformError>(), succeeded: new Set(ids.filter(() => batches.has(batchId))) })),
    },
  };
  return { connector, contacts, adds };
}

const CRM: CrmConnection = { name: 'Fake', platform: 'mailchimp', listId: 'l1', secretRef: 'crm:Fake', addedAt: '2026-01-01T00:00:00Z' };

async function contextFor(dir: string, clock: FakeClock): Promise<{ ctx: JobContext; store: Store }> {
  const store = await openStore(dir);
  if (!store.main.data.crms.length) store.main.data.crms.push(CRM);
  store.main.data.settings.crmFields = FIELDS;
  const repos = jsonRepositories(store);
  const ctx: JobContext = { repos, store, clock, events: new EventBus(), queue: new WorkQueue(store, clock, repos), stockItems: new Map(), hooks: {}, shop: () => Promise.reject(new Error('no shops here')) };
  return { ctx, store };
}

function makeOrder(n: number, email: string, sku: string, cents: number): Order {
  const at = new Date(Date.UTC(2026, 2, 1, 0, n)).toISOString();
  const total = (cents / 100).toFixed(2);
  return {
    shop: 'Main', remoteId: String(n), number: `WO:${n}`, remoteNumber: String(n), status: 'processing', currency: 'EUR', total,
    customer: { email, firstName: 'Pat', lastName: 'Lee', phone: '', company: '' },
    lines: [{ lineId: `${n}-1`, sku, name: sku, quantity: 1, refundedQuantity: 0, productId: '1', total }],
    meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

const newOrder = fc.record({ customer: fc.nat(EMAILS.length - 1), sku: fc.nat(SKUS.length - 1), cents: fc.integer({ min: 100, max: 99_999 }) });
type Step =
  | { kind: 'order'; customer: number; sku: number; cents: number }
  | { kind: 'run' }
  /** An order from every customer at once: a backlog big enough for a bulk import, returning customers included. */
  | { kind: 'burst'; sku: number }
  | { kind: 'crash' }
  | { kind: 'during'; skip: number; what: 'order' | 'crashBefore' | 'crashAfter' | 'fail' | 'loseAnswer'; order: { customer: number; sku: number; cents: number } };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: newOrder.map((o) => ({ kind: 'order' as const, ...o })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'run' as const }) },
  { weight: 1, arbitrary: fc.nat(SKUS.length - 1).map((sku) => ({ kind: 'burst' as const, sku })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('during' as const), skip: fc.nat(4), what: fc.constantFrom('order' as const, 'order' as const, 'crashBefore' as const, 'crashAfter' as const, 'fail' as const, 'loseAnswer' as const), order: newOrder }) },
);

async function converges(flavour: Flavour, steps: Step[]): Promise<void> {
  let dir = await tempDir('br-converge-');
  const clock = new FakeClock('2026-03-01T00:00:00Z');
  const delivered = new Map<string, Order>();
  let crashed = false;
  let ctx!: JobContext;
  let store!: Store;
  /** The order pull as the engine does it: the order's customer totals, then its tag events. */
  const deliver = (order: Order) => {
    delivered.set(order.number, order);
    recordOrderForContact(ctx, order);
    enqueueTagEvents(ctx, orderEvents(RULES, undefined, order));
  };
  /** A kill: only what is on disk at this instant survives, copied to a fresh folder the next process opens. */
  let onDisk: string | undefined;
  const interrupts: Interrupts = {
    waiting: [],
    deliver,
    crash() {
      crashed = true;
      onDisk = `${dir}-after-crash-${delivered.size}-${Math.random().toString(36).slice(2, 8)}`;
      cpSync(dir, onDisk, { recursive: true });
      throw new Crash('killed');
    },
  };
  const crm = fakeCrm(flavour, interrupts);
  /** The restart: the store from disk, and a pull that imports again every order whose data did not reach the disk. */
  const restart = async () => {
    dir = onDisk!;
    onDisk = undefined;
    ({ ctx, store } = await contextFor(dir, clock));
    for (const order of delivered.values()) {
      const known = store.queue.data.customers[order.customer.email!]?.[orderKey(order)];
      if (!known) deliver(order);
    }
    await store.queue.save();
  };
  ({ ctx, store } = await contextFor(dir, clock));
  let n = 0;
  const orderOf = (o: { customer: number; sku: number; cents: number }) => makeOrder(++n, EMAILS[o.customer]!, SKUS[o.sku]!, o.cents);
  const run = async () => {
    clock.set(new Date(clock.now().getTime() + 3_600_000)); // past any back-off
    try {
      await runCrm(ctx, CRM, crm.connector);
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
    }
    if (crashed) {
      crashed = false;
      await restart();
    }
  };
  for (const s of steps) {
    if (s.kind === 'order') {
      deliver(orderOf(s));
      await store.checkpoint();
    } else if (s.kind === 'burst') {
      for (let c = 0; c < EMAILS.length; c++) deliver(orderOf({ customer: c, sku: s.sku, cents: 1000 + c }));
      await store.checkpoint();
    } else if (s.kind === 'run') await run();
    else if (s.kind === 'crash') {
      onDisk = `${dir}-crash-${n}`;
      cpSync(dir, onDisk, { recursive: true });
      // The dead process's writes still in flight land in its old folder, which nothing reads again.
      await store.flush();
      await restart();
    } else {
      const interrupt: Interrupt = s.what === 'order' ? { kind: 'order', order: orderOf(s.order) }
        : s.what === 'crashBefore' ? { kind: 'crash', afterEffect: false }
        : s.what === 'crashAfter' ? { kind: 'crash', afterEffect: true }
        : { kind: s.what };
      interrupts.waiting.push({ skip: s.skip, interrupt });
    }
  }
  // No more faults: the work settles.
  interrupts.waiting = [];
  for (let i = 0; i < 8 && store.queue.data.items.length; i++) await run();
  expect(store.queue.data.items, 'work left in the queue').toEqual([]);

  const truth = new Map<string, { orders: number; cents: number; tags: Set<string> }>();
  for (const order of delivered.values()) {
    const email = order.customer.email!;
    const t = truth.get(email) ?? { orders: 0, cents: 0, tags: new Set(['Customer']) };
    t.orders++;
    t.cents += Math.round(Number(order.total) * 100);
    for (const line of order.lines) if (TAGGED[line.sku]) t.tags.add(TAGGED[line.sku]!);
    truth.set(email, t);
  }
  for (const [email, want] of truth) {
    const got = crm.contacts.get(email);
    expect([...(got?.tags ?? [])].sort(), `tags of ${email}`).toEqual([...want.tags].sort());
    expect(got?.fields, `fields of ${email}`).toEqual({ ORDER_COUNT: String(want.orders), TOTAL_SPENT: (want.cents / 100).toFixed(2) });
    for (const tag of want.tags) expect(crm.adds.get(`${email}|${tag}`), `${tag} added to ${email}`).toBe(1);
  }
  expect([...crm.contacts.keys()].filter((email) => !truth.has(email)), 'contacts no order names').toEqual([]);
  await store.flush();
}

/**
 * Always tried first: a contact's tags applied one by one and the process killed before they were
 * noted, while the contact before it waits its back-off; after the restart a backlog makes an import,
 * which must not carry the killed contact's tags again (they would be sent twice).
 */
const anyOrder = { customer: 0, sku: 2, cents: 100 };
const CRASH_AFTER_TAG: Step[] = [
  { kind: 'order', customer: 0, sku: 2, cents: 100 },
  { kind: 'order', customer: 1, sku: 2, cents: 100 },
  // Calls: upsert ann (the probe), upsert bo, ann's tags (fail), bo's tags (applied, then the kill).
  { kind: 'during', skip: 2, what: 'fail', order: anyOrder },
  { kind: 'during', skip: 0, what: 'crashAfter', order: anyOrder },
  { kind: 'run' },
  { kind: 'burst', sku: 2 },
  { kind: 'run' },
];

describe('the CRM converges to what the orders imply, whatever happens in between', () => {
  for (const flavour of ['import-applies-tags', 'batches'] as const) {
    test.prop([fc.array(step, { minLength: 1, maxLength: 30 })], { ...runsWith(40), examples: [[CRASH_AFTER_TAG]] })(`${flavour}: every earned tag once, totals exact, after orders mid-send, failures, lost answers and crashes`, async (steps) => {
      await converges(flavour, steps);
    }, 120_000);
  }
});
