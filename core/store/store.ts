import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { backupBeforeMigration, rotateBackups } from './backups';
import { JsonDocument, type DocumentSpec, type Versioned } from './json-document';
import { applyCursorMove, cursorReader, cursorsSpec, markersFromOldSettings, type CursorMove, type CursorReader, type CursorsData } from './cursors';
import { cartsSpec, FILES, issuesSpec, mainSpec, queueSpec, stockSpec, type CartsData, type IssuesData, type MainData, type QueueData, type StockData } from './layout';
import { jsonLedger, type StockLedger } from './ledger';
import { OrderBook } from './order-book';
import { stockLog } from './stock-log';
import { recountChangedMonths } from './order-counts';
import { CATALOGUE_FILE, catalogueSpec } from './catalogue';
import type { CatalogueData } from '../model';
import { openSecretStore, type SecretStore } from './secrets';

/**
 * The local store: a handful of JSON documents in one data directory, owned by one process.
 * Change a document's `data` in place, then `await doc.save()`. Sync markers are the exception:
 * they are read through `cursors` and moved only by `checkpoint`.
 */
export interface Store {
  readonly dataDir: string;
  readonly main: JsonDocument<MainData>;
  readonly stock: JsonDocument<StockData>;
  readonly issues: JsonDocument<IssuesData>;
  readonly carts: JsonDocument<CartsData>;
  readonly queue: JsonDocument<QueueData>;
  /** SKU aliases, kits and the SKUs shops use that the catalogue lacks. */
  readonly catalogue: JsonDocument<CatalogueData>;
  readonly orders: OrderBook;
  /** Every change of on hand and of stock held for orders, written with the change (see ledger.ts). */
  readonly ledger: StockLedger;
  readonly secrets: SecretStore;
  /** Each shop's sync markers (cursors, last sent, last runs) and order counts; read-only. */
  readonly cursors: CursorReader;
  /**
   * Makes every change staged or made so far (orders, stock, issues, carts, queue) durable, and only
   * then moves the given markers. The one way a marker changes: a crash at any point leaves markers
   * that cover at most the data on disk. (A database store does both in one transaction.)
   */
  checkpoint(...moves: CursorMove[]): Promise<void>;
  /** True when this data directory had no Backroom data before. */
  readonly fresh: boolean;
  /** Waits for all pending writes. */
  flush(): Promise<void>;
  /** Takes the day's backup snapshot unless it exists (YYYY-MM-DD); returns its folder, or null. */
  backup(day: string): Promise<string | null>;
}

export interface OpenStoreOptions {
  /** Today's date (YYYY-MM-DD), for the daily backup; omit to skip backups (e.g. short CLI runs). */
  backupDay?: string;
  secrets?: SecretStore;
  /**
   * Count each shop's orders from the order files and correct the kept counts. A kill between a
   * checkpoint's order write and its marker write leaves counts short (never long): the engine's
   * owner recounts when it starts, so they are exact again. Reads only the month files written since
   * the counts were last made (order-counts.ts).
   */
  recountOrders?: boolean;
  /**
   * Called just before each write of a document (settings, stock, issues, carts, queue, catalogue,
   * cursors) with its file name. For crash tests: a copy of the folder taken there is what a kill
   * at that moment leaves behind.
   */
  beforeWrite?: (file: string) => void;
}

/** Opens the store. The caller must hold the data directory lock. */
export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const onMigrate = (path: string, from: number) => backupBeforeMigration(dataDir, path, from);
  const watched = <T extends Versioned>(name: string, spec: DocumentSpec<T>): DocumentSpec<T> => {
    const { beforeWrite } = options;
    if (!beforeWrite) return spec;
    const { write } = spec;
    return {
      ...spec,
      serialize: (data) => {
        beforeWrite(name);
        return spec.serialize ? spec.serialize(data) : JSON.stringify(data);
      },
      ...(write && {
        write: (data: T, whole: (contents: string | Uint8Array) => Promise<void>) => {
          beforeWrite(name);
          return write(data, whole);
        },
      }),
    };
  };
  const open = async <T extends Versioned>(name: string, spec: DocumentSpec<T>) => JsonDocument.open(join(dataDir, name), watched(name, spec), onMigrate);

  const cursors = await openCursors(dataDir, onMigrate, watched(FILES.cursors, cursorsSpec));
  const ledgerFiles = jsonLedger(dataDir);
  const stockChanges = stockLog(dataDir);
  /** Set once stock.json is open (its migration, if any, writes before). */
  let stockDoc: JsonDocument<StockData> | undefined = undefined;
  /**
   * Entries the ledger has just copied to its month files may be most of stock.json (a folder's
   * opening balance, a large import): it is rewritten without them now, so no later open parses them.
   * A kill before that rewrite leaves them in both places, and the month file's seq skips them.
   */
  const dropCopiedLedgerEntries = (): Promise<void> | undefined => (stockDoc && stockChanges.holdsCopiedLedger(stockDoc.data) ? stockDoc.save() : undefined);
  const stockWithLedger: DocumentSpec<StockData> = {
    ...stockSpec,
    replay: (raw) => stockChanges.replay(raw),
    // The ledger learns what this write holds (a log line or the whole file carries its pending entries).
    write: (data, whole) => {
      ledgerFiles.hooks.serialized(data);
      return stockChanges.write(data, whole);
    },
    afterWrite: async () => {
      await ledgerFiles.hooks.written();
      // Not awaited: that save waits for this write, which is still finishing. A failure there loses
      // nothing (the entries are in both places) and the next write tries again.
      dropCopiedLedgerEntries()?.catch(() => undefined);
    },
  };
  const [main, stock, issues, carts, queue, catalogue] = await Promise.all([
    open(FILES.main, mainSpec),
    open(FILES.stock, stockWithLedger),
    open(FILES.issues, issuesSpec),
    open(FILES.carts, cartsSpec),
    open(FILES.queue, queueSpec),
    open(CATALOGUE_FILE, catalogueSpec),
  ]);
  await carryCrmRunsFromSettings(main.doc, cursors);
  const documents = [main.doc, stock.doc, issues.doc, carts.doc, queue.doc, catalogue.doc, cursors];
  // What a checkpoint makes durable before it moves a marker: everything a marker can cover.
  const covered = [stock.doc, issues.doc, carts.doc, queue.doc, catalogue.doc];
  const orders = new OrderBook(join(dataDir, FILES.ordersDir), onMigrate);
  stockChanges.opened(stock.doc.data, stock.existed);
  stockDoc = stock.doc;
  const ledger = await ledgerFiles.open(stock.doc);
  // Entries copied by the ledger's open, or left in stock.json by an earlier Backroom.
  await dropCopiedLedgerEntries();

  const backup = async (day: string) => {
    const monthFiles = (await orders.listMonths()).map((m) => join(dataDir, FILES.ordersDir, `${m}.json`));
    // The stock change log before stock.json: a copy of an older log beside a newer stock.json is skipped by line number.
    return rotateBackups(dataDir, [stockChanges.path, ...documents.map((d) => d.path), ...monthFiles], day, undefined, [stockChanges.path, ...(await ledger.monthFiles())]);
  };
  if (options.backupDay) await backup(options.backupDay);
  if (options.recountOrders) await recountChangedMonths(join(dataDir, FILES.ordersDir), cursors);
  // Write the settings file on first open so the data directory is recognisably Backroom's.
  if (!main.existed) await main.doc.save();

  return {
    dataDir,
    main: main.doc,
    stock: stock.doc,
    issues: issues.doc,
    carts: carts.doc,
    queue: queue.doc,
    catalogue: catalogue.doc,
    orders,
    ledger,
    secrets: options.secrets ?? (await openSecretStore(dataDir)),
    cursors: cursorReader(cursors),
    async checkpoint(...moves) {
      // What the orders imply first (the stock they hold, their CRM work and customer totals, carts,
      // alerts), then the orders: a re-pull skips an order already on disk as unchanged, so whatever
      // it implies must never reach the disk after it. All of that is keyed by order, so a crash
      // before the orders are written leaves nothing the re-pull would count twice.
      // Only the orders staged by now, with what they imply already in memory: the covered documents'
      // text is taken as each write begins, so an order staged while they are being written (by a pull
      // running beside this checkpoint) has its CRM work in none of them, and waits for the next one.
      const sealed = orders.seal();
      await Promise.all(covered.map((d) => d.save()));
      await orders.write(sealed);
      // The data is on disk: now, and only now, the markers may say so.
      for (const move of moves) applyCursorMove(cursors.data, move);
      await cursors.save();
    },
    fresh: !main.existed,
    async flush() {
      // Staged orders are written as a checkpoint writes them: after what they imply.
      const sealed = orders.seal();
      if (sealed.size) await Promise.all(covered.map((d) => d.save()));
      await orders.write(sealed);
      await Promise.all(documents.map((d) => d.flush()));
    },
    backup,
  };
}

/**
 * Opens cursors.json. A data folder from before it existed has its markers in backroom.json:
 * they are written to cursors.json first, durably, so the settings migration can drop them.
 */
async function openCursors(dataDir: string, onMigrate: (path: string, from: number) => Promise<void>, spec: DocumentSpec<CursorsData>) {
  const { doc, existed } = await JsonDocument.open(join(dataDir, FILES.cursors), spec, onMigrate);
  if (!existed) {
    const carried = await markersFromOldSettings(join(dataDir, FILES.main));
    if (carried) {
      Object.assign(doc.data, carried);
      await doc.save();
    }
  }
  return doc;
}

/**
 * Earlier versions kept when each CRM last ran in backroom.json, where any settings save wrote it.
 * It is written to cursors.json first (entries cursors.json lacks), durably, and only then dropped
 * from the settings: a kill in between carries it again on the next open, changing nothing.
 */
async function carryCrmRunsFromSettings(main: JsonDocument<MainData>, cursors: JsonDocument<CursorsData>): Promise<void> {
  const old = main.data.crmLastRun;
  if (!old) return;
  for (const [crm, at] of Object.entries(old)) cursors.data.crmLastRun[crm] ??= at;
  await cursors.save();
  delete main.data.crmLastRun;
  await main.save();
}


