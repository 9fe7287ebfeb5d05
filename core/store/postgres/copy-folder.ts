/**
 * Copies a local data folder into a PostgreSQL store (`backroom migrate --from DIR --to postgres://…`).
 * The folder is only read, through the local store. Rows go in batches, each batch in one
 * transaction with its progress row, so a copy that stops goes on where it stopped and never copies
 * a row twice. At the end every table is compared by row count and an order-independent checksum
 * of its rows, read back from the database.
 */
import type pg from 'pg';
import type { Store } from '../store';
import { migrate, type Migration } from './migrate';
import { openSecret, type StoreKey } from './secret-box';
import { TableChecksum, TABLES, type Row, type TableSpec } from './rows';
import type { StorePool } from './pool';

export interface TableReport {
  table: string;
  /** Rows the folder holds for this table. */
  rows: number;
  /** Rows written by this run (0 for a table already copied by an earlier run, and in a dry run). */
  copied: number;
  /** `rows:sum` of the folder's rows; after a copy, equal to the database's. */
  checksum: string;
}

export interface CopyReport {
  dryRun: boolean;
  /** True when an earlier, interrupted copy was continued. */
  resumed: boolean;
  tables: TableReport[];
}

export class FolderCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FolderCopyError';
  }
}

export interface CopyOptions {
  source: Store;
  target: StorePool;
  schema: string;
  key: StoreKey;
  migrations: readonly Migration[];
  dryRun?: boolean;
  /** Called after each committed batch (tests stop a copy here to prove it resumes). */
  afterBatch?: (table: string, batch: number) => Promise<void> | void;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function insertSql(schema: string, spec: TableSpec, rows: Row[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${spec.columns.map((column) => {
    const value = row[column];
    values.push(spec.json?.includes(column) ? JSON.stringify(value) : value);
    return `$${values.length}`;
  }).join(', ')})`);
  return {
    text: `insert into ${schema}.${ident(spec.table)} (${spec.columns.map(ident).join(', ')}) values ${tuples.join(', ')} on conflict (${spec.key.map(ident).join(', ')}) do nothing`,
    values,
  };
}

async function sourceChecksum(spec: TableSpec, options: CopyOptions): Promise<TableChecksum> {
  const sum = new TableChecksum();
  const open = (sealed: string, context: string) => openSecret(options.key, sealed, context);
  for await (const batch of spec.rows(options.source, options.key)) for (const row of batch) sum.add(spec, row, open);
  return sum;
}

/** Reads a table back in key order, a page at a time, into a checksum. */
async function targetChecksum(pool: pg.Pool, schema: string, spec: TableSpec, key: StoreKey): Promise<TableChecksum> {
  const sum = new TableChecksum();
  const open = (sealed: string, context: string) => openSecret(key, sealed, context);
  const order = spec.key.map(ident).join(', ');
  let after: unknown[] | null = null;
  for (;;) {
    const where = after ? `where (${order}) > (${spec.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const result: pg.QueryResult<Row> = await pool.query<Row>(`select ${spec.columns.map(ident).join(', ')} from ${schema}.${ident(spec.table)} ${where} order by ${order} limit 2000`, after ?? []);
    for (const row of result.rows) sum.add(spec, row, open);
    if (result.rows.length < 2000) return sum;
    const last: Row = result.rows[result.rows.length - 1]!;
    after = spec.key.map((column) => last[column]);
  }
}

/** Whether the target already holds Backroom data that no copy of ours put there. */
async function targetHoldsOtherData(pool: pg.Pool, schema: string): Promise<string | null> {
  const started = await pool.query(`select 1 from ${schema}.folder_copy limit 1`);
  if (started.rowCount) return null;
  for (const spec of TABLES) {
    const rows = await pool.query(`select 1 from ${schema}.${ident(spec.table)} limit 1`);
    if (rows.rowCount) return spec.table;
  }
  return null;
}

export async function copyFolder(options: CopyOptions): Promise<CopyReport> {
  const { target, schema } = options;
  const tables: TableReport[] = [];
  if (options.dryRun) {
    for (const spec of TABLES) {
      const sum = await sourceChecksum(spec, options);
      tables.push({ table: spec.table, rows: sum.rows, copied: 0, checksum: sum.value });
    }
    return { dryRun: true, resumed: false, tables };
  }

  await migrate(target.pool, schema, options.migrations);
  const other = await targetHoldsOtherData(target.pool, schema);
  if (other) {
    throw new FolderCopyError(`The database already holds Backroom data (table ${other} has rows) that did not come from a copy of a data folder. Copy into an empty database or schema (add ?schema=NAME to the address).`);
  }
  const progress = await target.pool.query<{ table_name: string; batches_done: number; done: boolean }>(`select table_name, batches_done, done from ${schema}.folder_copy`);
  const done = new Map(progress.rows.map((r) => [r.table_name, r]));
  const resumed = progress.rows.length > 0;

  for (const spec of TABLES) {
    const state = done.get(spec.table);
    let copied = 0;
    if (!state?.done) {
      let batchIndex = 0;
      for await (const batch of spec.rows(options.source, options.key)) {
        if (batchIndex < (state?.batches_done ?? 0)) {
          batchIndex++;
          continue;
        }
        await target.transaction(async (client) => {
          const insert = insertSql(schema, spec, batch);
          const result = await client.query(insert.text, insert.values);
          copied += result.rowCount ?? 0;
          await client.query(
            `insert into ${schema}.folder_copy (table_name, batches_done, rows_copied) values ($1, $2, $3)
             on conflict (table_name) do update set batches_done = excluded.batches_done, rows_copied = folder_copy.rows_copied + $3, updated_at = now()`,
            [spec.table, batchIndex + 1, result.rowCount ?? 0],
          );
        });
        batchIndex++;
        await options.afterBatch?.(spec.table, batchIndex);
      }
      await target.pool.query(
        `insert into ${schema}.folder_copy (table_name, done) values ($1, true) on conflict (table_name) do update set done = true, updated_at = now()`,
        [spec.table],
      );
    }
    const expected = await sourceChecksum(spec, options);
    tables.push({ table: spec.table, rows: expected.rows, copied, checksum: expected.value });
  }

  const mismatched: string[] = [];
  for (const [i, spec] of TABLES.entries()) {
    const actual = await targetChecksum(target.pool, schema, spec, options.key);
    const expected = tables[i]!;
    if (actual.value !== expected.checksum) mismatched.push(`${spec.table} (folder ${expected.rows} rows, database ${actual.rows} rows${actual.rows === expected.rows ? ', contents differ' : ''})`);
  }
  if (mismatched.length) throw new FolderCopyError(`The copy does not match the folder in: ${mismatched.join('; ')}. The folder is unchanged; nothing in it was lost.`);
  return { dryRun: false, resumed, tables };
}
