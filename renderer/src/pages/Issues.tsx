import { useState } from 'react';
import type { Alert, AlertGroup, ErrorEntry } from '../../../core/api/namespaces/issues';
import { useAction, useQuery } from '../hooks';
import { Badge, Card, Empty, Note, Page, ProblemNote, when } from '../ui';

const OPERATION: Record<string, string> = {
  'orders.pull': 'Pulling orders',
  'orders.import': 'Importing an order',
  'inventory.push': 'Pushing stock',
  'shipping.push': 'Sending shipping',
};

export function Issues() {
  const errors = useQuery('errors.list', {}, ['issues']);
  const groups = useQuery('alerts.groups', {}, ['issues']);
  return (
    <Page title="Errors & alerts" intro="Errors are things that failed between Backroom and a shop or CRM; retry them once the cause is fixed. Alerts are worth a look but nothing failed.">
      <ProblemNote problem={errors.problem ?? groups.problem} />
      <Card title={`Errors${errors.data?.length ? ` (${errors.data.length})` : ''}`}>
        {errors.data && errors.data.length === 0 ? (
          <Empty>No errors. Everything Backroom tried went through.</Empty>
        ) : (
          <ul className="issues" data-testid="errors">
            {errors.data?.map((e) => (
              <ErrorItem key={e.id} entry={e} />
            ))}
          </ul>
        )}
      </Card>
      <Card title={`Alerts${groups.data?.length ? ` (${groups.data.reduce((n, g) => n + g.alerts.length, 0)} in ${groups.data.length} group${groups.data.length === 1 ? '' : 's'})` : ''}`}>
        {!groups.data ? (
          <Empty>Loading…</Empty>
        ) : groups.data.length === 0 ? (
          <Empty>No alerts.</Empty>
        ) : (
          <ul className="issues" data-testid="alerts">
            {groups.data.map((g) => (
              <AlertGroupItem key={g.id} group={g} />
            ))}
          </ul>
        )}
      </Card>
    </Page>
  );
}

function ErrorItem({ entry }: { entry: ErrorEntry }) {
  const [outcome, setOutcome] = useState<string | null>(null);
  const retry = useAction((c) => c.call('errors.retry', { id: entry.id }));
  const dismiss = useAction((c) => c.call('errors.dismiss', { id: entry.id }));
  const onRetry = async () => {
    setOutcome(null);
    const result = await retry.run();
    if (result && !result.resolved) setOutcome(`Still failing: ${result.message ?? 'no reason given'}`);
  };
  return (
    <li className="issue issue-error" data-error-id={entry.id}>
      <div className="issue-main">
        <div className="issue-title">
          <Badge tone="errors">{entry.source.name}</Badge> <strong>{OPERATION[entry.operation.kind] ?? entry.operation.kind}</strong> · {entry.object}
        </div>
        <div className="issue-message">{entry.message}</div>
        <div className="muted small">
          {entry.attempts} attempt{entry.attempts === 1 ? '' : 's'} · first {when(entry.firstAt)} · last {when(entry.lastAt)}
        </div>
        {outcome ? <Note tone="bad">{outcome}</Note> : null}
        <ProblemNote problem={retry.problem ?? dismiss.problem} />
      </div>
      <div className="issue-actions">
        <button type="button" className="primary" disabled={retry.busy || dismiss.busy} onClick={() => void onRetry()}>
          {retry.busy ? 'Retrying…' : 'Retry'}
        </button>
        <button type="button" className="secondary" disabled={retry.busy || dismiss.busy} onClick={() => void dismiss.run()}>
          Dismiss
        </button>
      </div>
    </li>
  );
}

/** How many alerts of a group are listed under its sentence; the rest are counted. */
const SHOWN_PER_GROUP = 5;

function AlertGroupItem({ group }: { group: AlertGroup }) {
  const dismissAll = useAction((c) => c.call('alerts.dismissGroup', { group: group.id }));
  const shown = group.alerts.slice(0, SHOWN_PER_GROUP);
  return (
    <li className="issue issue-alert" data-group-id={group.id}>
      <div className="issue-main">
        <div className="issue-title">
          <Badge tone="warn">{group.source.name}</Badge> <strong>{group.title}</strong>
        </div>
        <div className="muted small">
          {group.alerts.length} alert{group.alerts.length === 1 ? '' : 's'} · last {when(group.lastAt)}
        </div>
        <ul className="group-alerts">
          {shown.map((a) => (
            <AlertItem key={a.id} alert={a} />
          ))}
          {group.alerts.length > shown.length ? <li className="muted small">… and {group.alerts.length - shown.length} more like these</li> : null}
        </ul>
        <ProblemNote problem={dismissAll.problem} />
      </div>
      <div className="issue-actions">
        <button type="button" className="secondary" disabled={dismissAll.busy} onClick={() => void dismissAll.run()}>
          {group.alerts.length === 1 ? 'Dismiss' : `Dismiss all ${group.alerts.length}`}
        </button>
      </div>
    </li>
  );
}

function AlertItem({ alert }: { alert: Alert }) {
  const dismiss = useAction((c) => c.call('alerts.dismiss', { id: alert.id }));
  return (
    <li className="group-alert" data-alert-id={alert.id}>
      <span>{alert.message}</span>
      <span className="muted small">
        {' '}
        {alert.count > 1 ? `${alert.count} times · ` : ''}last {when(alert.lastAt)}
      </span>{' '}
      <button type="button" className="link" disabled={dismiss.busy} onClick={() => void dismiss.run()}>
        Dismiss
      </button>
      <ProblemNote problem={dismiss.problem} />
    </li>
  );
}
