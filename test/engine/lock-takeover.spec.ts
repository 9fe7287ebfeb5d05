// A lock left by a dead process is taken over at once, not after the stale period; a live owner's
// lock is never taken.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_OWNER_FILE, processStartTime, tryLockDataDir } from '../../core/store/lock';
import { removeTempDirs, spawnTs, tempDir } from '../helpers';

afterEach(removeTempDirs);

describe('the data directory lock', () => {
  it('an owner SIGKILLed right after taking the lock (no endpoint file yet) does not block the next start', async () => {
    const dataDir = await tempDir('br-lock-');
    await mkdir(dataDir, { recursive: true });
    const holder = spawnTs('test/engine/fixtures/lock-holder.ts', [dataDir]);
    try {
      expect(await holder.waitForLine((l) => l === 'locked' || l === 'busy', 60_000)).toBe('locked');
      // While it lives, nobody else gets the lock.
      expect(await tryLockDataDir(dataDir, { waitMs: 0 })).toBeNull();
    } finally {
      holder.process.kill('SIGKILL');
    }
    await holder.exited;
    // No waiting for the stale period: the recorded owner is dead, so the lock is free now — also for
    // a caller prepared to wait minutes (it used to wait them out before looking at the owner).
    const release = await tryLockDataDir(dataDir, { waitMs: 300_000, staleMs: 600_000 });
    expect(release).not.toBeNull();
    // ...and it is a real lock again: a second taker is refused.
    expect(await tryLockDataDir(dataDir, { waitMs: 0 })).toBeNull();
    await release!();
  }, 60_000);

  it.runIf(process.platform === 'linux')('a pid now used by another program does not keep a dead owner\'s lock; the live owner\'s does', async () => {
    const dataDir = await tempDir('br-lock-');
    // A lock left behind, whose recorded pid is alive (our parent) but started at another time.
    await mkdir(join(dataDir, 'engine.lock'));
    await writeFile(join(dataDir, LOCK_OWNER_FILE), JSON.stringify({ pid: process.ppid, processStart: 'not-its-start' }));
    const release = await tryLockDataDir(dataDir, { waitMs: 0 });
    expect(release).not.toBeNull();
    await release!();

    await mkdir(join(dataDir, 'engine.lock'));
    await writeFile(join(dataDir, LOCK_OWNER_FILE), JSON.stringify({ pid: process.ppid, processStart: processStartTime(process.ppid) }));
    expect(await tryLockDataDir(dataDir, { waitMs: 0 })).toBeNull();
  });
});
