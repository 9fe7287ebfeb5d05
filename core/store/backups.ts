import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';

export const BACKUPS_KEPT = 7;

/**
 * Keeps one snapshot a day of the data files, the last `keep` days. Files are hard-linked where
 * the file system allows: every save replaces a data file by rename, so a link keeps the old
 * contents for free. Otherwise they are copied. Files in `appended` (the ledger's month files, the
 * stock change log) are written in place, by append, so they are always copied: a link would take in
 * later appends. Files are taken in the order given (`appended` ones not in `files` last).
 */
export async function rotateBackups(dataDir: string, files: string[], today: string, keep = BACKUPS_KEPT, appended: readonly string[] = []): Promise<string | null> {
  const root = join(dataDir, 'backups');
  const target = join(root, today);
  if (await exists(target)) return null;
  const present = [];
  for (const file of new Set([...files, ...appended])) if (await exists(file)) present.push(file);
  const copyOnly = new Set(appended);
  if (present.length === 0) return null;
  const staging = `${target}.partial`;
  await rm(staging, { recursive: true, force: true });
  for (const file of present) {
    const to = join(staging, relative(dataDir, file));
    await mkdir(dirname(to), { recursive: true });
    if (copyOnly.has(file)) await copyFile(file, to);
    else await link(file, to).catch(() => copyFile(file, to));
  }
  await rename(staging, target);
  const days = (await readdir(root)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  for (const old of days.slice(0, Math.max(0, days.length - keep))) await rm(join(root, old), { recursive: true, force: true });
  return target;
}

/** Copies a file aside before a migration rewrites it, so an upgrade can always be undone. */
export async function backupBeforeMigration(dataDir: string, file: string, fromVersion: number): Promise<void> {
  const to = join(dataDir, 'backups', `before-schema-${fromVersion + 1}`, relative(dataDir, file));
  await mkdir(dirname(to), { recursive: true });
  await copyFile(file, to);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** The part of a clock the backup schedule needs (kept structural so the store layer imports no engine code). */
export interface BackupClock {
  now(): Date;
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * Checks every `everyMs` of the clock whether today's backup exists, and takes it if not. The next
 * check is planned the moment a check falls due, not once the backup is written: a backup takes
 * real time on the disk, and planning after it let clock time that passed meanwhile go unchecked
 * (a long-running engine on a slow disk skipped days). Backups run one after another, each for the
 * day its check fell on. `stop` cancels the next check and waits for a backup being written.
 */
export function scheduleDailyBackups(clock: BackupClock, takeBackup: (day: string) => Promise<unknown>, everyMs: number): { stop(): Promise<void> } {
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;
  let cancel = () => {};
  const plan = () => {
    cancel = clock.setTimer(everyMs, () => {
      if (stopped) return;
      const day = clock.now().toISOString().slice(0, 10);
      plan();
      // A failed backup is tried again at the next check; it must never stop the engine.
      writing = writing.then(() => takeBackup(day)).then(() => undefined, () => undefined);
    });
  };
  plan();
  return {
    async stop() {
      stopped = true;
      cancel();
      await writing;
    },
  };
}
