import type { ErrorEntry, Operation } from '../model';
import type { IssueReader, IssueWriter } from '../store/repositories';
import { operationKey, recordErrorIn, type ErrorInput } from './issues';

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
