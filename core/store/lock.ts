import lockfile from 'proper-lockfile';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { FILES } from './layout';

/**
 * Who holds the lock, written beside it the moment it is taken (before the store is even opened),
 * so a holder killed at any later point leaves a record saying it is gone. The lock itself is a
 * directory that proper-lockfile removes with rmdir, so the record cannot live inside it.
 */
export const LOCK_OWNER_FILE = `${FILES.lock}.owner`;

interface LockOwner {
  pid: number;
  /** The OS's start time of that process (Linux), so a pid reused by another program is not taken for the owner. */
  processStart?: string;
}

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

/** A process's start time as the kernel records it (Linux /proc; undefined elsewhere or when unreadable). */
export function processStartTime(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
    // state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function readLockOwner(dataDir: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(dataDir, LOCK_OWNER_FILE), 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, processStart: typeof owner.processStart === 'string' ? owner.processStart : undefined } : undefined;
  } catch {
    // Not there (an older Backroom, or killed within the instant after taking the lock): fall back to the endpoint file.
    const info = await readOwnerInfo(dataDir);
    return info && typeof info.pid === 'number' ? { pid: info.pid } : undefined;
  }
}

/** The recorded owner is gone: no such process, or the pid now belongs to a process that started later. */
function ownerIsGone(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return false;
  if (!isProcessAlive(owner.pid)) return true;
  if (owner.processStart === undefined) return false;
  const now = processStartTime(owner.pid);
  return now !== undefined && now !== owner.processStart;
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
      // Waiting is done below, so that a dead owner is noticed on every try rather than after the wait.
      retries: 0,
      onCompromised: (error) => {
        // Another process took our lock (we were frozen past the stale period): stop writing at once.
        process.stderr.write(`backroom: lost the data directory lock (${error.message}); stopping to protect the data.\n`);
        process.exit(1);
      },
    });
  const ownerPath = join(dataDir, LOCK_OWNER_FILE);
  const take = async (): Promise<Release> => {
    const release = await attempt();
    try {
      await writeFileAtomic(ownerPath, JSON.stringify({ pid: process.pid, processStart: processStartTime(process.pid) } satisfies LockOwner), { mode: 0o600 });
    } catch (error) {
      await release();
      throw error;
    }
    return async () => {
      await rm(ownerPath, { force: true });
      await release();
    };
  };
  const takeOrNull = async (): Promise<Release | null> => {
    try {
      return await take();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      return null;
    }
  };
  // Lock waiting is about other processes, not the sync clock: real time.
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const taken = (await takeOrNull()) ?? (await takeOverFromDeadOwner());
    if (taken) return taken;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  async function takeOverFromDeadOwner(): Promise<Release | null> {
    const owner = await readLockOwner(dataDir);
    if (!owner || !ownerIsGone(owner)) return null;
    // Read again just before removing: another starter may have taken over the dead owner's lock meanwhile.
    const again = await readLockOwner(dataDir);
    if (!again || again.pid !== owner.pid) return null;
    await rm(lockfilePath, { recursive: true, force: true });
    await rm(join(dataDir, FILES.endpoint), { force: true });
    return takeOrNull();
  }
}
