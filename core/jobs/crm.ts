import { clearError, raiseAlert, recordError } from '../engine/issues';
import { backoffMs } from '../engine/queue';
import type { CrmConnection } from '../model';
import type { CrmConnector, CrmContactRef, CrmTagChange } from '../platforms/crm-types';
import { PlatformError } from '../platforms/errors';
import type { QueueItem } from '../store';
import { bump, summary, type JobContext, type JobSummary } from './context';
import type { TagEvent } from './crm-events';
import { describeFailure } from './orders';

export const CRM_KIND = 'crm.contact';
export const crmLane = (crm: string) => `crm:${crm}`;
export const crmOperation = (crm: string) => ({ kind: 'crm.sync', args: { crm } });

/** One tag change for a contact, with the ledger keys it settles. */
interface TagOp {
  tag: string;
  op: 'add' | 'remove';
  keys: string[];
  fromCart: boolean;
}

/** The payload of a queued contact: who, their fields, and the tag changes waiting for them. */
interface ContactWork {
  email: string;
  contact: TagEvent['contact'];
  meta: Record<string, string>;
  ops: TagOp[];
}

const ledgerKey = (event: TagEvent, crm: string, tag: string, op: 'add' | 'remove') => `${event.key}|${crm}|${event.email}|${tag}|${op}`;

/**
 * Queues tag events for the CRMs they go to. Each contact has at most one waiting item per CRM;
 * new changes merge into it. A change already done (ledger) or already waiting is not queued
 * again, and an add and a remove of the same tag for one contact cancel out.
 */
export function enqueueTagEvents(ctx: JobContext, events: TagEvent[]): number {
  const { queue } = ctx.store;
  const crms = ctx.store.main.data.crms;
  let queued = 0;
  for (const event of events) {
    for (const crm of crms) {
      if (event.crm && event.crm !== crm.name) continue;
      const lane = crmLane(crm.name);
      let item = queue.data.items.find((i) => i.lane === lane && i.kind === CRM_KIND && (i.payload as unknown as ContactWork).email === event.email);
      const wanted: TagOp[] = [
        ...event.apply.map((tag) => ({ tag, op: 'add' as const, keys: [ledgerKey(event, crm.name, tag, 'add')], fromCart: event.fromCart })),
        ...event.remove.map((tag) => ({ tag, op: 'remove' as const, keys: [ledgerKey(event, crm.name, tag, 'remove')], fromCart: event.fromCart })),
      ].filter((op) => !ctx.queue.hasDone(op.keys[0]!));
      if (wanted.length === 0) continue;
      if (!item) {
        item = { id: `c${Math.random().toString(36).slice(2, 10)}`, lane, kind: CRM_KIND, payload: {}, enqueuedAt: ctx.clock.now().toISOString(), attempts: 0 };
        const work: ContactWork = { email: event.email, contact: event.contact, meta: event.meta ?? {}, ops: [] };
        item.payload = work as unknown as Record<string, unknown>;
        queue.data.items.push(item);
      }
      const work = item.payload as unknown as ContactWork;
      work.contact = { ...work.contact, ...Object.fromEntries(Object.entries(event.contact).filter(([, v]) => v)) };
      if (event.meta) work.meta = { ...work.meta, ...event.meta };
      for (const op of wanted) {
        if (work.ops.some((o) => o.keys.includes(op.keys[0]!))) continue;
        const same = work.ops.find((o) => o.tag === op.tag && o.op === op.op);
        const opposite = work.ops.find((o) => o.tag === op.tag && o.op !== op.op);
        if (same) same.keys.push(...op.keys);
        else if (opposite) {
          // Add then remove (or the reverse) before either reached the CRM: neither needs a request.
          work.ops = work.ops.filter((o) => o !== opposite);
          for (const key of [...opposite.keys, ...op.keys]) ctx.queue.markDone(key);
        } else {
          work.ops.push(op);
          queued++;
        }
      }
      if (work.ops.length === 0) queue.data.items = queue.data.items.filter((i) => i !== item);
    }
  }
  return queued;
}

/** Contact fields from the merchant's mapping: `orderCount`, `totalSpent`, `lastOrderDate`, or `meta:KEY`. */
function mappedFields(ctx: JobContext, work: ContactWork): Record<string, string> {
  const map = ctx.store.main.data.settings.crmFields;
  const stats = ctx.store.queue.data.contacts[work.email];
  const fields: Record<string, string> = {};
  for (const [from, to] of Object.entries(map)) {
    let value: string | undefined;
    if (from === 'orderCount') value = stats ? String(stats.orders) : undefined;
    else if (from === 'totalSpent') value = stats ? (stats.spentCents / 100).toFixed(2) : undefined;
    else if (from === 'lastOrderDate') value = stats?.lastOrderAt?.slice(0, 10);
    else if (from.startsWith('meta:')) value = work.meta[from.slice(5)];
    if (value !== undefined && value !== '') fields[to] = value;
  }
  return fields;
}

/** Counts a newly imported order into its customer's totals (for mapped CRM fields). */
export function countOrderForContact(ctx: JobContext, email: string, total: string, createdAt: string): void {
  if (!email) return;
  const contacts = ctx.store.queue.data.contacts;
  const stats = (contacts[email.toLowerCase()] ??= { orders: 0, spentCents: 0 });
  stats.orders++;
  stats.spentCents += Math.round(Number(total) * 100) || 0;
  if (!stats.lastOrderAt || createdAt > stats.lastOrderAt) stats.lastOrderAt = createdAt;
}

interface Prepared {
  item: QueueItem;
  work: ContactWork;
  ref: CrmContactRef;
  add: TagOp[];
  remove: TagOp[];
}

/**
 * CRM job for one connection: works through its queue in order, a chunk at a time. Each contact is
 * upserted with its mapped fields; tags it already has cost no request; the rest go in one bulk
 * call where the CRM has one. Work that fails for a passing reason waits and is retried in order;
 * refused credentials stop the pass with one error, and nothing is lost.
 */
export async function runCrm(ctx: JobContext, crm: CrmConnection, connector: CrmConnector): Promise<JobSummary> {
  const s = summary('crm', crm.name);
  const { store } = ctx;
  const before = connector.stats.requests;
  const lane = crmLane(crm.name);
  const source = { kind: 'crm' as const, name: crm.name };
  const chunkSize = Math.max(connector.limits.concurrency * 5, connector.limits.batchSize ? Math.min(connector.limits.batchSize, 500) : 0, 10);
  // Under a requests-per-second limit, contacts in parallel gain nothing and could overtake each
  // other on a retry: work them one by one, in queue order. Otherwise use the CRM's concurrency.
  const parallel = connector.limits.requestsPerSecond ? 1 : connector.limits.concurrency;
  // The first contact of a run is upserted alone: refused credentials then cost one request, not a
  // chunk's worth. Its tags wait for the next chunk, so they still travel in the same bulk call.
  let probe = true;
  let carried: Prepared[] = [];
  const nowIso = () => ctx.clock.now().toISOString();
  try {
    for (;;) {
      const held = new Set(carried.map((p) => p.item));
      const due = store.queue.data.items.filter((i) => i.lane === lane && i.kind === CRM_KIND && !held.has(i));
      // Keep order: stop at the first item that must wait.
      const waitingAt = due.findIndex((i) => i.notBefore && i.notBefore > nowIso());
      const ready = waitingAt === -1 ? due : due.slice(0, waitingAt);
      const chunk = ready.slice(0, probe ? 1 : chunkSize - carried.length);
      const probing = probe;
      probe = false;
      if (chunk.length === 0 && carried.length === 0) break;
      const prepared: Prepared[] = [];
      let stop: PlatformError | null = null;
      await inOrder(
        chunk,
        parallel,
        async (item) => {
          if (stop) return;
          const work = item.payload as unknown as ContactWork;
          try {
            const result = await connector.upsertContact({ email: work.email, ...work.contact, fields: mappedFields(ctx, work) });
            if (result.unknownFields.length) {
              raiseAlert(store, ctx.clock.now(), { key: `crm-field:${crm.name}:${result.unknownFields.join(',')}`, source, kind: 'other', message: `${crm.name} has no field for ${result.unknownFields.join(', ')}; those values were not sent. Create the field in the CRM or change the field mapping.` });
            }
            if (result.status === 'unsubscribed') {
              unsubscribeCarts(ctx, work.email);
              const dropped = work.ops.filter((o) => o.fromCart);
              dropped.forEach((o) => o.keys.forEach((k) => ctx.queue.markDone(k)));
              work.ops = work.ops.filter((o) => !o.fromCart);
              bump(s, 'unsubscribed');
            }
            const tags = result.tags ?? (result.created ? [] : ((await connector.getContact(work.email))?.tags ?? []));
            const has = new Set(tags.map((t) => t.toLowerCase()));
            const add = work.ops.filter((o) => o.op === 'add' && !has.has(o.tag.toLowerCase()));
            const remove = work.ops.filter((o) => o.op === 'remove' && has.has(o.tag.toLowerCase()));
            bump(s, 'alreadyDone', work.ops.length - add.length - remove.length);
            prepared.push({ item, work, ref: result.ref, add, remove });
          } catch (error) {
            if (!(error instanceof PlatformError)) throw error;
            stop ??= error;
            item.attempts++;
            item.notBefore = new Date(ctx.clock.now().getTime() + (error.kind === 'auth' ? 0 : backoffMs(item.attempts))).toISOString();
          }
        },
      );
      prepared.sort((a, b) => chunk.indexOf(a.item) - chunk.indexOf(b.item));
      if (probing && !stop && ready.length > chunk.length) {
        carried = prepared;
        continue;
      }
      prepared.unshift(...carried);
      carried = [];
      const changes: CrmTagChange[] = prepared.map((p) => ({ ref: p.ref, apply: p.add.map((o) => o.tag), remove: p.remove.map((o) => o.tag) }));
      const withChanges = changes.map((c, index) => ({ c, index })).filter(({ c }) => c.apply.length || c.remove.length);
      const failed = new Map<number, PlatformError>();
      if (withChanges.length) {
        const result = await connector.applyTagChanges(withChanges.map((w) => w.c));
        for (const f of result.failed) failed.set(withChanges[f.index]!.index, f.error);
      }
      for (const [index, p] of prepared.entries()) {
        const error = failed.get(index);
        if (error) {
          stop ??= error;
          p.item.attempts++;
          p.item.notBefore = new Date(ctx.clock.now().getTime() + backoffMs(p.item.attempts)).toISOString();
          continue;
        }
        for (const op of p.work.ops) op.keys.forEach((k) => ctx.queue.markDone(k));
        bump(s, 'tagged', p.add.length);
        bump(s, 'untagged', p.remove.length);
        bump(s, 'contacts');
        store.queue.data.items = store.queue.data.items.filter((i) => i !== p.item);
      }
      await Promise.all([store.queue.save(), store.carts.save()]);
      ctx.events.emit('job', { job: 'crm', target: crm.name, state: 'running', done: s.counts.contacts ?? 0, total: (s.counts.contacts ?? 0) + store.queue.data.items.filter((i) => i.lane === lane).length });
      if (stop) throw stop;
    }
    await checkUnsubscribes(ctx, crm, connector, s);
    clearError(store, crmOperation(crm.name));
    store.main.data.crmLastRun[crm.name] = nowIso();
  } catch (error) {
    s.errors++;
    s.stopped = error instanceof Error ? error.message : String(error);
    s.authFailed = error instanceof PlatformError && error.kind === 'auth';
    recordError(store, ctx.clock.now(), { source, operation: crmOperation(crm.name), object: `CRM ${crm.name} (${store.queue.data.items.filter((i) => i.lane === lane).length} contact(s) waiting)`, message: describeFailure(error) });
    if (!(error instanceof PlatformError)) throw error;
  } finally {
    s.requests = connector.stats.requests - before;
    s.counts.waiting = store.queue.data.items.filter((i) => i.lane === lane).length;
    await Promise.all([store.queue.save(), store.issues.save(), store.carts.save(), store.main.save()]);
    if (s.errors) ctx.events.emit('changed', { area: 'issues' });
    ctx.events.emit('changed', { area: 'queue' });
  }
  return s;
}

/** How often an abandoned cart's contact is looked up in each CRM, and how many per run at most. */
export const UNSUBSCRIBE_CHECK_MS = 6 * 3_600_000;
const UNSUBSCRIBE_CHECKS_PER_RUN = 50;

/**
 * SPEC §4 "Unsubscribed": a contact may unsubscribe in the CRM (often from the abandoned-cart mail
 * itself) while their cart waits to be recovered or lost. Each run looks up a few abandoned carts'
 * contacts that were not checked recently, and moves those who unsubscribed to `unsubscribed`.
 */
async function checkUnsubscribes(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, s: JobSummary): Promise<void> {
  const now = ctx.clock.now();
  const due = Object.values(ctx.store.carts.data.carts)
    .filter((c) => c.state === 'abandoned' && !c.crmBlocked)
    .filter((c) => !c.crmChecks[crm.name] || now.getTime() - new Date(c.crmChecks[crm.name]!).getTime() >= UNSUBSCRIBE_CHECK_MS)
    .slice(0, UNSUBSCRIBE_CHECKS_PER_RUN);
  for (const cart of due) {
    const contact = await connector.getContact(cart.email);
    cart.crmChecks[crm.name] = now.toISOString();
    if (contact?.status === 'unsubscribed') {
      unsubscribeCarts(ctx, cart.email);
      bump(s, 'unsubscribed');
    }
  }
  if (due.length) {
    await ctx.store.carts.save();
    ctx.events.emit('changed', { area: 'carts' });
  }
}

/** Runs `fn` over `items` with at most `parallel` at once, starting them in order. */
async function inOrder<T>(items: T[], parallel: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

/** An unsubscribed contact's carts stop (SPEC §4): no further actions for them. */
function unsubscribeCarts(ctx: JobContext, email: string): void {
  for (const cart of Object.values(ctx.store.carts.data.carts)) {
    if (cart.email !== email || cart.state === 'unsubscribed' || cart.state === 'recovered' || cart.state === 'lost') continue;
    cart.state = 'unsubscribed';
    cart.stateChangedAt = ctx.clock.now().toISOString();
  }
}
