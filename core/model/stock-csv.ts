import { parse } from 'csv-parse/sync';
import { StockRow } from './stock';

export interface CsvRowError {
  line: number;
  message: string;
}

export interface ParsedStockCsv {
  rows: (StockRow & { line: number })[];
  errors: CsvRowError[];
}

const HEADER = ['sku', 'location', 'quantity'];

/**
 * Parses a stock CSV (`sku,location,quantity`, header optional, BOM and CRLF accepted). Every bad
 * row is reported with its line number, so the merchant can fix the whole file in one go.
 */
export function parseStockCsv(text: string, knownLocations: ReadonlySet<string>): ParsedStockCsv {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    const err = error as Error & { lines?: number };
    return { rows: [], errors: [{ line: err.lines ?? 1, message: `the file is not valid CSV: ${err.message}` }] };
  }
  const rows: ParsedStockCsv['rows'] = [];
  const errors: CsvRowError[] = [];
  const seen = new Map<string, number>();
  for (const [index, { record, info }] of records.entries()) {
    const line = info.lines;
    if (index === 0 && record.map((c) => c.toLowerCase()).join(',') === HEADER.join(',')) continue;
    if (record.length !== 3) {
      errors.push({ line, message: `expected 3 columns (sku,location,quantity), found ${record.length}` });
      continue;
    }
    const [sku, location, quantityText] = record as [string, string, string];
    if (!/^-?\d+(\.\d+)?$/.test(quantityText)) {
      errors.push({ line, message: `quantity "${quantityText}" is not a number` });
      continue;
    }
    const parsed = StockRow.safeParse({ sku, location, quantity: Number(quantityText) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errors.push({ line, message: `${issue.path.join('.')} ${issue.message}` });
      continue;
    }
    if (!knownLocations.has(parsed.data.location)) {
      errors.push({ line, message: `location "${parsed.data.location}" does not exist (add it with: backroom location add "${parsed.data.location}")` });
      continue;
    }
    const key = `${parsed.data.sku}\u0000${parsed.data.location}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ line, message: `SKU ${parsed.data.sku} at ${parsed.data.location} is already set on line ${first}; each SKU and location may appear once` });
      continue;
    }
    seen.set(key, line);
    rows.push({ ...parsed.data, line });
  }
  return { rows, errors };
}
