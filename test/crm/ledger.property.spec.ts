import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { EventBus } from '../../core/runtime/events';
import { WorkQueue } from '../../core/runtime/queue';
import type { JobContext } from '../../core/jobs/context';
import { enqueueTagEvents, runCrm } from '../../core/jobs/crm';
import type { TagEvent } from '../../core/jobs/crm-events';
import type { CrmConnection } from '../../core/model';
import type { CrmBatchOperation, CrmBatchProgress, CrmConnector, CrmTagChange } from '../../core/platforms/crm-types';
import { PlatformError } from '../../core/platforms/errors';
import { openStore, type Store } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const EMAILS = ['a@example.com', 'b@example.com', 'c@example.com'];
const TAGS = ['Customer', 'VIP'];

/**
 * An in-memory CRM that counts every tag state it is asked to set, with a batch endpoint. Faults are
 * decided by the test: an operation may fail, and a submit may reach the CRM but lose its answer.
 */
function fakeCrm(faults: { failNext: number; loseNextAnswer: boolean }) {
  const tags = new Map<string, Set<string>>();
  const sets = new Map<string, number>();
  /** Sets that changed nothing (an add of a tag the contact had, a remove of one it lacked): work done twice. */
  const redundant: string[] = [];
  const batches = new Map<string, { ops: CrmBatchOperation[]; failed: Set<string> }>();
  let seq = 0;
  const apply = (change: CrmTagChange) => {
    const has = tags.get(change.ref.email) ?? new Set<string>();
    tags.set(change.ref.email, has);
    for (const t of change.apply) {
      if (has.has(t)) redundant.push(`${change.ref.email}|${t}|add`);
      has.add(t);
      sets.set(`${change.ref.email}|${t}|add`, (sets.get(`${change.ref.email}|${t}|add`) ?? 0) + 1);
    }
    for (const t of change.remove) {
      if (!has.has(t)) redundant.push(`${change.ref.email}|${t}|remove`);
      has.delete(t);
      sets.set(`${change.ref.email}|${t}|remove`, (sets.get(`${change.ref.email}|${t}|remove`) ?? 0) + 1);
    }
  };
  const fail = () => {
    if (faults.failNext <= 0) return false;
    faults.failNext--;
    return true;
  };
  const connector: CrmConnector = {
    platform: 'mailchimp',
    limits: { concurrency: 1, batchSize: 500, batchThreshold: 2 },
    stats: { requests: 0, retries: 0 },
    test: () => Promise.resolve({ ok: true, platform: 'mailchimp', account: 'fake' }),
    upsertContact: (input) => Promise.resolve({ ref: { id: input.email, email: input.email }, status: 'subscribed', tags: [...(tags.get(input.email) ?? [])], unknownFields: [] }),
    getContact: (email) => Promise.resolve({ ref: { id: email, email }, status: 'subscribed', tags: [...(tags.get(email) ?? [])] }),
    applyTags: (ref, t) => Promise.resolve(apply({ ref, apply: t, remove: [] })),
    removeTags: (ref, t) => Promise.resolve(apply({ ref, apply: [], remove: t })),
    applyTagChanges(changes) {
      const failed: { index: number; error: PlatformError }[] = [];
      changes.forEach((c, index) => {
        if (fail()) failed.push({ index, error: new PlatformError('transient', 'try later') });
        else apply(c);
      });
      return Promise.resolve({ batched: 0, individually: changes.length - failed.length, failed });
    },
    batches: {
      submit(operations) {
        const batchId = `batch${seq++}`;
        const failed = new Set<string>();
        // Mailchimp runs a batch on its own: here at once.
        for (const o of operations) {
          if (fail()) failed.add(o.operationId);
          else apply(o.change);
        }
        batches.set(batchId, { ops: operations, failed });
        if (faults.loseNextAnswer) {
          faults.loseNextAnswer = false;
          return Promise.reject(new PlatformError('network', 'answer lost'));
        }
        return Promise.resolve({ batchId });
      },
      find(_since, ids) {
        for (const [id, b] of batches) if (b.ops.length === ids.length && ids.every((x) => b.ops.some((o) => o.operationId === x))) return Promise.resolve(id);
        return Promise.resolve(null);
      },
      progress(batchId, ids): Promise<CrmBatchProgress> {
        const b = batches.get(batchId)!;
        const failed = new Map<string, PlatformError>();
        const succeeded = new Set<string>();
        for (const id of ids) {
          if (b.failed.has(id)) failed.set(id, new PlatformError('rejected', 'bad'));
          else succeeded.add(id);
        }
        return Promise.resolve({ state: 'finished', failed, succeeded });
      },
    },
  };
  return { connector, tags, sets, redundant };
}

type Step =
  | { kind: 'event'; email: number; tag: number; op: 'add' | 'remove'; key: number }
  | { kind: 'run' }
  | { kind: 'fail'; n: number }
  | { kind: 'loseAnswer' }
  | { kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('event' as const), email: fc.nat(EMAILS.length - 1), tag: fc.nat(TAGS.length - 1), op: fc.constantFrom('add' as const, 'remove' as const), key: fc.nat(12) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'run' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'loseAnswer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

const CRM: CrmConnection = { name: 'Fake', platform: 'mailchimp', listId: 'l1', secretRef: 'crm:Fake', addedAt: '2026-01-01T00:00:00Z' };

async function contextFor(dir: string, clock: FakeClock): Promise<{ ctx: JobContext; store: Store }> {
  const store = await openStore(dir);
  if (!store.main.data.crms.length) store.main.data.crms.push(CRM);
  const repos = jsonRepositories(store);
  const ctx: JobContext = { repos, store, clock, events: new EventBus(), queue: new WorkQueue(store, clock, repos), stockItems: new Map(), hooks: {}, shop: () => Promise.reject(new Error('no shops here')) };
  return { ctx, store };
}

describe('CRM ledger under random events, duplicates, failures, lost answers and restarts', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 40 })], { numRuns: 60 })('sets each tag state once per event that asked for it, and settles everything', async (steps) => {
    const dir = await tempDir('br-ledger-');
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const faults = { failNext: 0, loseNextAnswer: false };
    const crm = fakeCrm(faults);
    let { ctx, store } = await contextFor(dir, clock);
    /** Unique event keys that asked for each `email|tag|op`. */
    const asked = new Map<string, Set<string>>();
    const run = async () => {
      clock.set(new Date(clock.now().getTime() + 3_600_000)); // past any back-off
      await runCrm(ctx, CRM, crm.connector);
    };
    for (const s of steps) {
      if (s.kind === 'event') {
        const email = EMAILS[s.email]!;
        const tag = TAGS[s.tag]!;
        // The same key always means the same change (an event seen again), as with real order events.
        const key = `k${s.key}|${email}|${tag}|${s.op}`;
        const event: TagEvent = { key, email, contact: {}, apply: s.op === 'add' ? [tag] : [], remove: s.op === 'remove' ? [tag] : [], fromCart: false };
        enqueueTagEvents(ctx, [event]);
        await store.queue.save();
        const pair = `${email}|${tag}|${s.op}`;
        asked.set(pair, (asked.get(pair) ?? new Set()).add(key));
      } else if (s.kind === 'run') await run();
      else if (s.kind === 'fail') faults.failNext += s.n;
      else if (s.kind === 'loseAnswer') faults.loseNextAnswer = true;
      else {
        // What is on disk is all a restart has.
        await store.flush();
        ({ ctx, store } = await contextFor(dir, clock));
      }
    }
    faults.failNext = 0;
    faults.loseNextAnswer = false;
    for (let i = 0; i < 5 && store.queue.data.items.length; i++) await run();
    expect(store.queue.data.items).toEqual([]);
    expect(crm.redundant).toEqual([]);
    for (const [pair, count] of crm.sets) {
      expect(count, pair).toBeLessThanOrEqual(asked.get(pair)?.size ?? 0);
    }
    await store.flush();
  });
});
