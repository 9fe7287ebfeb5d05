/**
 * What a job that failed for good becomes in Backroom's error list: the same source, operation and
 * object the in-process jobs record (core/jobs), so `errors retry` and the screens treat a worker's
 * failure like any other, and the same operation failing again updates its one entry.
 */
import type { Operation, Source } from '../../model';
import { operationKey } from '../../runtime/issues';
import { pullOperation } from '../../jobs/orders';
import { pushOperation } from '../../jobs/inventory';
import { cartsOperation } from '../../jobs/carts';
import { crmOperation } from '../../jobs/crm';
import { SHIPPING_KIND } from '../../jobs/shipping';
import type { JobKind } from '../../store/postgres/jobs';
import { recordErrorRow } from '../../store/postgres/issue-errors';
import { fieldOf } from '../../store/postgres/job-data';
import type pg from 'pg';

export interface FailureEntry {
  source: Source;
  operation: Operation;
  object: string;
  /** What Backroom was doing, in the merchant's words: "pulling orders from Main shop". */
  doing: string;
}

export function failureEntryFor(kind: JobKind, target: string): FailureEntry {
  const shop: Source = { kind: 'shop', name: target };
  switch (kind) {
    case 'orders-pull':
      return { source: shop, operation: pullOperation(target), object: `orders of ${target}`, doing: `pulling orders from ${target}` };
    case 'stock-push':
      return { source: shop, operation: pushOperation(target), object: `stock on ${target}`, doing: `sending stock to ${target}` };
    case 'shipping-push':
      return { source: shop, operation: { kind: SHIPPING_KIND, args: { shop: target } }, object: `shipping to ${target}`, doing: `sending shipments to ${target}` };
    case 'cart-sweep':
      return { source: shop, operation: cartsOperation(target), object: `carts of ${target}`, doing: `sweeping the carts of ${target}` };
    case 'crm-work':
      return { source: { kind: 'crm', name: target }, operation: crmOperation(target), object: `CRM ${target}`, doing: `updating CRM ${target}` };
  }
}

/** The error a failed job left in pg-boss's output: a thrown error's message, or pg-boss's own words. */
export function messageOf(output: unknown): string {
  const direct = fieldOf(output, 'message');
  const inner = fieldOf(fieldOf(output, 'value'), 'message');
  const raw = typeof direct === 'string' ? direct : typeof inner === 'string' ? inner : '';
  if (raw === 'job failed by timeout in active state') return 'it ran past its time limit, or the worker running it stopped';
  return raw.trim() || 'no reason was given';
}

export async function recordJobFailure(pool: pg.Pool, schema: string, now: Date, kind: JobKind, target: string, output: unknown, attempts: number): Promise<void> {
  const entry = failureEntryFor(kind, target);
  await recordErrorRow(
    pool,
    schema,
    now,
    {
      source: entry.source,
      operation: entry.operation,
      object: entry.object,
      message: `Backroom gave up ${entry.doing} after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${messageOf(output)}`,
    },
    operationKey,
  );
}
