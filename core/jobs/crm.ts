import { clearErrorIn, raiseAlertIn, recordErrorIn, type AlertInput } from '../runtime/issues';
import { newId } from '../runtime/queue';
import { orderKey, type Cart, type CrmConnection, type Order } from '../model';
import type { CrmConnector, CrmContactInput, CrmContactRef, CrmImportOutcome, CrmUpsertResult } from '../platforms/crm-types';
import { describeFailure, PlatformError } from '../platforms/errors';
import { CRM_BATCH, CRM_CONTACT, type TagOp, type WorkOf } from '../model/work';
import type { CartReader, CartWriter } from '../store/repositories';
import { bump, summary, type JobContext, type JobSummary } from './context';
import { addedKey, tagsAddedBefore } from './crm-added';
import type { TagEvent } from './crm-events';

export const CRM_KIND = CRM_CONTACT;
export const crmLane = (crm: string) => `crm:${crm}`;
export const crmOperation = (crm: string) => ({ kind: 'crm.sync', args: { crm } });

/** A queued contact and its payload (model/work.ts): who, their fields, the tag changes waiting for them. */
type ContactItem = WorkOf<typeof CRM_KIND>;
type ContactWork = ContactItem['payload'];

export const CRM_BATCH_KIND = CRM_BATCH;

/** A batch as written to queue.json before it is submitted (the intent) and again once the CRM has given its id. */
type BatchItem = WorkOf<typeof CRM_BATCH_KIND>;
type BatchIntent = BatchItem['payload'];

export const ledgerKey = (event: TagEvent, crm: string, tag: string, op: 'add' | 'remove') => `${event.key}|${crm}|${event.email}|${tag}|${op}`;

/**
 * Queues tag events for the CRMs they go to. Each contact has at most one waiting item per CRM;
 * new changes merge into it. A change already done (ledger) or already waiting is not queued
 * again, and of an add and a remove of the same tag for one contact the later one wins.
 */
export function enqueueTagEvents(ctx: JobContext, events: TagEvent[]): number {
  const crms = ctx.store.main.data.crms;
  let queued = 0;
  for (const event of events) {
    for (const crm of crms) {
      if (event.crm && event.crm !== crm.name) continue;
      const lane = crmLane(crm.name);
      // A contact whose changes are in a batch gets a new item behind it, so queue order per contact holds.
      let item = ctx.queue.list(CRM_KIND, lane).find((i) => i.payload.email === event.email && !i.payload.batch);
      const wanted: TagOp[] = [
        ...event.apply.map((tag) => ({ tag, op: 'add' as const, keys: [ledgerKey(event, crm.name, tag, 'add')], fromCart: event.fromCart })),
        ...event.remove.map((tag) => ({ tag, op: 'remove' as const, keys: [ledgerKey(event, crm.name, tag, 'remove')], fromCart: event.fromCart })),
      ].filter((op) => !ctx.queue.hasDone(op.keys[0]!));
      if (wanted.length === 0) continue;
      const created = !item;
      if (!item) {
        const work: ContactWork = { email: event.email, contact: event.contact, meta: event.meta ?? {}, ops: [] };
        item = ctx.queue.upsert({ id: `c${Math.random().toString(36).slice(2, 10)}`, lane, kind: CRM_KIND, payload: work, enqueuedAt: ctx.clock.now().toISOString(), attempts: 0 });
      }
      const work = item.payload;
      work.contact = { ...work.contact, ...Object.fromEntries(Object.entries(event.contact).filter(([, v]) => v)) };
      if (event.meta) work.meta = { ...work.meta, ...event.meta };
      // Keys already waiting for this contact, in this item or in one travelling in a batch.
      const waiting = new Set(ctx.queue.list(CRM_KIND, lane).filter((i) => i.payload.email === event.email).flatMap((i) => i.payload.ops.flatMap((o) => o.keys)));
      for (const op of wanted) {
        if (waiting.has(op.keys[0]!)) continue;
        const same = work.ops.find((o) => o.tag === op.tag && o.op === op.op);
        const opposite = work.ops.find((o) => o.tag === op.tag && o.op !== op.op);
        if (same) same.keys.push(...op.keys);
        else if (opposite) {
          // Add then remove (or the reverse) before either reached the CRM: the later change wins.
          // Dropping both would be wrong when the contact already had the tag (or lacked it) before:
          // the remove would never happen. The earlier change is done in the ledger's sense (it
          // was superseded); the later one costs nothing when the contact is already in that state.
          work.ops = work.ops.filter((o) => o !== opposite);
          for (const key of opposite.keys) ctx.queue.markDone(key);
          work.ops.push(op);
        } else {
          work.ops.push(op);
          queued++;
        }
      }
      // An item made here for changes that were all waiting elsewhere goes again; one that was
      // already queued stays, even without tag changes (it may carry fresh order totals).
      if (created && work.ops.length === 0) ctx.queue.remove(CRM_KIND, item.id);
    }
  }
  return queued;
}

/** Contact fields from the merchant's mapping: `orderCount`, `totalSpent`, `lastOrderDate`, or `meta:KEY`. */
function mappedFields(ctx: JobContext, work: ContactWork): Record<string, string> {
  const map = ctx.store.main.data.settings.crmFields;
  const fields = derivedFields(ctx, work.email);
  for (const [from, to] of Object.entries(map)) {
    const value = from.startsWith('meta:') ? work.meta[from.slice(5)] : undefined;
    if (value !== undefined && value !== '') fields[to] = value;
  }
  return fields;
}

/** The mapped fields worked out from the customer's orders (order count, total spent, last order date), by the CRM's names. */
function derivedFields(ctx: JobContext, email: string): Record<string, string> {
  const map = ctx.store.main.data.settings.crmFields;
  const totals = customerTotals(ctx, email);
  const fields: Record<string, string> = {};
  if (!totals) return fields;
  for (const [from, to] of Object.entries(map)) {
    let value: string | undefined;
    if (from === 'orderCount') value = String(totals.orders);
    else if (from === 'totalSpent') value = (totals.spentCents / 100).toFixed(2);
    else if (from === 'lastOrderDate') value = totals.lastOrderAt.slice(0, 10);
    if (value !== undefined && value !== '') fields[to] = value;
  }
  return fields;
}

/** A contact's order-derived fields as one comparable string: what `crmSent` keeps of each contact. */
export function fieldsSignature(ctx: JobContext, email: string): string {
  return JSON.stringify(Object.entries(derivedFields(ctx, email)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A contact's totals changed: every CRM that was sent other totals for them gets an item for the
 * contact, with no tag change if none is waiting, so the totals reach it too. Without this, an order
 * whose tags were already sent (or need none) would leave the CRM's order count and total spent
 * behind for good. A CRM never sent this contact is left alone: it hears of them with their first tag.
 */
function queueFieldRefresh(ctx: JobContext, email: string, contact: TagEvent['contact']): void {
  const { queue } = ctx.store;
  const signature = fieldsSignature(ctx, email);
  for (const crm of ctx.store.main.data.crms) {
    const sent = queue.data.crmSent[crm.name]?.[email];
    if (sent === undefined || sent === signature) continue;
    const lane = crmLane(crm.name);
    // An item not travelling in a batch reads the totals when it is sent: nothing more is needed.
    if (ctx.queue.list(CRM_KIND, lane).some((i) => i.payload.email === email && !i.payload.batch)) continue;
    ctx.queue.upsert({ id: newId('c'), lane, kind: CRM_KIND, payload: { email, contact, meta: {}, ops: [] }, enqueuedAt: ctx.clock.now().toISOString(), attempts: 0 });
  }
}

/**
 * Notes an order under its customer, keyed by the order (SPEC: derived figures are derived). Called
 * for every new or changed order: seeing the same order again only rewrites its own entry, so a
 * re-pull after a crash between queue.json and the month file, or a retry, never counts it twice.
 */
export function recordOrderForContact(ctx: JobContext, order: Order): void {
  const email = order.customer.email?.trim().toLowerCase();
  if (!email) return;
  const orders = (ctx.store.queue.data.customers[email] ??= {});
  orders[orderKey(order)] = { cents: Math.round(Number(order.total) * 100) || 0, at: order.createdAt };
  const c = order.customer;
  queueFieldRefresh(ctx, email, { firstName: c.firstName, lastName: c.lastName, phone: c.phone, company: c.company });
}

/** A customer's order count, total spent and last order date, derived from their recorded orders. */
export function customerTotals(ctx: JobContext, email: string): { orders: number; spentCents: number; lastOrderAt: string } | undefined {
  const orders = Object.values(ctx.store.queue.data.customers[email.toLowerCase()] ?? {});
  if (orders.length === 0) return undefined;
  return {
    orders: orders.length,
    spentCents: orders.reduce((sum, o) => sum + o.cents, 0),
    lastOrderAt: orders.reduce((last, o) => (o.at > last ? o.at : last), ''),
  };
}

/**
 * Earlier previews incremented totals per customer, which a crash could double. Those figures are
 * not trusted: the per-order records are rebuilt from the orders actually stored, once.
 */
export async function migrateCustomerTotals(ctx: JobContext): Promise<void> {
  const { queue } = ctx.store;
  if (!queue.data.contacts) return;
  const customers: typeof queue.data.customers = {};
  queue.data.customers = customers;
  for await (const order of ctx.store.orders.all()) recordOrderForContact(ctx, order);
  delete queue.data.contacts;
  await queue.save();
}

interface Prepared {
  item: ContactItem;
  work: ContactWork;
  ref: CrmContactRef;
  add: TagOp[];
  remove: TagOp[];
  /** What sending this contact settles: the ledger keys of the changes weighed, and the derived fields sent. */
  sent: Sent;
}

/**
 * What one send of a contact settles, taken when the request is made: tag changes and orders that
 * reach the contact's queued item meanwhile are not in it, so they stay queued (see `settleContact`).
 */
interface Sent {
  keys: string[];
  /** `fieldsSignature` of the derived fields sent; undefined when unknown (an intent of an earlier version). */
  fields: string | undefined;
}

/** Batches are polled at these gaps (then every 30 s) on the engine clock, for at most BATCH_WAIT_MS per run. */
const BATCH_POLL_GAPS_MS = [1000, 2000, 4000, 8000, 15_000];
const BATCH_POLL_MAX_GAP_MS = 30_000;
/** How long one run waits for a batch; a slower one is left running and polled by the next run, never redone. */
export const BATCH_WAIT_MS = 10 * 60_000;

/** Waits `ms` on the engine clock, or less when the engine is stopping. */
function pause(ctx: JobContext, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.signal?.aborted) return resolve();
    const cancel = ctx.clock.setTimer(ms, () => resolve());
    ctx.signal?.addEventListener('abort', () => {
      cancel();
      resolve();
    }, { once: true });
  });
}

/** What the CRM is sent for a queued contact: their details and mapped fields. */
function contactInput(ctx: JobContext, work: ContactWork): CrmContactInput {
  return { email: work.email, ...work.contact, fields: mappedFields(ctx, work) };
}

/**
 * Whether a contact's changes can travel in a bulk upsert. Where the import applies tags itself
 * (ActiveCampaign) it can only add them and says nothing of the contact's subscription: removals,
 * cart tags (which stop when the contact has unsubscribed) and contacts an import already failed for
 * go one by one.
 */
function bulkable(work: ContactWork, appliesTags: boolean, added: ReadonlySet<string>): boolean {
  if (!appliesTags) return true;
  // An import sends its tags without reading the contact's first: a contact due a tag Backroom
  // already gave them (Customer from an earlier order) goes one by one, which reads their tags and
  // sends only what is missing (SPEC: a tag is sent once).
  return !work.oneByOne && work.ops.every((o) => o.op === 'add' && !o.fromCart && !added.has(addedKey(work.email, o.tag)));
}

/**
 * Reads a contact's upsert answer: raises an alert for fields the CRM lacks, stops cart tags for a
 * contact who unsubscribed, and keeps only the tag changes the contact still needs.
 */
async function prepareContact(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, s: JobSummary, notes: RunNotes, item: ContactItem, result: CrmUpsertResult, fields: string): Promise<Prepared> {
  const work = item.payload;
  alertUnknownFields(ctx, crm, notes, result.unknownFields);
  if (result.status === 'unsubscribed') {
    notes.unsubscribe(work.email, ctx.clock.now().toISOString());
    const dropped = work.ops.filter((o) => o.fromCart);
    dropped.forEach((o) => o.keys.forEach((k) => ctx.queue.markDone(k)));
    work.ops = work.ops.filter((o) => !o.fromCart);
    bump(s, 'unsubscribed');
  }
  // A contact with only fresh totals to send needs no read of their tags.
  const tags = result.tags ?? (result.created || work.ops.length === 0 ? [] : ((await connector.getContact(work.email))?.tags ?? []));
  const has = new Set(tags.map((t) => t.toLowerCase()));
  const add = work.ops.filter((o) => o.op === 'add' && !has.has(o.tag.toLowerCase()));
  const remove = work.ops.filter((o) => o.op === 'remove' && has.has(o.tag.toLowerCase()));
  bump(s, 'alreadyDone', work.ops.length - add.length - remove.length);
  return { item, work, ref: result.ref, add, remove, sent: { keys: work.ops.flatMap((o) => o.keys), fields } };
}

/**
 * Two sends of one contact can travel together (an order that arrived while the first was being
 * prepared): both were read before either changed a tag, so both would add the same tag. A change
 * an earlier send of this contact already makes is dropped from the later one; its ledger key is
 * still settled with the later send, as the tag is on its way (and stays queued with the earlier
 * send if that one fails).
 */
function dropRepeatedChanges(prepared: Prepared[]): void {
  const planned = new Map<string, 'add' | 'remove'>();
  for (const p of prepared) {
    const key = (o: TagOp) => `${p.work.email.toLowerCase()}|${o.tag.toLowerCase()}`;
    const repeated = (o: TagOp) => planned.get(key(o)) === o.op;
    p.add = p.add.filter((o) => !repeated(o));
    p.remove = p.remove.filter((o) => !repeated(o));
    for (const o of [...p.add, ...p.remove]) planned.set(key(o), o.op);
  }
}

function alertUnknownFields(ctx: JobContext, crm: CrmConnection, notes: RunNotes, unknownFields: string[]): void {
  if (!unknownFields.length) return;
  notes.alert(ctx.clock.now(), { key: `crm-field:${crm.name}:${unknownFields.join(',')}`, source: { kind: 'crm', name: crm.name }, kind: 'other', message: `${crm.name} has no field for ${unknownFields.join(', ')}; those values were not sent. Create the field in the CRM or change the field mapping.` });
}

/**
 * What a run learns for the alerts and the carts (a CRM without a mapped field, contacts who
 * unsubscribed), written in one unit where the run saves its progress — after each chunk and at
 * the end — rather than one unit per contact: a backlog whose every contact reports the same
 * missing field is one write of the alert, counted once per contact, as before.
 */
class RunNotes {
  private alerts = new Map<string, { at: Date; input: AlertInput & { count: number } }>();
  private unsubscribed = new Map<string, string>();

  alert(at: Date, input: AlertInput): void {
    const known = this.alerts.get(input.key);
    this.alerts.set(input.key, { at, input: { ...input, count: (known?.input.count ?? 0) + (input.count ?? 1) } });
  }

  unsubscribe(email: string, at: string): void {
    if (!this.unsubscribed.has(email)) this.unsubscribed.set(email, at);
  }

  async write(ctx: JobContext): Promise<void> {
    if (this.alerts.size === 0 && this.unsubscribed.size === 0) return;
    const alerts = [...this.alerts.values()];
    const unsubscribed = [...this.unsubscribed];
    this.alerts.clear();
    this.unsubscribed.clear();
    await ctx.repos.write(async (w) => {
      for (const { at, input } of alerts) await raiseAlertIn(w.issues, at, input);
      for (const [email, at] of unsubscribed) await unsubscribeCarts(w.carts, email, at);
    });
  }
}

/** Polls `read` on the engine clock until it gives an answer, or this run's wait is over (null). */
async function pollOnClock<T>(ctx: JobContext, read: () => Promise<T | null>): Promise<T | null> {
  const started = ctx.clock.now().getTime();
  for (let poll = 0; ; poll++) {
    const answer = await read();
    if (answer !== null) return answer;
    const gap = BATCH_POLL_GAPS_MS[poll] ?? BATCH_POLL_MAX_GAP_MS;
    if (ctx.signal?.aborted || ctx.clock.now().getTime() + gap - started > BATCH_WAIT_MS) return null;
    await pause(ctx, gap);
  }
}

/**
 * Upserts contacts through the CRM's bulk endpoint where it only upserts (Mailchimp member PUTs in
 * one batch) and gives each contact's answer, as one PUT would. Nothing is noted before submitting:
 * an upsert changes no tag and repeats harmlessly, so a batch lost in a crash is simply sent again.
 */
async function bulkUpsert(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, notes: RunNotes, items: ContactItem[]): Promise<{ outcomes: Map<string, CrmImportOutcome>; fields: Map<string, string> } | PlatformError | 'unfinished'> {
  const imports = connector.imports!;
  const id = newId('u');
  const contacts = items.map((item, n) => ({ operationId: `backroom-${id}-${n}`, email: item.payload.email, item, input: contactInput(ctx, item.payload), fields: fieldsSignature(ctx, item.payload.email) }));
  let batchId: string;
  try {
    const submitted = await imports.submit(contacts.map((c) => ({ operationId: c.operationId, input: c.input, tags: [] })));
    batchId = submitted.batchId;
    alertUnknownFields(ctx, crm, notes, submitted.unknownFields);
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return error;
  }
  let progress;
  try {
    progress = await pollOnClock(ctx, async () => {
      const p = await imports.progress(batchId, contacts);
      return p.state === 'finished' ? p : null;
    });
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return error;
  }
  if (!progress) return 'unfinished';
  const byItem = new Map<string, CrmImportOutcome>();
  for (const c of contacts) byItem.set(c.item.id, progress.results.get(c.operationId) ?? { ok: false, error: new PlatformError('transient', `${crm.name} reported nothing for ${c.email} in bulk upsert ${batchId}.`) });
  return { outcomes: byItem, fields: new Map(contacts.map((c) => [c.item.id, c.fields])) };
}

/**
 * Sends contacts with their new tags as one bulk import (ActiveCampaign), exactly once, the way
 * `runBatch` sends a tag batch: the intent is saved and its contacts parked before submitting, the
 * import's id saved as soon as the CRM answers, the import polled on the engine clock (a slow one is
 * left for the next run, never redone), and each contact settled by its own outcome. ActiveCampaign
 * has no way to find an import whose answer was lost, so those contacts go one by one instead: that
 * path reads each contact's tags first and sends only the ones still missing.
 */
async function runImport(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, notes: RunNotes, items: ContactItem[]): Promise<{ stop?: PlatformError; failed: { itemId: string; error: PlatformError }[] }> {
  const { store } = ctx;
  const imports = connector.imports!;
  const id = newId('i');
  // What each contact's import carries is taken here, once: changes that reach a contact meanwhile stay queued.
  const all = items.map((item, n) => ({ operationId: `backroom-${id}-${n}`, item, input: contactInput(ctx, item.payload), tags: item.payload.ops.map((o) => o.tag), keys: item.payload.ops.flatMap((o) => o.keys), fields: fieldsSignature(ctx, item.payload.email) }));
  const fitting = all.slice(0, await imports.fit(all));
  if (fitting.length === 0) {
    // A single contact too large for an import: it goes one by one.
    all[0]!.item.payload.oneByOne = true;
    return { failed: [] };
  }
  const intent: BatchIntent = {
    intent: id,
    notedAt: ctx.clock.now().toISOString(),
    via: 'import',
    operations: fitting.map((c) => ({ operationId: c.operationId, itemId: c.item.id, change: { ref: { id: '', email: c.input.email }, apply: c.tags, remove: [] }, keys: c.keys, fields: c.fields })),
  };
  const batchItem = ctx.queue.upsert({ id: intent.intent, lane: crmLane(crm.name), kind: CRM_BATCH_KIND, payload: intent, enqueuedAt: intent.notedAt, attempts: 0 }, { first: true });
  for (const c of fitting) c.item.payload.batch = intent.intent;
  await store.queue.save();
  try {
    const submitted = await imports.submit(fitting.map((c) => ({ operationId: c.operationId, input: c.input, tags: c.tags })));
    intent.batchId = submitted.batchId;
    alertUnknownFields(ctx, crm, notes, submitted.unknownFields);
    await store.queue.save();
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    // A refusal with an answer queued nothing: the contacts go back as they were. Without an answer
    // the import may have been queued: they go one by one, which checks their tags first.
    await releaseBatch(ctx, batchItem, !(error.kind === 'rejected' || error.kind === 'auth' || error.kind === 'malformed'));
    return { stop: error, failed: [] };
  }
  // Not waited for here: ActiveCampaign runs several imports side by side, so the next one is sent
  // at once and all of them are awaited when nothing more can be sent (awaitImports).
  return { failed: [] };
}

/**
 * Waits for the imports this lane has submitted and settles each contact by its own outcome; a
 * failure goes to `failures`. True when at least one import finished (its contacts may have more to do).
 */
async function awaitImports(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, s: JobSummary, failures: { itemId: string; error: PlatformError }[]): Promise<boolean> {
  const lane = crmLane(crm.name);
  let settled = false;
  for (const item of ctx.queue.list(CRM_BATCH_KIND, lane).filter((i) => i.payload.via === 'import' && i.payload.batchId)) {
    if (ctx.signal?.aborted) break;
    await waitForBatch(ctx, crm, connector, s, item, failures);
    if (!ctx.queue.items.includes(item)) settled = true;
  }
  return settled;
}

/**
 * CRM job for one connection: works through its queue in order, a chunk at a time. Each contact is
 * upserted with its mapped fields; tags it already has cost no request; the rest go in one bulk
 * call where the CRM has one. Work that fails for a passing reason waits and is retried in order;
 * refused credentials stop the pass with one error, and nothing is lost. Progress is saved after
 * every request that changed something, and the run stops between requests when the engine stops.
 */
export async function runCrm(ctx: JobContext, crm: CrmConnection, connector: CrmConnector): Promise<JobSummary> {
  const s = summary('crm', crm.name);
  const { store } = ctx;
  const before = connector.stats.requests;
  const lane = crmLane(crm.name);
  const source = { kind: 'crm' as const, name: crm.name };
  const chunkSize = Math.max(connector.limits.concurrency * 5, connector.limits.batchSize, 10);
  const imports = connector.imports;
  // Under a requests-per-second limit, contacts in parallel gain nothing and could overtake each
  // other on a retry: work them one by one, in queue order. Otherwise use the CRM's concurrency.
  const parallel = connector.limits.requestsPerSecond ? 1 : connector.limits.concurrency;
  // The first contact of a run is upserted alone: refused credentials then cost one request, not a
  // chunk's worth. Its tags wait for the next chunk, so they still travel in the same bulk call.
  let probe = true;
  let carried: Prepared[] = [];
  const nowIso = () => ctx.clock.now().toISOString();
  const stopping = () => ctx.signal?.aborted === true;
  // A bulk call's failures are each contact's own: the others go on, and the first failure whose
  // contact is still waiting at the end of the run is reported then.
  const deferred: { itemId: string; error: PlatformError }[] = [];
  const notes = new RunNotes();
  try {
    await migrateCustomerTotals(ctx);
    await resumeBatches(ctx, crm, connector, s);
    for (;;) {
      if (stopping()) {
        s.stopped = 'the engine is stopping; the rest waits in the queue';
        break;
      }
      const held = new Set(carried.map((p) => p.item));
      // Contacts in a batch still running wait, and so does later work for the same contacts.
      const contacts = ctx.queue.list(CRM_KIND, lane);
      const parked = new Set(contacts.filter((i) => i.payload.batch).map((i) => i.payload.email));
      const due = contacts.filter((i) => !held.has(i) && !parked.has(i.payload.email));
      // Keep order: stop at the first item that must wait.
      const waitingAt = due.findIndex((i) => i.notBefore && i.notBefore > nowIso());
      const ready = waitingAt === -1 ? due : due.slice(0, waitingAt);
      const probing = probe;
      probe = false;
      // A backlog goes through the CRM's bulk upsert; the first contact of a run is always upserted alone.
      const added = !probing && imports?.appliesTags ? tagsAddedBefore(await ctx.repos.crmLedger.addedKeys(crm.name), crm.name) : new Set<string>();
      const bulk = !probing && imports ? ready.filter((i) => !held.has(i) && bulkable(i.payload, imports.appliesTags, added)).slice(0, imports.maxContacts) : [];
      if (imports && bulk.length >= imports.minContacts && imports.appliesTags) {
        const outcome = await runImport(ctx, crm, connector, notes, bulk);
        await store.queue.save();
        await notes.write(ctx);
        ctx.events.emit('job', { job: 'crm', target: crm.name, state: 'running', done: s.counts.contacts ?? 0, total: (s.counts.contacts ?? 0) + ctx.queue.depth(lane) });
        if (outcome.stop) throw outcome.stop;
        deferred.push(...outcome.failed);
        // An import still running is left for the next run; its contacts stay parked meanwhile.
        continue;
      }
      const viaBulk = imports !== undefined && bulk.length >= imports.minContacts;
      const chunk = viaBulk ? bulk : ready.slice(0, probing ? 1 : chunkSize - carried.length);
      if (chunk.length === 0 && carried.length === 0) {
        // Nothing more to send: wait for the imports sent meanwhile; contacts they settle may have more work.
        if (imports?.appliesTags && !stopping() && (await awaitImports(ctx, crm, connector, s, deferred))) continue;
        break;
      }
      const prepared: Prepared[] = [];
      let stop: PlatformError | null = null;
      // Refused credentials: tried again as soon as the merchant has entered new ones.
      const failed = (item: ContactItem, error: PlatformError) => {
        stop ??= error;
        ctx.queue.fail(item, error, { now: error.kind === 'auth' });
      };
      if (viaBulk) {
        const outcome = await bulkUpsert(ctx, crm, connector, notes, chunk);
        if (outcome === 'unfinished') {
          // The CRM is slow to run it, or the engine stops: the contacts wait for the next run, which
          // upserts them again (an upsert repeats harmlessly).
          bump(s, 'batchRunning');
          break;
        }
        // A contact the batch failed for waits and is retried; the rest of the batch goes on to its tags.
        const failedOne = (item: ContactItem, error: PlatformError) => {
          deferred.push({ itemId: item.id, error });
          ctx.queue.fail(item, error);
        };
        if (outcome instanceof PlatformError) for (const item of chunk) failed(item, outcome);
        else {
          for (const item of chunk) {
            const result = outcome.outcomes.get(item.id)!;
            if (result.ok && result.result) prepared.push(await prepareContact(ctx, crm, connector, s, notes, item, result.result, outcome.fields.get(item.id)!));
            else if (!result.ok) failedOne(item, result.error);
          }
        }
      } else {
        await inOrder(chunk, parallel, async (item) => {
          if (stop || stopping()) return;
          try {
            const fields = fieldsSignature(ctx, item.payload.email);
            const result = await connector.upsertContact(contactInput(ctx, item.payload));
            prepared.push(await prepareContact(ctx, crm, connector, s, notes, item, result, fields));
          } catch (error) {
            if (!(error instanceof PlatformError)) throw error;
            failed(item, error);
          }
        });
      }
      prepared.sort((a, b) => chunk.indexOf(a.item) - chunk.indexOf(b.item));
      if (probing && !stop && !stopping() && ready.length > chunk.length) {
        carried = prepared;
        continue;
      }
      prepared.unshift(...carried);
      carried = [];
      dropRepeatedChanges(prepared);
      const withChanges = prepared.filter((p) => p.add.length || p.remove.length);
      // Contacts with nothing left to change are done at once.
      for (const p of prepared) if (!withChanges.includes(p)) settleContact(ctx, crm, s, p.item, p.sent, p.add.length, p.remove.length);
      const viaBatch = connector.batches !== undefined && withChanges.length >= connector.limits.batchThreshold;
      // Sent one by one, a contact's tags may reach the CRM and the process die before they are noted:
      // written down first (in the save below), such a contact is never put in an import after a
      // restart, which would send its tags again unread; it goes one by one, reading its tags first.
      // A failed send keeps the mark too: some of its tags may have been applied.
      if (!viaBatch && imports?.appliesTags) for (const p of withChanges) p.work.oneByOne = true;
      await store.queue.save();
      if (viaBatch) {
        stop ??= await runBatch(ctx, crm, connector, s, withChanges);
      } else {
        // One contact per request, its progress saved as soon as the CRM has answered.
        for (const p of withChanges) {
          if (stopping()) break;
          const result = await connector.applyTagChanges([{ ref: p.ref, apply: p.add.map((o) => o.tag), remove: p.remove.map((o) => o.tag) }]);
          const error = result.failed[0]?.error;
          if (error) {
            stop ??= error;
            ctx.queue.fail(p.item, error);
          } else settleContact(ctx, crm, s, p.item, p.sent, p.add.length, p.remove.length);
          await store.queue.save();
        }
      }
      await store.queue.save();
      await notes.write(ctx);
      ctx.events.emit('job', { job: 'crm', target: crm.name, state: 'running', done: s.counts.contacts ?? 0, total: (s.counts.contacts ?? 0) + ctx.queue.depth(lane) });
      if (stop) throw stop;
    }
    const unresolved = deferred.find((d) => ctx.queue.items.some((i) => i.id === d.itemId));
    if (unresolved) throw unresolved.error;
    if (!stopping()) await checkUnsubscribes(ctx, crm, connector, s);
    if (!stopping()) {
      // After the queue it speaks of: the unit makes queue.json durable before it moves the marker.
      await ctx.repos.write((w) => clearErrorIn(w.issues, crmOperation(crm.name)), [{ crm: crm.name, lastSuccessAt: nowIso() }]);
    }
  } catch (error) {
    s.errors++;
    s.stopped = describeFailure(error, source);
    s.authFailed = error instanceof PlatformError && error.kind === 'auth';
    const object = `CRM ${crm.name} (${ctx.queue.depth(lane)} contact(s) waiting)`;
    await ctx.repos.write((w) => recordErrorIn(w.issues, ctx.clock.now(), { source, operation: crmOperation(crm.name), object, message: describeFailure(error, source) }));
    if (!(error instanceof PlatformError)) throw error;
  } finally {
    s.requests = connector.stats.requests - before;
    s.counts.waiting = ctx.queue.list(CRM_KIND, lane).length;
    await Promise.all([store.queue.save(), store.main.save()]);
    await notes.write(ctx);
    if (s.errors) ctx.events.emit('changed', { area: 'issues' });
    ctx.events.emit('changed', { area: 'queue' });
  }
  return s;
}

/**
 * A send of a contact reached the CRM: the ledger keys it carried are done, and the derived fields it
 * carried are noted as sent. The item leaves the queue only when nothing else reached it meanwhile:
 * a tag change queued while the request was out, or an order that changed the contact's totals since
 * they were read, keeps it queued (without the settled changes), so the CRM converges to what the
 * orders imply instead of keeping what it was sent first.
 */
function settleContact(ctx: JobContext, crm: CrmConnection, s: JobSummary, item: ContactItem, sent: Sent, added: number, removed: number): void {
  const work = item.payload;
  const settled = new Set(sent.keys);
  settled.forEach((k) => ctx.queue.markDone(k));
  for (const op of work.ops) op.keys = op.keys.filter((k) => !settled.has(k));
  work.ops = work.ops.filter((op) => op.keys.length > 0);
  const signature = fieldsSignature(ctx, work.email);
  if (sent.fields !== undefined) (ctx.store.queue.data.crmSent[crm.name] ??= {})[work.email] = sent.fields;
  bump(s, 'tagged', added);
  bump(s, 'untagged', removed);
  bump(s, 'contacts');
  if (work.ops.length === 0 && sent.fields === signature) {
    ctx.queue.remove(CRM_KIND, item.id);
    return;
  }
  // Sent again, the ordinary way, with what reached it meanwhile.
  delete work.oneByOne;
  item.attempts = 0;
  delete item.notBefore;
  mergeIntoLaterItem(ctx, item);
}

/**
 * A contact has at most one item outside batches per lane, so that two sends for them never run side
 * by side. An item kept after its batch (with what reached it before the batch left) joins the item
 * that later changes for the contact started meanwhile: its changes are older, so of an add and a
 * remove of one tag the later item's wins, as when both are queued together.
 */
function mergeIntoLaterItem(ctx: JobContext, item: ContactItem): void {
  const work = item.payload;
  const later = ctx.queue.list(CRM_KIND, item.lane).find((i) => i !== item && i.payload.email === work.email && !i.payload.batch);
  if (!later) return;
  const laterWork = later.payload;
  const older: TagOp[] = [];
  for (const op of work.ops) {
    const same = laterWork.ops.find((o) => o.tag === op.tag && o.op === op.op);
    const opposite = laterWork.ops.find((o) => o.tag === op.tag && o.op !== op.op);
    if (same) same.keys.unshift(...op.keys);
    else if (opposite) op.keys.forEach((k) => ctx.queue.markDone(k));
    else older.push(op);
  }
  laterWork.ops.unshift(...older);
  laterWork.meta = { ...work.meta, ...laterWork.meta };
  ctx.queue.remove(CRM_KIND, item.id);
}

/**
 * Sends contacts' changes as one CRM batch, exactly once:
 * 1. the intent (operation ids, which queued contact each settles) is saved in queue.json first,
 *    and those contacts are parked: nothing merges into them, later work for them waits behind;
 * 2. the batch is submitted, and its id saved as soon as the CRM answers;
 * 3. the batch is polled on the engine clock; a slow one is left running for the next run, never redone;
 * 4. once finished, its per-operation results settle each contact: done ones leave the queue, failed
 *    ones are retried on their own, the ordinary way.
 * A crash between 2 and saving the id leaves an intent without an id: the next run looks the batch
 * up (same size, submitted since the intent, our operation ids in its results) and polls it. When
 * none is there, the CRM never accepted it, and the contacts go the ordinary way, which reads each
 * contact's tags first and sends only what is still missing. Every operation sets tag states
 * (active/inactive) rather than toggling them, so even that fallback cannot flip a tag back.
 */
async function runBatch(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, s: JobSummary, contacts: Prepared[]): Promise<PlatformError | null> {
  const { store } = ctx;
  const id = newId('b');
  const intent: BatchIntent = {
    intent: id,
    notedAt: ctx.clock.now().toISOString(),
    // The intent's id is in every operation id, so its results can be told from any other batch's.
    operations: contacts.map((p, n) => ({ operationId: `backroom-${id}-${n}`, itemId: p.item.id, change: { ref: p.ref, apply: p.add.map((o) => o.tag), remove: p.remove.map((o) => o.tag) }, keys: p.sent.keys, fields: p.sent.fields })),
  };
  const batchItem = ctx.queue.upsert({ id: intent.intent, lane: crmLane(crm.name), kind: CRM_BATCH_KIND, payload: intent, enqueuedAt: intent.notedAt, attempts: 0 }, { first: true });
  for (const p of contacts) p.work.batch = intent.intent;
  await store.queue.save();
  try {
    const { batchId } = await connector.batches!.submit(intent.operations.map((o) => ({ operationId: o.operationId, change: o.change })));
    intent.batchId = batchId;
    await store.queue.save();
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    // A refusal with an answer (bad request, refused key) created no batch: the contacts go back to
    // the queue. Without an answer (network, timeout) the next run looks the batch up instead.
    if (error.kind === 'rejected' || error.kind === 'auth' || error.kind === 'malformed') await releaseBatch(ctx, batchItem);
    return error;
  }
  return waitForBatch(ctx, crm, connector, s, batchItem);
}

/** Picks up batches an earlier run (or a run before a crash) submitted. */
async function resumeBatches(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, s: JobSummary): Promise<void> {
  const lane = crmLane(crm.name);
  for (const item of ctx.queue.list(CRM_BATCH_KIND, lane)) {
    if (ctx.signal?.aborted) return;
    const intent = item.payload;
    if (intent.via === 'import' ? !connector.imports : !connector.batches) {
      await releaseBatch(ctx, item);
      continue;
    }
    if (!intent.batchId && intent.via === 'import') {
      // An import submitted just before a crash may have been queued; there is no way to look it up.
      await releaseBatch(ctx, item, true);
      continue;
    }
    if (!intent.batchId) {
      if (!connector.batches) continue;
      const found = await connector.batches.find(new Date(intent.notedAt), intent.operations.map((o) => o.operationId));
      if (!found) {
        await releaseBatch(ctx, item);
        continue;
      }
      intent.batchId = found;
      await ctx.store.queue.save();
    }
    const error = await waitForBatch(ctx, crm, connector, s, item);
    if (error) throw error;
  }
}

/** Polls a submitted batch or import on the engine clock until it finishes (then settles it) or this run's wait is over. */
async function waitForBatch(ctx: JobContext, crm: CrmConnection, connector: CrmConnector, s: JobSummary, item: BatchItem, failures?: { itemId: string; error: PlatformError }[]): Promise<PlatformError | null> {
  const intent = item.payload;
  const ids = intent.operations.map((o) => o.operationId);
  const finished = await pollOnClock(ctx, async () => {
    if (intent.via === 'import') {
      const progress = await connector.imports!.progress(intent.batchId!, intent.operations.map((o) => ({ operationId: o.operationId, email: o.change.ref.email })));
      if (progress.state !== 'finished') return null;
      const succeeded = new Set<string>();
      const failed = new Map<string, PlatformError>();
      for (const [id, outcome] of progress.results) {
        if (outcome.ok) succeeded.add(id);
        else failed.set(id, outcome.error);
      }
      return { succeeded, failed };
    }
    const progress = await connector.batches!.progress(intent.batchId!, ids);
    return progress.state === 'finished' ? progress : null;
  });
  if (finished) return settleBatch(ctx, crm, s, item, finished.succeeded, finished.failed, failures);
  bump(s, 'batchRunning');
  return null;
}

/** Settles each contact of a finished batch by its own result; failed ones are retried on their own later. */
async function settleBatch(ctx: JobContext, crm: CrmConnection, s: JobSummary, batchItem: BatchItem, succeeded: Set<string>, failed: Map<string, PlatformError>, failures?: { itemId: string; error: PlatformError }[]): Promise<PlatformError | null> {
  const { store } = ctx;
  let first: PlatformError | null = null;
  for (const op of batchItem.payload.operations) {
    const item = ctx.queue.get(CRM_KIND, op.itemId);
    if (!item) continue;
    delete item.payload.batch;
    if (succeeded.has(op.operationId)) {
      // An intent of an earlier version names no keys: it carried every change its contact had then.
      const sent: Sent = { keys: op.keys ?? item.payload.ops.flatMap((o) => o.keys), fields: op.fields };
      settleContact(ctx, crm, s, item, sent, op.change.apply.length, op.change.remove.length);
      bump(s, batchItem.payload.via === 'import' ? 'imported' : 'batched');
    } else {
      first ??= failed.get(op.operationId) ?? null;
      const error = failed.get(op.operationId);
      if (error) failures?.push({ itemId: item.id, error });
      // A contact an import failed for goes one by one next time, which gives the CRM's own message.
      if (batchItem.payload.via === 'import') item.payload.oneByOne = true;
      ctx.queue.fail(item, error);
    }
  }
  ctx.queue.remove(CRM_BATCH_KIND, batchItem.id);
  await store.queue.save();
  return first;
}

/**
 * A batch the CRM never accepted: its contacts go back to ordinary, in-order processing; with
 * `oneByOne`, never in bulk again (an import that may or may not have been queued).
 */
async function releaseBatch(ctx: JobContext, batchItem: BatchItem, oneByOne = false): Promise<void> {
  const { store } = ctx;
  const ids = new Set(batchItem.payload.operations.map((o) => o.itemId));
  const emails = new Set(ctx.queue.list(CRM_KIND).filter((i) => ids.has(i.id)).map((i) => i.payload.email));
  for (const item of ctx.queue.list(CRM_KIND)) {
    // Later items of those contacts (changes that came while they were parked) too: the import may
    // have tagged them, so none of their work may go in an import that sends tags unread.
    if (oneByOne && item.lane === batchItem.lane && emails.has(item.payload.email)) item.payload.oneByOne = true;
    if (!ids.has(item.id)) continue;
    delete item.payload.batch;
  }
  ctx.queue.remove(CRM_BATCH_KIND, batchItem.id);
  await store.queue.save();
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
  const at = now.toISOString();
  const due = (await ctx.repos.carts.list({ state: 'abandoned' }))
    .filter((c) => !c.crmBlocked)
    .filter((c) => !c.crmChecks[crm.name] || now.getTime() - new Date(c.crmChecks[crm.name]!).getTime() >= UNSUBSCRIBE_CHECK_MS)
    .slice(0, UNSUBSCRIBE_CHECKS_PER_RUN);
  const checked: Cart[] = [];
  const unsubscribed: string[] = [];
  try {
    for (const cart of due) {
      const contact = await connector.getContact(cart.email);
      checked.push(cart);
      if (contact?.status === 'unsubscribed') {
        unsubscribed.push(cart.email);
        bump(s, 'unsubscribed');
      }
    }
  } finally {
    // What was learnt before a failed look-up is kept: those carts are not looked up again so soon.
    if (checked.length) {
      await ctx.repos.write(async (w) => {
        for (const { id } of checked) {
          const cart = await w.carts.get(id);
          if (!cart) continue;
          cart.crmChecks[crm.name] = at;
          await w.carts.put(cart);
        }
        for (const email of unsubscribed) await unsubscribeCarts(w.carts, email, at);
      });
      ctx.events.emit('changed', { area: 'carts' });
    }
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
async function unsubscribeCarts(carts: CartReader & CartWriter, email: string, at: string): Promise<void> {
  for (const cart of await carts.ofCustomer(email)) {
    if (cart.state === 'unsubscribed' || cart.state === 'recovered' || cart.state === 'lost') continue;
    await carts.put({ ...cart, state: 'unsubscribed', stateChangedAt: at });
  }
}
