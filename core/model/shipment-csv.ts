import { parse } from 'csv-parse/sync';
import type { CsvRowError } from './stock-csv';

/** One shipment from a CSV file; rows with the same order and tracking number are one shipment. */
export interface ShipmentCsvEntry {
  line: number;
  orderNumber: string;
  carrier: string;
  tracking: string;
  date?: string;
  lines: { sku: string; quantity: number }[];
}

const COLUMNS = ['order', 'carrier', 'tracking', 'date', 'sku', 'quantity'];

/**
 * Parses a shipments CSV with the header `order,carrier,tracking,date,sku,quantity`. `date`, `sku`
 * and `quantity` may be empty: then the shipment is dated today and contains everything still owed.
 */
export function parseShipmentCsv(text: string): { entries: ShipmentCsvEntry[]; errors: CsvRowError[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    return { entries: [], errors: [{ line: (error as { lines?: number }).lines ?? 1, message: `the file is not valid CSV: ${(error as Error).message}` }] };
  }
  const errors: CsvRowError[] = [];
  const [head, ...rows] = records;
  if (!head || head.record.map((c) => c.toLowerCase()).join(',') !== COLUMNS.join(',')) {
    return { entries: [], errors: [{ line: head?.info.lines ?? 1, message: `the first line must be the header ${COLUMNS.join(',')}` }] };
  }
  const byKey = new Map<string, ShipmentCsvEntry>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length !== COLUMNS.length) {
      errors.push({ line, message: `expected ${COLUMNS.length} columns, found ${record.length}` });
      continue;
    }
    const [orderNumber, carrier, tracking, date, sku, quantityText] = record as [string, string, string, string, string, string];
    if (!orderNumber || !carrier || !tracking) {
      errors.push({ line, message: 'order, carrier and tracking must not be empty' });
      continue;
    }
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      errors.push({ line, message: `date "${date}" must be YYYY-MM-DD` });
      continue;
    }
    if ((sku === '') !== (quantityText === '')) {
      errors.push({ line, message: 'give both sku and quantity, or neither (to ship everything still owed)' });
      continue;
    }
    const quantity = Number(quantityText);
    if (sku && (!/^\d+$/.test(quantityText) || quantity < 1)) {
      errors.push({ line, message: `quantity "${quantityText}" must be a whole number of at least 1` });
      continue;
    }
    const key = `${orderNumber}\u0000${tracking}`;
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { line, orderNumber, carrier, tracking, date: date || undefined, lines: [] }));
    if (sku) entry.lines.push({ sku, quantity });
  }
  return { entries: [...byKey.values()], errors };
}
