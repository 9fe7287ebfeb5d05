// The error list's retry on an item of queue.json kept aside as unreadable: there is nothing the
// engine could run, so retry says so — which item, what is wrong with it, that it is kept as it is —
// and changes nothing (the item stays aside, its error stays listed, no work is queued).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../core/api/errors';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { FakeClock } from '../../core/runtime/clock';
import { removeTempDirs, tempDir } from '../helpers';

let host: EngineHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  await removeTempDirs();
});

const broken = { id: 'q2', lane: 'shop:Main', kind: 'shipping.push', payload: {}, enqueuedAt: 'x', attempts: 'three' };

async function hostWithBrokenItem(): Promise<{ dir: string; host: EngineHost }> {
  const dir = await tempDir('br-queue-retry-');
  await writeFile(join(dir, 'queue.json'), JSON.stringify({ schemaVersion: 1, items: [broken], ledger: {}, customers: {}, crmSent: {} }));
  const opened = await hostEngine({ dataDir: dir, serve: false, clock: new FakeClock('2026-11-02T00:00:00Z') });
  if (!opened) throw new Error('could not host the engine');
  return { dir, host: opened };
}

describe('retrying the error of an unreadable queued item', () => {
  test('is refused in words: which item, what is wrong with it, that it is kept as it is; nothing changes', async () => {
    const world = await hostWithBrokenItem();
    host = world.host;
    const errors = await host.client.call('errors.list', {});
    expect(errors).toHaveLength(1);
    const queueBefore = JSON.stringify(host.store.queue.data);

    const refused = await host.client.call('errors.retry', { id: errors[0]!.id }).then(
      () => undefined,
      (e: unknown) => ApiError.from(e),
    );
    expect(refused, 'retry must refuse, not pretend to run the item').toBeDefined();
    // The caller's to resolve (restore or dismiss), not an operation that failed: the CLI exits 2.
    expect(refused!.code).toBe('conflict');
    expect(refused!.message).toMatch(/q2/);
    expect(refused!.message).toMatch(/can't be retried/);
    expect(refused!.message).toMatch(/attempts/); // what is wrong with it
    expect(refused!.message).toMatch(/kept as it is/);
    expect(refused!.message).not.toMatch(/does not know how/);

    expect(JSON.stringify(host.store.queue.data)).toBe(queueBefore);
    expect((await host.client.call('errors.list', {})).map((e) => e.id)).toEqual([errors[0]!.id]);
    await host.store.queue.save();
    const onDisk = JSON.parse(await readFile(join(world.dir, 'queue.json'), 'utf8')) as { items: unknown[]; unreadable: { item: unknown }[] };
    expect(onDisk.items).toEqual([]);
    expect(onDisk.unreadable.map((u) => u.item)).toEqual([broken]);
  });
});
