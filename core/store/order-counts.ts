import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CursorsData } from './cursors';
import type { JsonDocument } from './json-document';

const MONTH_FILE = /^(\d{4}-\d{2})\.json$/;

/** What a month file looked like when its orders were counted: orders are only ever added, so a file whose orders changed in number changed in size. */
export const monthFingerprint = (s: { size: number; mtimeMs: number }): string => `${s.size}:${Math.trunc(s.mtimeMs)}`;

/**
 * Makes the kept order counts exact again when the engine's owner starts. A kill between a
 * checkpoint's order write and its marker write leaves counts short (never long); only the month
 * files written since the counts were last made can be the cause, so only those are read (the
 * current month, as a rule), each month file directly and one at a time, never kept in memory.
 * A folder from before per-month counts existed is read in full once.
 * The counts are derived from the data itself, so they may be written at any time.
 */
export async function recountChangedMonths(ordersDir: string, cursors: JsonDocument<CursorsData>): Promise<{ read: string[] }> {
  let names: string[];
  try {
    names = await readdir(ordersDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    names = [];
  }
  const data = cursors.data;
  const files = data.orderFiles;
  const months = new Set(names.flatMap((n) => MONTH_FILE.exec(n)?.[1] ?? []));
  const read: string[] = [];
  let changed = false;
  for (const month of [...months].sort()) {
    const path = join(ordersDir, `${month}.json`);
    const before = monthFingerprint(await stat(path));
    if (files[month] === before && data.orderMonths[month]) continue;
    const counts: Record<string, number> = {};
    // Parsed and dropped: counting the history must not hold the history.
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { orders?: Record<string, { shop?: unknown }> };
    for (const order of Object.values(parsed.orders ?? {})) if (typeof order.shop === 'string') counts[order.shop] = (counts[order.shop] ?? 0) + 1;
    read.push(month);
    data.orderMonths[month] = counts;
    files[month] = before;
    changed = true;
  }
  for (const month of Object.keys(data.orderMonths)) {
    if (months.has(month)) continue;
    delete data.orderMonths[month];
    delete files[month];
    changed = true;
  }
  const totals: Record<string, number> = {};
  for (const counts of Object.values(data.orderMonths)) for (const [shop, n] of Object.entries(counts)) totals[shop] = (totals[shop] ?? 0) + n;
  const kept = data.orderCounts;
  const same = Object.keys({ ...totals, ...kept }).every((shop) => (totals[shop] ?? 0) === (kept[shop] ?? 0));
  if (!same) {
    data.orderCounts = totals;
    changed = true;
  }
  if (changed) await cursors.save();
  return { read };
}
