// The work queue against a model: random sequences of upsert, remove, fail and complete (a drain
// that finishes the first due item of a lane), with the clock moving and the folder reopened from
// disk at random. After every step the queue holds exactly what the model says, in its order, with
// the attempts and next tries fail() gave them; and a reopened folder gives the same queue.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { workKey, type QueuedWork, type WorkKind } from '../../core/model/work';
import { FakeClock } from '../../core/runtime/clock';
import { backoffMs, WorkQueue } from '../../core/runtime/queue';
import { jsonRepositories } from '../../core/store/json-repositories';
import { openStore, type Store } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const LANES = { 'shipping.push': ['shop:A', 'shop:B'], 'crm.contact': ['crm:AC', 'crm:MC'], 'crm.batch': ['crm:AC', 'crm:MC'] } as const;
const KINDS: WorkKind[] = ['shipping.push', 'crm.contact', 'crm.batch'];
const KEYS = 3;

const text = fc.string({ maxLength: 12 });
const tagOp = fc.record({ tag: text, op: fc.constantFrom('add' as const, 'remove' as const), keys: fc.array(text, { maxLength: 3 }), fromCart: fc.boolean() });

/** An item of `kind` whose key is the `n`th of that kind, in one of its lanes. */
function itemArb(kind: WorkKind, n: number): fc.Arbitrary<QueuedWork> {
  const base = { enqueuedAt: fc.constant('2026-03-01T00:00:00.000Z'), attempts: fc.nat(4), lane: fc.constantFrom(...LANES[kind]) };
  if (kind === 'shipping.push') {
    return fc.record({ ...base, id: fc.constant(`q${n}-x`), kind: fc.constant(kind), payload: fc.record({ order: fc.constant(`WO:${n}`), createdAt: fc.constant('2026-02-01T00:00:00.000Z'), remoteId: fc.constant(String(n)), dedupeKey: fc.constant(`ship:WO:${n}`) }) });
  }
  if (kind === 'crm.contact') {
    const payload = fc.record(
      { email: fc.constantFrom('ada@example.com', 'bo@example.com'), contact: fc.record({ firstName: text, company: text }, { requiredKeys: [] }), meta: fc.dictionary(text, text, { maxKeys: 2 }), ops: fc.array(tagOp, { maxLength: 3 }), batch: text, oneByOne: fc.boolean() },
      { requiredKeys: ['email', 'contact', 'meta', 'ops'] },
    );
    return fc.record({ ...base, id: fc.constant(`c${n}`), kind: fc.constant(kind), payload });
  }
  const operation = fc.record(
    { operationId: text, itemId: text, change: fc.record({ ref: fc.record({ id: text, email: text }), apply: fc.array(text, { maxLength: 2 }), remove: fc.array(text, { maxLength: 2 }) }), keys: fc.array(text, { maxLength: 2 }), fields: text },
    { requiredKeys: ['operationId', 'itemId', 'change'] },
  );
  const payload = fc.record({ intent: fc.constant(`b${n}`), notedAt: fc.constant('2026-03-01T00:00:00.000Z'), batchId: text, via: fc.constant('import' as const), operations: fc.array(operation, { maxLength: 2 }) }, { requiredKeys: ['intent', 'notedAt', 'operations'] });
  return fc.record({ ...base, id: fc.constant(`b${n}`), kind: fc.constant(kind), payload });
}

type Step =
  | { op: 'upsert'; item: QueuedWork; first: boolean }
  | { op: 'remove'; kind: WorkKind; key: number }
  | { op: 'fail'; kind: WorkKind; key: number; now: boolean; issue: boolean }
  | { op: 'complete'; kind: WorkKind; lane: number }
  | { op: 'tick'; ms: number }
  | { op: 'reopen' };

const kindArb = fc.constantFrom(...KINDS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: kindArb, n: fc.nat(KEYS - 1) }).chain(({ kind, n }) => fc.record({ op: fc.constant('upsert' as const), item: itemArb(kind, n), first: fc.boolean() })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), kind: kindArb, key: fc.nat(KEYS - 1) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('fail' as const), kind: kindArb, key: fc.nat(KEYS - 1), now: fc.boolean(), issue: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('complete' as const), kind: kindArb, lane: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 4_000_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

const keyOf = (kind: WorkKind, n: number) => (kind === 'shipping.push' ? `WO:${n}` : kind === 'crm.contact' ? `c${n}` : `b${n}`);

describe('the work queue against a model', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 30 })], { numRuns: 60 })('upsert, remove, fail and complete do what the model does, and a reopened folder holds the same queue', async (steps) => {
    const dir = await tempDir('br-queue-prop-');
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    let store: Store = await openStore(dir);
    let queue = new WorkQueue(store, clock, jsonRepositories(store));
    let model: QueuedWork[] = [];
    const errors = new Map<string, number>();

    for (const s of steps) {
      if (s.op === 'upsert') {
        const item = structuredClone(s.item);
        queue.upsert(structuredClone(item), { first: s.first });
        const at = model.findIndex((i) => i.kind === item.kind && workKey(i) === workKey(item));
        if (at !== -1) model[at] = item;
        else if (s.first) model.unshift(item);
        else model.push(item);
      } else if (s.op === 'remove') {
        const key = keyOf(s.kind, s.key);
        expect(queue.remove(s.kind, key)).toBe(model.some((i) => i.kind === s.kind && workKey(i) === key));
        model = model.filter((i) => !(i.kind === s.kind && workKey(i) === key));
      } else if (s.op === 'fail') {
        const key = keyOf(s.kind, s.key);
        const item = queue.get(s.kind, key);
        const expected = model.find((i) => i.kind === s.kind && workKey(i) === key);
        expect(item?.id).toBe(expected?.id);
        if (!item || !expected) continue;
        const issue = s.issue ? { source: { kind: 'backroom' as const, name: 'test' }, operation: { kind: 'test.work', args: { key } }, object: key } : undefined;
        queue.fail(item, new Error(`failed ${key}`), { now: s.now, ...(issue ? { issue } : {}) });
        expected.attempts++;
        expected.notBefore = new Date(clock.now().getTime() + (s.now ? 0 : backoffMs(expected.attempts))).toISOString();
        if (issue) errors.set(key, (errors.get(key) ?? 0) + 1);
      } else if (s.op === 'complete') {
        const lane = LANES[s.kind][s.lane]!;
        const now = clock.now().toISOString();
        const first = model.find((i) => i.kind === s.kind && i.lane === lane && !(i.notBefore && i.notBefore > now));
        const seen: string[] = [];
        const result = await queue.drain(lane, s.kind, (item) => {
          seen.push(item.id);
          return Promise.resolve({ status: 'done' });
        }, { limit: 1 });
        expect(seen).toEqual(first ? [first.id] : []);
        expect(result.done).toBe(first ? 1 : 0);
        model = model.filter((i) => i !== first);
      } else if (s.op === 'tick') {
        await clock.advance(s.ms);
      } else {
        await Promise.all([store.queue.save(), store.issues.save()]);
        store = await openStore(dir);
        queue = new WorkQueue(store, clock, jsonRepositories(store));
        await queue.reported;
        expect(store.queue.data.unreadable).toBeUndefined();
      }
      expect(queue.items).toEqual(model);
      for (const kind of KINDS) expect(queue.list(kind)).toEqual(model.filter((i) => i.kind === kind));
    }

    await Promise.all([store.queue.save(), store.issues.save()]);
    const reopened = await openStore(dir);
    expect(reopened.queue.data.items).toEqual(model);
    expect(reopened.queue.data.unreadable).toBeUndefined();
    const recorded = new Map(reopened.issues.data.errors.filter((e) => e.operation.kind === 'test.work').map((e) => [String(e.operation.args.key), e.attempts]));
    expect(recorded).toEqual(errors);
  });
});
