// A stock_ledger row as PostgreSQL returns it, and the ledger entry it stands for: one reading for the
// stock repository and the jobs' range reads.
import type { LedgerEntry } from '../../../model';
import { iso } from './db';

export interface LedgerRow {
  seq: string;
  at: Date;
  sku: string;
  location: string | null;
  measure: LedgerEntry['measure'];
  delta: number;
  after: number;
  cause: LedgerEntry['cause'];
  ref: string | null;
}

export const entryOf = (r: LedgerRow): LedgerEntry => ({
  seq: Number(r.seq), at: iso(r.at)!, sku: r.sku, location: r.location, measure: r.measure, delta: r.delta, after: r.after, cause: r.cause,
  ...(r.ref !== null ? { ref: r.ref } : {}),
});
