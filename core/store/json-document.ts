import { readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { writeFileAtomic, type FileContents } from './atomic-write';
import { StoreFileError } from './errors';

/** Every data file carries its schema version so an older Backroom never overwrites a newer file. */
export interface Versioned {
  schemaVersion: number;
}

/** A migration turns a file of version `from` into version `from + 1`. */
export interface Migration {
  from: number;
  migrate(data: Record<string, unknown>): Record<string, unknown>;
}

export interface DocumentSpec<T extends Versioned> {
  /** Short name used in messages, e.g. `backroom.json`. */
  label: string;
  version: number;
  create(): T;
  migrations?: Migration[];
  /** Checks the parsed contents; throws with a message naming the field when they are unusable. */
  validate?(data: unknown): T;
  /**
   * Turns the contents into the file's text: exactly what `JSON.stringify(data)` gives, as a string,
   * as its UTF-8 bytes, or as those bytes in parts (the file stays plain JSON). Lets a large document
   * reuse the text of the parts that did not change instead of re-serialising everything on every save.
   */
  serialize?(data: T): FileContents;
  /** Runs after each durable write, before the save resolves (the stock ledger moves its staged entries on). */
  afterWrite?(): Promise<void>;
  /** Amends the contents as read (after migration, before validation): stock.json applies its change log. */
  replay?(raw: Record<string, unknown>): Promise<void>;
  /**
   * Makes the contents durable in place of the plain atomic rewrite; `whole` is that rewrite. Lets
   * stock.json append a small change to its log instead of rewriting every SKU.
   */
  write?(data: T, whole: (contents: string | Uint8Array) => Promise<void>): Promise<void>;
}

/** lowdb adapter: reads strictly (a file that does not parse is an error, never "empty") and writes atomically and durably. */
class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    private readonly path: string,
    private readonly serialize: (data: T) => FileContents = (data) => JSON.stringify(data),
    private readonly custom?: (data: T, whole: (contents: string | Uint8Array) => Promise<void>) => Promise<void>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new StoreFileError(this.path, 'corrupt',
        `the file is not valid JSON (${(error as Error).message}). Backroom has left it untouched. ` +
        'Restore it from the backups folder in the data directory, or move it aside to start that part afresh.');
    }
  }

  async write(data: T): Promise<void> {
    if (this.custom) await this.custom(data, (contents) => writeFileAtomic(this.path, contents));
    else await writeFileAtomic(this.path, this.serialize(data));
  }
}

/**
 * One JSON data file held in memory. Callers change `data` in place and `await save()`: when the
 * promise resolves, that change is on disk. Saves made while a write is running are coalesced into
 * the next single write, so a burst of changes costs one or two writes, never one per change, and
 * no change is dropped (unlike a plain steno writer, which keeps only the latest pending write).
 */
export class JsonDocument<T extends Versioned> {
  private readonly low: Low<T>;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  writes = 0;

  private constructor(readonly path: string, readonly spec: DocumentSpec<T>) {
    this.low = new Low<T>(new DurableJsonFile<T>(path, spec.serialize?.bind(spec), spec.write?.bind(spec)), spec.create());
  }

  get data(): T {
    return this.low.data;
  }

  /** Opens (or creates in memory) the file: refuses corrupt and newer files, migrates older ones. */
  static async open<T extends Versioned>(path: string, spec: DocumentSpec<T>, onMigrate?: (path: string, from: number) => Promise<void>): Promise<{ doc: JsonDocument<T>; existed: boolean }> {
    await removeStaleTempFiles(path);
    const doc = new JsonDocument(path, spec);
    const raw = await doc.low.adapter.read();
    if (raw === null) return { doc, existed: false };
    if (typeof raw !== 'object' || Array.isArray(raw) || typeof (raw as Versioned).schemaVersion !== 'number') {
      throw new StoreFileError(path, 'invalid', 'the file has no schemaVersion, so it is not a Backroom data file or it was damaged. Backroom has left it untouched; restore it from the backups folder or move it aside.');
    }
    let data = raw as unknown as Record<string, unknown> & Versioned;
    if (data.schemaVersion > spec.version) {
      throw new StoreFileError(path, 'newer-version',
        `the file was written by a newer Backroom (schema ${data.schemaVersion}; this one reads up to ${spec.version}). ` +
        'Backroom has left it untouched. Install the newer Backroom again, or point --data-dir at another folder.');
    }
    const migrated = data.schemaVersion < spec.version;
    if (migrated) {
      await onMigrate?.(path, data.schemaVersion);
      while (data.schemaVersion < spec.version) {
        const step = spec.migrations?.find((m) => m.from === data.schemaVersion);
        if (!step) throw new StoreFileError(path, 'invalid', `no migration from schema ${data.schemaVersion}; the file was left untouched.`);
        data = { ...step.migrate(data), schemaVersion: data.schemaVersion + 1 } as typeof data;
      }
    }
    await spec.replay?.(data);
    try {
      doc.low.data = spec.validate ? spec.validate(data) : (data as unknown as T);
    } catch (error) {
      throw new StoreFileError(path, 'invalid', `${(error as Error).message}. Backroom has left the file untouched; correct it or restore it from the backups folder.`);
    }
    if (migrated) await doc.save();
    return { doc, existed: true };
  }

  /** Persists the current contents. Resolves once a write that includes every change made so far is durable. */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.inFlight ?? Promise.resolve();
    // Start on the next macrotask so changes made in the same tick share this write.
    const next = previous
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        this.queued = null;
        this.inFlight = next;
        try {
          this.writes++;
          await this.low.write();
          await this.spec.afterWrite?.();
        } finally {
          if (this.inFlight === next) this.inFlight = null;
        }
      });
    this.queued = next;
    return next;
  }

  /** Waits for every write already asked for. */
  async flush(): Promise<void> {
    while (this.queued || this.inFlight) await (this.queued ?? this.inFlight)?.catch(() => undefined);
  }
}

/** True while a process with this id exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // not a pid we wrote: leave it alone
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files (`.NAME.PID.RAND.tmp`, named by writeFileAtomic) that a process killed
 * mid-write left beside `path`. Only those of dead processes: a live one may be writing right now.
 * A dead writer's temp never holds committed data (the rename is the commit), so removing it loses nothing.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no directory yet, or unreadable: opening the file itself reports what matters
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (!match || isAlive(Number(match[1]))) continue;
    // Best effort: a temp that cannot be removed now (Windows may hold it) is harmless and retried next open.
    if (await unlink(join(dir, name)).then(() => true, () => false)) removed.push(name);
  }
  return removed;
}
