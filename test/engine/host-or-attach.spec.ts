// One way for every front end (command line, terminal UI, desktop app) to reach the engine of a
// data folder: attach to the one that runs, or host it when none does — never two owners. Attacked
// with a real engine in a child process, SIGKILLed mid-life, and with a holder that never answers.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hostEngine, hostOrAttach, type Reached } from '../../core/host/host';
import { DataDirLockedError } from '../../core/store';
import { removeTempDirs, spawnTs, tempDir, type Child } from '../helpers';

const open: Reached[] = [];
const children: Child[] = [];
const track = (reached: Reached) => (open.push(reached), reached);
afterEach(async () => {
  for (const r of open.splice(0).reverse()) await r.close();
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
});
afterAll(removeTempDirs);

describe('hostOrAttach', () => {
  it('hosts when nothing runs; a second caller attaches to that engine, whichever it tries first', async () => {
    const dataDir = await tempDir();
    const first = track(await hostOrAttach({ dataDir, serve: true }));
    expect(first.hosted).toBe(true);
    await first.client.call('location.add', { name: 'Warehouse' });
    for (const order of ['attach', 'host'] as const) {
      const second = track(await hostOrAttach({ dataDir, serve: true, first: order, waitMs: 5000 }));
      expect(second.hosted, `first: ${order}`).toBe(false);
      const status = await second.client.call('status');
      expect(status.via).toBe('engine');
      expect(status.engine?.pid).toBe(process.pid);
      expect((await second.client.call('location.list')).map((l) => l.name)).toEqual(['Warehouse']);
    }
  });

  it('attaches to an engine in another process; after that process is SIGKILLed, the next caller hosts', async () => {
    const dataDir = await tempDir();
    const child = spawnTs('test/fixtures/host-engine.ts', [dataDir]);
    children.push(child);
    const pid = Number((await child.waitForLine((l) => l.startsWith('ready '))).split(' ')[1]);

    const attached = track(await hostOrAttach({ dataDir, serve: true }));
    expect(attached.hosted).toBe(false);
    expect((await attached.client.call('status')).engine?.pid).toBe(pid);
    await attached.close();
    open.pop();

    child.process.kill('SIGKILL');
    await child.exited;
    // The endpoint file and the lock are left behind; neither may keep the merchant out.
    const after = track(await hostOrAttach({ dataDir, serve: true, waitMs: 10_000 }));
    expect(after.hosted).toBe(true);
    expect((await after.client.call('status')).via).toBe('engine');
  });

  it('a holder that never answers: refused in words after the wait, and hosted once the holder lets go', async () => {
    const dataDir = await tempDir();
    // A one-off command's brief hold: the lock, no socket to attach to.
    const holder = (await hostEngine({ dataDir, serve: false }))!;
    const refused = await hostOrAttach({ dataDir, serve: true, waitMs: 0 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(dataDir);
    expect((refused as Error).message).toMatch(/not answering.*try again/);

    const waiting = hostOrAttach({ dataDir, serve: true, waitMs: 20_000 });
    await holder.close();
    const reached = track(await waiting);
    expect(reached.hosted).toBe(true);
  });
});
