/**
 * What the PostgreSQL repositories run their statements on: the pool (a reader outside any unit),
 * the one connection of a unit's transaction (its writers, which therefore see the unit's own
 * writes), or a connection holding an exported snapshot (a reader of the past, in tests).
 */
import type pg from 'pg';

export type Db = Pick<pg.ClientBase, 'query'>;

/** Table names qualified by Backroom's schema (validated by migrate.ts before any repository opens). */
export type Tables = (name: string) => string;

export const tablesIn = (schema: string): Tables => (name) => `${schema}.${name}`;

/** An instant column as the model writes instants: ISO 8601 in UTC with milliseconds. */
export const iso = (value: Date | string | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : (value instanceof Date ? value : new Date(value)).toISOString();

/**
 * Serialises read-modify-write of one record across every process until the transaction ends.
 * Used where the row to lock may not exist yet (a first stock level, a first commitment), which a
 * row lock cannot cover. A hash collision only makes two unrelated writers wait for each other.
 */
export async function lockRecord(db: Db, ...parts: string[]): Promise<void> {
  await db.query('select pg_advisory_xact_lock(hashtextextended($1, 7))', [JSON.stringify(parts)]);
}
