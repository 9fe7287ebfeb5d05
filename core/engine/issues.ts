import { randomBytes } from 'node:crypto';
import type { Alert, ErrorEntry, Operation, Source } from '../model';
import type { Store } from '../store';
import { redact } from '../store/redact';

/** A stable key for an operation, so the same failure updates one error entry instead of adding rows. */
export function operationKey(op: Operation): string {
  const args = Object.keys(op.args).sort().map((k) => `${k}=${JSON.stringify(op.args[k])}`);
  return `${op.kind}(${args.join(',')})`;
}

const shortId = () => randomBytes(4).toString('hex');

export interface ErrorInput {
  source: Source;
  operation: Operation;
  object: string;
  message: string;
}

/**
 * Records a failure after retries (SPEC "Errors and alerts"). The same operation failing again
 * updates its entry (attempts, time, message) and brings it back if it had been dismissed.
 * Changes `store.issues` in memory; the caller saves.
 */
export function recordError(store: Store, now: Date, input: ErrorInput): ErrorEntry {
  const key = operationKey(input.operation);
  const at = now.toISOString();
  const message = redact(input.message);
  const existing = store.issues.data.errors.find((e) => operationKey(e.operation) === key);
  if (existing) {
    existing.attempts++;
    existing.lastAt = at;
    existing.message = message;
    existing.object = input.object;
    existing.dismissed = false;
    return existing;
  }
  const entry: ErrorEntry = { id: shortId(), source: input.source, operation: input.operation, object: input.object, message, firstAt: at, lastAt: at, attempts: 1, dismissed: false };
  store.issues.data.errors.push(entry);
  return entry;
}

/** An operation succeeded: its error, if any, clears itself. Returns true when one was removed. */
export function clearError(store: Store, operation: Operation): boolean {
  const key = operationKey(operation);
  const before = store.issues.data.errors.length;
  store.issues.data.errors = store.issues.data.errors.filter((e) => operationKey(e.operation) !== key);
  return store.issues.data.errors.length !== before;
}

export interface AlertInput {
  key: string;
  source: Source;
  kind: Alert['kind'];
  message: string;
  /** How many occurrences this raise stands for (e.g. 12 skipped orders). */
  count?: number;
}

/** Raises an alert, or adds to the count of the same alert. A dismissed alert stays dismissed until its message changes. */
export function raiseAlert(store: Store, now: Date, input: AlertInput): Alert {
  const at = now.toISOString();
  const existing = store.issues.data.alerts.find((a) => a.key === input.key);
  if (existing) {
    existing.count += input.count ?? 1;
    existing.lastAt = at;
    if (existing.message !== input.message) existing.dismissed = false;
    existing.message = input.message;
    return existing;
  }
  const alert: Alert = { id: shortId(), key: input.key, source: input.source, kind: input.kind, message: input.message, count: input.count ?? 1, firstAt: at, lastAt: at, dismissed: false };
  store.issues.data.alerts.push(alert);
  return alert;
}
