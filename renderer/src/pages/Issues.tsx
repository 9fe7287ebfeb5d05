import { useState } from 'react';
import type { ErrorEntry } from '../../../core/api/views';
import { useAction, useQuery } from '../hooks';
import { Badge, Card, Empty, Note, Page, ProblemNote, when } from '../ui';

const OPERATION: Record<string, string> = {
  'orders.pull': 'Pulling orders',
  'orders.import': 'Importing an order',
  'inventory.push': 'Pushing stock',
  'shipping.push': 'Sending shipping',
};

export function Issues() {
  const errors = useQuery((c) => c.call('errors.list', {}), ['issues']);
  const alerts = useQuery((c) => c.call('alerts.list', {}), ['issues']);
  return (
    <Page title="Errors & alerts" intro="Errors are things that failed between Backroom and a shop or CRM; retry them once the cause is fixed. Alerts are worth a look but nothing failed.">
      <ProblemNote problem={errors.problem ?? alerts.problem} />
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
      <Card title={`Alerts${alerts.data?.length ? ` (${alerts.data.length})` : ''}`}>
        {alerts.data && alerts.data.length === 0 ? (
          <Empty>No alerts.</Empty>
        ) : (
          <ul className="issues" data-testid="alerts">
            {alerts.data?.map((a) => (
              <AlertItem key={a.id} id={a.id} message={a.message} source={a.source.name} count={a.count} lastAt={a.lastAt} />
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

function AlertItem({ id, message, source, count, lastAt }: { id: string; message: string; source: string; count: number; lastAt: string }) {
  const dismiss = useAction((c) => c.call('alerts.dismiss', { id }));
  return (
    <li className="issue issue-alert" data-alert-id={id}>
      <div className="issue-main">
        <div className="issue-title">
          <Badge tone="warn">{source}</Badge> {message}
        </div>
        <div className="muted small">
          {count > 1 ? `${count} times · ` : ''}last {when(lastAt)}
        </div>
        <ProblemNote problem={dismiss.problem} />
      </div>
      <div className="issue-actions">
        <button type="button" className="secondary" disabled={dismiss.busy} onClick={() => void dismiss.run()}>
          Dismiss
        </button>
      </div>
    </li>
  );
}
