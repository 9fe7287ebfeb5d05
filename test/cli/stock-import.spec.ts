// `stock import FILE [--dry-run]`: all rows or none; bad rows named by line; BOM and CRLF accepted.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { StockImportResult, StockView } from '../../core/api/namespaces/stock';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  okResult((await cliJson(dir, ['location', 'add', 'Warehouse'])).doc);
  okResult((await cliJson(dir, ['location', 'add', 'Shop floor'])).doc);
  okResult((await cliJson(dir, ['stock', 'set', 'TS-RED-M', '3', '--location', 'Warehouse'])).doc);
});

async function csvFile(text: string, name = 'stock.csv'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function stockOnDisk(): Promise<string> {
  return readFile(join(dir, 'stock.json'), 'utf8');
}

async function onHand(): Promise<Record<string, Record<string, number>>> {
  const list = okResult((await cliJson<StockView[]>(dir, ['stock', 'list'])).doc);
  return Object.fromEntries(list.map((i) => [i.sku, i.onHand]));
}

/** Imports and expects a rejection naming `line`, with the store unchanged byte for byte. */
async function expectRejected(text: string, line: number, message: RegExp): Promise<void> {
  const before = await stockOnDisk();
  const { code, doc } = await cliJson(dir, ['stock', 'import', await csvFile(text)]);
  expect(code).toBe(2);
  expect(doc.ok).toBe(false);
  if (doc.ok) return;
  expect(doc.error.code).toBe('bad-input');
  expect(doc.error.field).toBe(`line ${line}`);
  expect(doc.error.message).toContain(`stock.csv line ${line}:`);
  expect(doc.error.message).toMatch(message);
  expect(doc.error.message).toMatch(/Nothing was imported/);
  expect(await stockOnDisk()).toBe(before);
}

describe('stock import', () => {
  it('imports a good file with a header', async () => {
    const path = await csvFile('sku,location,quantity\nTS-RED-M,Warehouse,12\nTS-RED-M,Shop floor,2\nMUG-1,Warehouse,0\n');
    const { code, doc } = await cliJson<StockImportResult>(dir, ['stock', 'import', path]);
    expect(code).toBe(0);
    const result = okResult(doc);
    expect(result).toMatchObject({ applied: true, rows: 3, unchanged: 0 });
    expect(result.changes).toEqual([
      { sku: 'TS-RED-M', location: 'Warehouse', from: 3, to: 12 },
      { sku: 'TS-RED-M', location: 'Shop floor', from: null, to: 2 },
      { sku: 'MUG-1', location: 'Warehouse', from: null, to: 0 },
    ]);
    expect(await onHand()).toEqual({ 'MUG-1': { Warehouse: 0 }, 'TS-RED-M': { Warehouse: 12, 'Shop floor': 2 } });
    // Importing the same file again changes nothing.
    const again = okResult((await cliJson<StockImportResult>(dir, ['stock', 'import', path])).doc);
    expect(again).toMatchObject({ applied: true, rows: 3, unchanged: 3, changes: [] });
  });

  it('imports a file without a header', async () => {
    const result = okResult((await cliJson<StockImportResult>(dir, ['stock', 'import', await csvFile('A-1,Warehouse,5\n')])).doc);
    expect(result.changes).toEqual([{ sku: 'A-1', location: 'Warehouse', from: null, to: 5 }]);
  });

  it('rejects the whole file for one bad row, naming its line', async () => {
    await expectRejected('sku,location,quantity\nA-1,Warehouse,5\nA-2,Warehouse,lots\nA-3,Warehouse,1\n', 3, /quantity "lots" is not a number/);
    expect(Object.keys(await onHand())).toEqual(['TS-RED-M']);
  });

  it('rejects a row with the wrong number of columns', async () => {
    await expectRejected('A-1,Warehouse,5\nA-2,Warehouse\n', 2, /expected 3 columns/);
  });

  it('rejects an unknown location', async () => {
    await expectRejected('sku,location,quantity\nA-1,Warehouse,5\nA-2,Attic,1\n', 3, /location "Attic" does not exist/);
  });

  it('rejects negative and non-integer quantities', async () => {
    await expectRejected('A-1,Warehouse,-4\n', 1, /quantity must not be negative/);
    await expectRejected('A-1,Warehouse,5\nA-2,Warehouse,2.5\n', 2, /quantity must be a whole number/);
  });

  it('rejects duplicate rows for the same SKU and location, naming both lines', async () => {
    await expectRejected('sku,location,quantity\nA-1,Warehouse,5\nA-1,Shop floor,5\nA-1,Warehouse,6\n', 4, /already set on line 2/);
  });

  it('reports every bad row in details, the first one in the message', async () => {
    const { doc } = await cliJson(dir, ['stock', 'import', await csvFile('A-1,Warehouse,x\nA-2,Nowhere,1\nA-3,Warehouse,1\n')]);
    expect(doc.ok).toBe(false);
    if (doc.ok) return;
    expect(doc.error.message).toMatch(/line 1: .*\(and 1 more\)/);
    expect(doc.error.details).toEqual([expect.stringContaining('line 1:'), expect.stringContaining('line 2:')]);
  });

  it('accepts a file with a byte-order mark', async () => {
    const result = okResult((await cliJson<StockImportResult>(dir, ['stock', 'import', await csvFile('\uFEFFsku,location,quantity\nBOM-1,Warehouse,7\n')])).doc);
    expect(result.rows).toBe(1);
    expect((await onHand())['BOM-1']).toEqual({ Warehouse: 7 });
  });

  it('accepts CRLF line endings, and reports line numbers in them correctly', async () => {
    const result = okResult((await cliJson<StockImportResult>(dir, ['stock', 'import', await csvFile('sku,location,quantity\r\nCR-1,Warehouse,1\r\nCR-2,Shop floor,2\r\n')])).doc);
    expect(result.changes.map((c) => [c.sku, c.location, c.to])).toEqual([['CR-1', 'Warehouse', 1], ['CR-2', 'Shop floor', 2]]);
    await expectRejected('sku,location,quantity\r\nCR-3,Warehouse,1\r\nCR-4,Warehouse,-1\r\n', 3, /must not be negative/);
  });

  it('--dry-run reports what would change and changes nothing', async () => {
    const before = await stockOnDisk();
    const path = await csvFile('TS-RED-M,Warehouse,9\nNEW-1,Shop floor,4\nTS-RED-M,Shop floor,0\n');
    const { code, doc } = await cliJson<StockImportResult>(dir, ['stock', 'import', path, '--dry-run']);
    expect(code).toBe(0);
    const result = okResult(doc);
    expect(result.applied).toBe(false);
    expect(result.changes).toEqual([
      { sku: 'TS-RED-M', location: 'Warehouse', from: 3, to: 9 },
      { sku: 'NEW-1', location: 'Shop floor', from: null, to: 4 },
      { sku: 'TS-RED-M', location: 'Shop floor', from: null, to: 0 },
    ]);
    expect(await stockOnDisk()).toBe(before);
    expect(await onHand()).toEqual({ 'TS-RED-M': { Warehouse: 3 } });
  });

  it('a missing file is a usage error naming it', async () => {
    const { code, doc } = await cliJson(dir, ['stock', 'import', join(dir, 'nope.csv')]);
    expect(code).toBe(2);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error.message).toMatch(/nope\.csv: no such file/);
  });
});
