import { useState, type FormEvent } from 'react';
import { describeLedgerEntry } from '../../../core/model/ledger-words';
import { useAction, useQuery } from '../hooks';
import { Card, Empty, Field, ProblemNote, when } from '../ui';

/** Why a SKU's stock is what it is: its ledger, newest 20 changes, each with its time and cause. */
export function StockStory({ sku }: { sku: string }) {
  const story = useQuery('stock.why', { sku, limit: 20 }, ['stock', 'orders']);
  const entries = story.data?.entries ?? [];
  return (
    <Card title={`Why ${sku} is what it is`}>
      <ProblemNote problem={story.problem} />
      {story.data && entries.length === 0 ? <Empty>No changes recorded yet.</Empty> : null}
      {entries.length ? (
        <ol className="story" data-testid="stock-story" data-total={story.data?.total}>
          {entries.map((e) => (
            <li key={e.seq} data-cause={e.cause}>
              <span className="muted">{when(e.at)}</span> {describeLedgerEntry(e)}
            </li>
          ))}
        </ol>
      ) : null}
      {story.data && story.data.total > entries.length ? (
        <p className="muted">{story.data.total - entries.length} older changes: backroom stock why {sku} --limit {story.data.total}</p>
      ) : null}
      <ReorderPoint sku={sku} />
    </Card>
  );
}

function ReorderPoint({ sku }: { sku: string }) {
  const [draft, setDraft] = useState('');
  const save = useAction((c, point: number) => c.call('stock.reorderPoint', { sku, point }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (await save.run(/^-?\d+$/.test(text) ? Number(text) : Number.NaN)) setDraft('');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      <Field label="Reorder point (0 clears)" name="point" problem={save.problem}>
        <input id="point" name="point" inputMode="numeric" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label={`Reorder point of ${sku}`} />
      </Field>
      <button type="submit" disabled={save.busy}>
        Set
      </button>
    </form>
  );
}

/** SKUs at or below their reorder point, with days of cover from the last 30 days of sales. */
export function LowStock() {
  const low = useQuery('stock.low', {}, ['stock', 'orders']);
  if (!low.data?.length && !low.problem) return null;
  return (
    <Card title="Low stock">
      <ProblemNote problem={low.problem} />
      <table className="table" data-testid="low-stock">
        <thead>
          <tr>
            <th>SKU</th>
            <th className="num">Free</th>
            <th className="num">Reorder point</th>
            <th className="num">Sold (30 days)</th>
            <th className="num">Days of cover</th>
          </tr>
        </thead>
        <tbody>
          {low.data?.map((r) => (
            <tr key={r.sku} data-sku={r.sku}>
              <td className="mono">{r.sku}</td>
              <td className="num">{r.free}</td>
              <td className="num">{r.point}</td>
              <td className="num">{r.soldLast30Days}</td>
              <td className="num">{r.daysOfCover ?? 'no sales'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
