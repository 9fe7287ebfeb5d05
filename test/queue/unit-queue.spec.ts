// The work queue through the repositories (core/runtime/queue.ts): what a unit queues (queueIn),
// a failure recorded with its error entry in one unit (failJob), and a drain whose outcomes are
// written as they come — read back from a reopened folder, as a restart would find them.
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkOf } from '../../core/model/work';
import { PlatformError } from '../../core/platforms/errors';
import { FakeClock } from '../../core/runtime/clock';
import { backoffMs, WorkQueue } from '../../core/runtime/queue';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const AT = '2026-11-20T09:00:00.000Z';
const push = (id: string, order: string): WorkOf<'shipping.push'> => ({
  id, lane: 'shop:Main', kind: 'shipping.push', enqueuedAt: AT, attempts: 0, payload: { order, createdAt: AT, remoteId: order, dedupeKey: `ship:${order}` },
});
const batch = (id: string): WorkOf<'crm.batch'> => ({ id, lane: 'shop:Main', kind: 'crm.batch', enqueuedAt: AT, attempts: 0, payload: { intent: id, notedAt: AT, operations: [] } });

async function opened(dir: string, clock: FakeClock) {
  const store = await openStore(dir);
  const repos = jsonRepositories(store);
  return { store, repos, queue: new WorkQueue(store, clock, repos) };
}

describe('the work queue in units of the repositories', () => {
  it('queues by key in a unit: a push of the same order replaces the queued one in its place, a batch goes first, remove goes by key', async () => {
    const dir = await tempDir('br-unit-queue-');
    const clock = new FakeClock(AT);
    const first = await opened(dir, clock);
    await first.repos.write(async (w) => {
      const queue = first.queue.queueIn(w);
      await queue.upsert(push('q1', 'MA-1'));
      await queue.upsert(push('q2', 'MA-2'));
      await queue.upsert({ ...push('q9', 'MA-1'), attempts: 2 });
      await queue.upsert(batch('b1'), { first: true });
      expect(await queue.remove('shipping.push', 'MA-2')).toBe(true);
      expect(await queue.remove('shipping.push', 'MA-2')).toBe(false);
    });
    const again = await opened(dir, clock);
    expect((await again.repos.queue.list()).map((i) => [i.id, i.attempts])).toEqual([['b1', 0], ['q1', 2]]);
  });

  it('failJob writes one more attempt, the back-off and the error entry together', async () => {
    const dir = await tempDir('br-unit-queue-');
    const clock = new FakeClock(AT);
    const first = await opened(dir, clock);
    await first.repos.write((w) => w.queue.put(push('q1', 'MA-1')));
    const item = (await first.repos.queue.find('shipping.push', 'MA-1'))!;
    const issue = { source: { kind: 'shop' as const, name: 'Main' }, operation: { kind: 'shipping.push', args: { order: 'MA-1' } }, object: 'shipping of order MA-1' };
    const words = await first.queue.failJob(item, new PlatformError('transient', 'The shop did not answer.'), { issue });
    expect(item.attempts, "the caller's copy is told too").toBe(1);
    const again = await opened(dir, clock);
    expect(await again.repos.queue.get('q1')).toMatchObject({ attempts: 1, notBefore: new Date(Date.parse(AT) + backoffMs(1)).toISOString() });
    const errors = await again.repos.issues.errors();
    expect(errors.map((e) => [e.object, e.message])).toEqual([['shipping of order MA-1', words]]);
  });

  it('a drain writes each outcome as it comes, and an item taken off while it ran stays off', async () => {
    const dir = await tempDir('br-unit-queue-');
    const clock = new FakeClock(AT);
    const first = await opened(dir, clock);
    await first.repos.write(async (w) => {
      for (const [id, order] of [['q1', 'MA-1'], ['q2', 'MA-2'], ['q3', 'MA-3']] as const) await w.queue.put(push(id, order));
    });
    const result = await first.queue.drain('shop:Main', 'shipping.push', async (item) => {
      if (item.id === 'q1') return { status: 'done' };
      // Pushed by a retry of its error while the drain waited on it: the retry takes it off.
      if (item.id === 'q2') await first.repos.write((w) => w.queue.remove('q2'));
      return { status: 'wait', afterMs: 60_000, message: 'waiting for the rest of the order' };
    });
    expect(result).toEqual({ done: 1, retried: 2, waiting: 1 });
    const again = await opened(dir, clock);
    expect(await again.repos.queue.list()).toEqual([{ ...push('q3', 'MA-3'), attempts: 1, notBefore: new Date(Date.parse(AT) + 60_000).toISOString() }]);
  });
});
