import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';

export const BACKUPS_KEPT = 7;

/**
 * Keeps one snapshot a day of the data files, the last `keep` days. Files are hard-linked where
 * the file system allows: every save replaces a data file by rename, so a link keeps the old
 * contents for free. Otherwise they are copied.
 */
export async function rotateBackups(dataDir: string, files: string[], today: string, keep = BACKUPS_KEPT): Promise<string | null> {
  const root = join(dataDir, 'backups');
  const target = join(root, today);
  if (await exists(target)) return null;
  const present = [];
  for (const file of files) if (await exists(file)) present.push(file);
  if (present.length === 0) return null;
  const staging = `${target}.partial`;
  await rm(staging, { recursive: true, force: true });
  for (const file of present) {
    const to = join(staging, relative(dataDir, file));
    await mkdir(dirname(to), { recursive: true });
    await link(file, to).catch(() => copyFile(file, to));
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
