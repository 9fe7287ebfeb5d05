import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Errors Windows raises while antivirus or the indexer briefly holds the target file. */
const TRANSIENT_RENAME_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

export interface AtomicWriteOptions {
  /** Rename attempts when Windows holds the file (lowdb #581); each waits a little longer. */
  renameAttempts?: number;
  mode?: number;
}

/** A file's contents: text (written as UTF-8), bytes, or bytes in parts written one after another. */
export type FileContents = string | Uint8Array | readonly Uint8Array[];

/**
 * Writes `contents` so that after a crash or power cut the file holds either the old or the
 * new contents, never a torn or empty file: write a uniquely named temp file beside it, fsync
 * it, rename it over the target, then fsync the directory so the rename itself is durable.
 * (steno, lowdb's writer, renames without fsync, which is not enough after a power cut.)
 */
export async function writeFileAtomic(path: string, contents: FileContents, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', options.mode ?? 0o600);
    try {
      if (Array.isArray(contents)) await writeParts(handle, contents);
      else await handle.writeFile(contents as string | Uint8Array, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, path, options.renameAttempts ?? 8);
  } catch (error) {
    // The old file is untouched (the rename is the commit); the half-written temp must not linger.
    await unlink(temp).catch(() => undefined);
    throw StoreWriteError.from(path, error);
  }
  await syncDirectory(dirname(path));
}

const PART_CHUNK = 256 * 1024;

/**
 * Writes the parts in order through one 256 kB buffer, so no copy of the whole file is made: a
 * month of orders is 4 MB (40 MB at a million orders), and a copy per save was garbage that
 * held RSS up between collections.
 */
async function writeParts(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  const chunk = Buffer.allocUnsafe(PART_CHUNK);
  let used = 0;
  const writeAll = async (bytes: Uint8Array, length: number) => {
    for (let at = 0; at < length; ) at += (await handle.write(bytes, at, length - at)).bytesWritten;
  };
  for (const part of parts) {
    if (used + part.length > PART_CHUNK) {
      await writeAll(chunk, used);
      used = 0;
    }
    if (part.length > PART_CHUNK) await writeAll(part, part.length);
    else {
      chunk.set(part, used);
      used += part.length;
    }
  }
  await writeAll(chunk, used);
}

/** What a failed write means for the merchant, by the system's error code. */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'your disk quota is used up',
  EISDIR: 'there is a folder of that name where the file should be',
  EROFS: 'the disk is read-only',
  EACCES: 'Backroom is not allowed to write there (permission denied)',
  EPERM: 'the file is locked or Backroom is not allowed to write there',
  ENOENT: 'its folder no longer exists',
  ENOTDIR: 'part of the folder path is a file, not a folder',
  EMFILE: 'too many files are open at once',
  EIO: 'the disk reported an input/output error',
};

/** A data file could not be saved; the message says why in words and that the old contents are intact. */
export class StoreWriteError extends Error {
  constructor(readonly file: string, readonly code: string | undefined, message: string) {
    super(message);
    this.name = 'StoreWriteError';
  }

  static from(path: string, error: unknown): StoreWriteError {
    if (error instanceof StoreWriteError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = (code && WRITE_FAILURES[code]) ?? `the system said: ${(error as Error).message}`;
    return new StoreWriteError(
      path,
      code,
      `Could not save ${basename(path)} in ${dirname(path)}: ${why}. Nothing was saved: the file still holds what it held before. ` +
        (code === 'ENOSPC' || code === 'EDQUOT' ? 'Free some space, then try again.' : code === 'EISDIR' ? 'Move that folder away, then try again.' : 'Fix that, then try again.'),
    );
  }
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
