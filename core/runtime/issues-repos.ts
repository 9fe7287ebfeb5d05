import type { Alert, ErrorEntry, Operation } from '../model';
import type { IssueReader, IssueWriter } from '../store/repositories';
import { operationKey, raiseAlertIn, recordErrorIn, type AlertInput, type ErrorInput } from './issues';

/**
 * The error list of one unit, read once and kept by operation. A job that may clear an error for
 * each of thousands of records (the order pull: one per order) then reads the list once per unit,
 * not once per record; most units find it empty and clear nothing.
 */
export class UnitErrors {
  private constructor(
    private readonly issues: IssueReader & IssueWriter,
    private readonly byOperation: Map<string, string[]>,
  ) {}

  static async read(issues: IssueReader & IssueWriter): Promise<UnitErrors> {
    const byOperation = new Map<string, string[]>();
    for (const e of await issues.errors()) {
      const key = operationKey(e.operation);
      byOperation.set(key, [...(byOperation.get(key) ?? []), e.id]);
    }
    return new UnitErrors(issues, byOperation);
  }

  /** `recordErrorIn`, keeping the index in step so a later success in the same unit clears it. */
  async record(now: Date, input: ErrorInput): Promise<ErrorEntry> {
    const entry = await recordErrorIn(this.issues, now, input);
    const key = operationKey(entry.operation);
    const ids = this.byOperation.get(key) ?? [];
    if (!ids.includes(entry.id)) this.byOperation.set(key, [...ids, entry.id]);
    return entry;
  }

  /** `clearErrorIn` without reading the list again: the operation succeeded. Returns true when an error was removed. */
  async clear(operation: Operation): Promise<boolean> {
    const key = operationKey(operation);
    const ids = this.byOperation.get(key);
    if (!ids) return false;
    for (const id of ids) await this.issues.removeError(id);
    this.byOperation.delete(key);
    return true;
  }
}

/**
 * The alerts of one unit, read once and kept by key, for a job that raises many (the order pull: an
 * unknown-SKU alert for each new order that names one). Reading every alert for each raise made a
 * 20,000-order pull copy the whole alert list 20,000 times.
 */
export class UnitAlerts {
  private constructor(
    private readonly issues: IssueReader & IssueWriter,
    private readonly byKey: Map<string, Alert>,
  ) {}

  static async read(issues: IssueReader & IssueWriter): Promise<UnitAlerts> {
    return new UnitAlerts(issues, new Map((await issues.alerts()).map((a) => [a.key, a])));
  }

  /** The alert with this key as the unit left it so far, if any. */
  get(key: string): Alert | undefined {
    return this.byKey.get(key);
  }

  /** `raiseAlertIn`, finding the alert with the key in this unit's index instead of reading the list. */
  async raise(now: Date, input: AlertInput): Promise<Alert> {
    const known = this.byKey.get(input.key);
    // raiseAlertIn finds the alert by key among what `alerts()` gives: here, just the one this unit knows.
    const one: IssueReader & IssueWriter = { ...this.issues, alerts: async () => (known ? [known] : []) };
    const alert = await raiseAlertIn(one, now, input);
    this.byKey.set(alert.key, alert);
    return alert;
  }
}
