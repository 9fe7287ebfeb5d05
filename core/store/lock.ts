import lockfile from 'proper-lockfile';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FILES } from './layout';

export interface LockOptions {
  /** A lock not refreshed for this long is stale (its holder hung or died). */
  staleMs?: number;
  /** How long to keep trying while another process holds the lock. */
  waitMs?: number;
}

export type Release = () => Promise<void>;

/** The owner's pid, written beside the lock so a lock left by a dead process is recovered at once. */
export interface OwnerInfo {
  pid: number;
  endpoint: string;
  startedAt: string;
}

export async function readOwnerInfo(dataDir: string): Promise<OwnerInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, FILES.endpoint), 'utf8')) as OwnerInfo;
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory's lock (proper-lockfile: an atomic mkdir, refreshed while held, stale
 * when not refreshed). A lock whose recorded owner process is gone is removed straight away rather
 * than after the stale period. Returns null when a live process holds it.
 */
export async function tryLockDataDir(dataDir: string, options: LockOptions = {}): Promise<Release | null> {
  const staleMs = options.staleMs ?? 10_000;
  const lockfilePath = join(dataDir, FILES.lock);
  const attempt = () =>
    lockfile.lock(dataDir, {
      lockfilePath,
      realpath: false,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 2)),
      retries: options.waitMs ? { retries: Math.ceil(options.waitMs / 100), minTimeout: 100, maxTimeout: 100, factor: 1 } : 0,
      onCompromised: (error) => {
        // Another process took our lock (we were frozen past the stale period): stop writing at once.
        process.stderr.write(`backroom: lost the data directory lock (${error.message}); stopping to protect the data.\n`);
        process.exit(1);
      },
    });
  try {
    return await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
  }
  const owner = await readOwnerInfo(dataDir);
  if (owner && owner.pid !== process.pid && !isProcessAlive(owner.pid)) {
    await rm(lockfilePath, { recursive: true, force: true });
    await rm(join(dataDir, FILES.endpoint), { force: true });
    try {
      return await attempt();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
  }
  return null;
}
