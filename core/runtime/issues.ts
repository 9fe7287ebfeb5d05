import { createHash, randomBytes } from 'node:crypto';
import type { Alert, ErrorEntry, Operation, Source } from '../model';
import type { Store } from '../store';
import { redact } from '../store/redact';
import type { IssueReader, IssueWriter } from '../store/repositories';

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

/** The entry a failure makes: `existing` (the same operation's entry) brought up to date, or a new one. */
function errorAfter(existing: ErrorEntry | undefined, now: Date, input: ErrorInput): ErrorEntry {
  const at = now.toISOString();
  const message = redact(input.message);
  if (existing) return { ...existing, attempts: existing.attempts + 1, lastAt: at, message, object: input.object, dismissed: false };
  return { id: shortId(), source: input.source, operation: input.operation, object: input.object, message, firstAt: at, lastAt: at, attempts: 1, dismissed: false };
}

/**
 * Records a failure after retries (SPEC "Errors and alerts"). The same operation failing again
 * updates its entry (attempts, time, message) and brings it back if it had been dismissed.
 * Changes `store.issues` in memory; the caller saves.
 * @deprecated Use `recordErrorIn` in a unit. Kept only while the work queue (runtime/queue.ts) still calls it.
 */
export function recordError(store: Store, now: Date, input: ErrorInput): ErrorEntry {
  const key = operationKey(input.operation);
  const existing = store.issues.data.errors.find((e) => operationKey(e.operation) === key);
  const entry = errorAfter(existing, now, input);
  if (existing) return Object.assign(existing, entry);
  store.issues.data.errors.push(entry);
  return entry;
}

/** `recordError` through the issue repository, inside the caller's unit. */
export async function recordErrorIn(issues: IssueReader & IssueWriter, now: Date, input: ErrorInput): Promise<ErrorEntry> {
  const key = operationKey(input.operation);
  const entry = errorAfter((await issues.errors()).find((e) => operationKey(e.operation) === key), now, input);
  await issues.putError(entry);
  return entry;
}

/** An operation succeeded: its error, if any, clears itself, inside the caller's unit. Returns true when one was removed. */
export async function clearErrorIn(issues: IssueReader & IssueWriter, operation: Operation): Promise<boolean> {
  const key = operationKey(operation);
  const gone = (await issues.errors()).filter((e) => operationKey(e.operation) === key);
  for (const e of gone) await issues.removeError(e.id);
  return gone.length > 0;
}

export interface AlertInput {
  key: string;
  source: Source;
  kind: Alert['kind'];
  message: string;
  /** How many occurrences this raise stands for (e.g. 12 skipped orders). */
  count?: number;
}

/** The alert a raise makes: `existing` (the same key's) counted up, or a new one. */
function alertAfter(existing: Alert | undefined, now: Date, input: AlertInput): Alert {
  const at = now.toISOString();
  if (existing) {
    // A dismissed alert stays dismissed until its message changes.
    return { ...existing, count: existing.count + (input.count ?? 1), lastAt: at, message: input.message, dismissed: existing.dismissed && existing.message === input.message };
  }
  return { id: shortId(), key: input.key, source: input.source, kind: input.kind, message: input.message, count: input.count ?? 1, firstAt: at, lastAt: at, dismissed: false };
}

/**
 * Raises an alert, or adds to the count of the same alert. A dismissed alert stays dismissed until its message changes.
 * @deprecated Use `raiseAlertIn` in a unit. Kept only while the Store forms of stock-changes.ts still call it.
 */
export function raiseAlert(store: Store, now: Date, input: AlertInput): Alert {
  const existing = store.issues.data.alerts.find((a) => a.key === input.key);
  const alert = alertAfter(existing, now, input);
  if (existing) return Object.assign(existing, alert);
  store.issues.data.alerts.push(alert);
  return alert;
}

/** `raiseAlert` through the issue repository, inside the caller's unit. */
export async function raiseAlertIn(issues: IssueReader & IssueWriter, now: Date, input: AlertInput): Promise<Alert> {
  const alert = alertAfter((await issues.alerts()).find((a) => a.key === input.key), now, input);
  await issues.putAlert(alert);
  return alert;
}

/** Alerts of one kind from one shop or CRM, read as one line ("41 orders name SKUs the catalogue does not have — BLUE-M ×12, …"). */
export interface AlertGroup {
  /** Short, stable id of the group (`g-…`): `alerts dismiss g-…` dismisses every alert in it. */
  id: string;
  kind: Alert['kind'];
  source: Source;
  /** The group in one sentence, in the merchant's words. */
  title: string;
  /** Occurrences over the whole group (an alert raised 12 times counts 12). */
  count: number;
  /** What the alerts are about (SKU, status, field), most frequent first. */
  subjects: { subject: string; count: number }[];
  /** The newest alert of the group, as an example of the detail. */
  newest: Alert;
  firstAt: string;
  lastAt: string;
  /** True when every alert of the group is dismissed. */
  dismissed: boolean;
  alerts: Alert[];
}

/** The part of the key after `kind:source:` says what the alert is about (keys are `kind:shop:subject`). */
function subjectOf(alert: Alert): string {
  const prefix = `${alert.kind}:${alert.source.name}:`;
  if (alert.key.startsWith(prefix)) return alert.key.slice(prefix.length);
  const parts = alert.key.split(':');
  return parts.length > 2 ? parts.slice(2).join(':') : parts[parts.length - 1]!;
}

/** 'other' alerts of one source can be about quite different things; their key's first word keeps them apart. */
function groupKeyOf(alert: Alert): string {
  const family = alert.kind === 'other' ? alert.key.split(':')[0] : alert.kind;
  return `${family}\u0000${alert.source.kind}\u0000${alert.source.name}`;
}

export function alertGroupId(alert: Alert): string {
  return `g-${createHash('sha256').update(groupKeyOf(alert)).digest('hex').slice(0, 8)}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function headline(kind: Alert['kind'], source: string, count: number, alerts: number, newest: Alert): string {
  switch (kind) {
    case 'unknown-sku':
      return `${plural(count, 'order line', 'order lines')} on ${source} name SKUs the catalogue does not have`;
    case 'skipped-status':
      return `${plural(count, 'order', 'orders')} on ${source} were not imported because of their status`;
    case 'stock-unmanaged':
      return `${plural(alerts, 'product', 'products')} on ${source} have stock management off, so Backroom cannot set their stock`;
    case 'sku-missing':
      return `${plural(alerts, 'catalogue SKU is', 'catalogue SKUs are')} missing on ${source}, so their stock is not pushed there`;
    case 'low-stock':
      return alerts === 1 ? newest.message : `${plural(alerts, 'SKU is', 'SKUs are')} at or below their reorder point`;
    case 'backorders':
      return `${plural(alerts, 'product', 'products')} on ${source} take backorders: they are sent their real quantity and still sell at 0`;
    default:
      return alerts === 1 ? newest.message : `${plural(alerts, 'notice', 'notices')} from ${source}`;
  }
}

/** Groups alerts by kind and source, newest group first. */
export function groupAlerts(alerts: readonly Alert[]): AlertGroup[] {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const key = groupKeyOf(alert);
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const result: AlertGroup[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
    const newest = sorted[0]!;
    const bySubject = new Map<string, number>();
    for (const a of members) bySubject.set(subjectOf(a), (bySubject.get(subjectOf(a)) ?? 0) + a.count);
    const subjects = [...bySubject].map(([subject, count]) => ({ subject, count })).sort((a, b) => b.count - a.count || a.subject.localeCompare(b.subject));
    const count = members.reduce((n, a) => n + a.count, 0);
    const shown = subjects.slice(0, 3).map((s) => (s.count > 1 ? `${s.subject} ×${s.count}` : s.subject));
    const more = subjects.length > 3 ? `, and ${subjects.length - 3} more` : '';
    const head = headline(newest.kind, newest.source.name, count, members.length, newest);
    const title = newest.kind === 'other' && members.length === 1 ? head : `${head} — ${shown.join(', ')}${more}`;
    result.push({
      id: alertGroupId(newest),
      kind: newest.kind,
      source: newest.source,
      title,
      count,
      subjects,
      newest,
      firstAt: members.reduce((t, a) => (a.firstAt < t ? a.firstAt : t), newest.firstAt),
      lastAt: newest.lastAt,
      dismissed: members.every((a) => a.dismissed),
      alerts: sorted,
    });
  }
  return result.sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}

/** Dismisses every open alert of a group in one go. Returns the alerts dismissed (none when the id names no group). */
export function dismissAlertGroup(store: Store, groupId: string): Alert[] {
  const members = store.issues.data.alerts.filter((a) => !a.dismissed && alertGroupId(a) === groupId);
  for (const a of members) a.dismissed = true;
  return members;
}
