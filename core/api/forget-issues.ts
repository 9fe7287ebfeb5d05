// What the shops and crm namespaces both do when a shop or CRM is removed, inside the removal's unit.
import type { Source } from '../model';
import type { IssueReader, IssueWriter } from '../store/repositories';

/**
 * A shop or CRM was removed: its errors and alerts go with it (they could never be retried or
 * resolved), through the issue repository, in the caller's unit.
 */
export async function forgetIssuesIn(issues: IssueReader & IssueWriter, source: Source): Promise<void> {
  const of = (i: { source: Source }) => i.source.kind === source.kind && i.source.name === source.name;
  for (const e of (await issues.errors()).filter(of)) await issues.removeError(e.id);
  for (const a of (await issues.alerts()).filter(of)) await issues.removeAlert(a.key);
}
