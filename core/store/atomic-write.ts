import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Errors Windows raises while antivirus or the indexer briefly holds the target file. */
const TRANSIENT_RENAME_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

export interface AtomicWriteOptions {
  /** Rename attempts when Windows holds the file (lowdb #581); each waits a little longer. */
  renameAttempts?: number;
  mode?: number;
}

/**
 * Writes `contents` so that after a crash or power cut the file holds either the old or the
 * new contents, never a torn or empty file: write a uniquely named temp file beside it, fsync
 * it, rename it over the target, then fsync the directory so the rename itself is durable.
 * (steno, lowdb's writer, renames without fsync, which is not enough after a power cut.)
 */
export async function writeFileAtomic(path: string, contents: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', options.mode ?? 0o600);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameWithRetry(temp, path, options.renameAttempts ?? 8);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

async function renameWithRetry(from: string, to: string, attempts: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (attempt >= attempts || !TRANSIENT_RENAME_CODES.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** fsync of a directory makes a rename durable on POSIX; Windows cannot open directories, and needs no such step. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
