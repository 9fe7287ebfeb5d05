import { createWriteStream } from 'node:fs';
import { link, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { describeLedgerEntry, indexCommitments } from '../model';
import type { RepositoryReaders } from '../store/repositories';

export const EXPORT_KINDS = ['orders', 'stock', 'ledger', 'carts'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Inclusive range of ISO instants; either end may be open. */
export interface ExportRange {
  from?: string;
  to?: string;
}

type Cell = string | number;

/**
 * A cell a spreadsheet would run as a formula (= + - @, or a tab or carriage return in front, which
 * some spreadsheets skip before looking) is written with a leading apostrophe, so a customer name
 * or SKU like `=HYPERLINK(…)` shows as text and never runs. Numbers stay numbers: a negative
 * change in the ledger is `-3`, not text.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const inRange = (at: string, range: ExportRange) => (!range.from || at >= range.from) && (!range.to || at <= range.to);

/** What an export reads: every repository's readers (it writes nothing to the store). */
export type ExportSource = Pick<RepositoryReaders, 'orders' | 'stock' | 'carts'>;

async function* orderRows(repos: ExportSource, range: ExportRange): AsyncGenerator<Cell[]> {
  // One month in memory at a time, oldest first: a million orders are never read at once.
  for await (const orders of repos.orders.byMonthOldestFirst()) {
    for (const o of orders.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.number.localeCompare(b.number))) {
      if (!inRange(o.createdAt, range)) continue;
      const head = [o.number, o.shop, o.status, o.createdAt, o.currency, o.total, o.customer.email, o.customer.firstName, o.customer.lastName, o.fulfilment];
      if (o.lines.length === 0) yield [...head, '', '', 0, 0, ''];
      for (const l of o.lines) yield [...head, l.sku, l.name, l.quantity, l.refundedQuantity, l.total];
    }
  }
}

async function* stockRows(repos: ExportSource, range: ExportRange): AsyncGenerator<Cell[]> {
  const points = await repos.stock.reorderPoints();
  if (range.to) {
    // Stock as it was at the end of the range, replayed from the ledger.
    for (const p of await repos.stock.at(range.to)) yield [p.sku, p.location ?? '(all locations)', p.onHand, p.committed, points[p.sku] ?? ''];
    return;
  }
  const items = new Map((await repos.stock.items()).map((item) => [item.sku, item]));
  const index = indexCommitments(await repos.stock.commitments());
  const skus = new Set([...items.keys(), ...[...index.byLocation.values()].flatMap((m) => [...m.keys()])]);
  for (const sku of [...skus].sort()) {
    const item = items.get(sku);
    const locations = new Set([...Object.keys(item?.onHand ?? {}), ...[...index.byLocation].filter(([, m]) => m.has(sku)).map(([l]) => l ?? '')]);
    for (const location of [...locations].sort()) {
      const held = index.byLocation.get(location === '' ? null : location)?.get(sku) ?? 0;
      yield [sku, location || '(all locations)', location ? (item?.onHand[location] ?? 0) : 0, held, points[sku] ?? ''];
    }
  }
}

async function* ledgerRows(repos: ExportSource, range: ExportRange): AsyncGenerator<Cell[]> {
  for await (const e of repos.stock.ledgerEntries(range)) {
    yield [e.seq, e.at, e.sku, e.location ?? '(all locations)', e.measure === 'onHand' ? 'on hand' : 'held for orders', e.delta, e.after, e.cause, e.ref ?? '', describeLedgerEntry(e)];
  }
}

async function* cartRows(repos: ExportSource, range: ExportRange): AsyncGenerator<Cell[]> {
  const carts = (await repos.carts.list()).sort((a, b) => a.capturedAt.localeCompare(b.capturedAt));
  for (const c of carts) {
    if (!inRange(c.capturedAt, range)) continue;
    yield [c.id, c.shop, c.email, c.name, c.state, c.capturedAt, c.stateChangedAt, c.currency, c.total, c.items.map((i) => `${i.sku || i.name} × ${i.quantity}`).join('; '), c.cartUrl];
  }
}

const SHEETS: Record<ExportKind, { columns: string[]; rows: (repos: ExportSource, range: ExportRange) => AsyncGenerator<Cell[]> }> = {
  orders: { columns: ['order', 'shop', 'status', 'created_at', 'currency', 'order_total', 'email', 'first_name', 'last_name', 'fulfilment', 'sku', 'line', 'quantity', 'refunded', 'line_total'], rows: orderRows },
  stock: { columns: ['sku', 'location', 'on_hand', 'held_for_orders', 'reorder_point'], rows: stockRows },
  ledger: { columns: ['seq', 'time', 'sku', 'location', 'quantity', 'change', 'after', 'cause', 'reference', 'story'], rows: ledgerRows },
  carts: { columns: ['cart', 'shop', 'email', 'name', 'state', 'captured_at', 'state_changed_at', 'currency', 'total', 'items', 'cart_url'], rows: cartRows },
};

/**
 * Writes one CSV export, streaming row by row (a million ledger lines never sit in memory), to a
 * temporary file beside `path` that is renamed into place when complete: a half-written export is
 * never left under the name asked for. UTF-8 with a byte-order mark, because Excel on Windows
 * reads a CSV without one in the local code page and garbles accented names; LibreOffice, Numbers,
 * Google Sheets and Backroom's own import all accept the mark.
 */
export async function writeExportFrom(repos: ExportSource, kind: ExportKind, path: string, range: ExportRange): Promise<ExportResult> {
  const sheet = SHEETS[kind];
  if (await exists(path)) throw new ExportTargetError(`${path} already exists; Backroom never overwrites a file with an export. Choose another name, or move the old file away.`);
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let rows = 0;
  const counted = async function* () {
    for await (const row of sheet.rows(repos, range)) {
      rows++;
      yield row;
    }
  };
  try {
    await pipeline(
      Readable.from(counted()),
      stringify({ header: true, columns: sheet.columns, bom: true, record_delimiter: 'windows', cast: { string: safeCell } }),
      createWriteStream(temp, { mode: 0o600 }),
    );
    // A link, not a rename: it fails if the name was taken meanwhile, so nothing is ever overwritten.
    await link(temp, path).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? new ExportTargetError(`${path} already exists; Backroom never overwrites a file with an export.`) : error;
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return { kind, path, rows };
}

export interface ExportResult {
  kind: ExportKind;
  path: string;
  rows: number;
}

/** The place asked for cannot take the export (it exists, or is not an empty folder). */
export class ExportTargetError extends Error {}

const exists = (path: string) => stat(path).then(() => true, (error: NodeJS.ErrnoException) => error.code !== 'ENOENT');

/** For `export all`: the folder must be new or empty, so a backup never mixes with an older one. */
export async function checkExportFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) throw new ExportTargetError(`${dir} is a file; export all writes a folder. Choose a new folder name.`);
  if ((await readdir(dir)).length) throw new ExportTargetError(`${dir} is not empty; export all writes into a new or empty folder, so a backup never mixes with an older one.`);
}
