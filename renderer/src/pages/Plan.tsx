import { useState } from 'react';
import type { ShopPlan, SyncPlan } from '../../../core/model';
import { STOCK_PLAN_WORDS, stockPlanSummary } from '../../../core/model/plan';
import { useAction, useQuery } from '../hooks';
import { Badge, Card, Empty, Note, Page, ProblemNote } from '../ui';

function ShopPlanCard({ plan }: { plan: ShopPlan }) {
  return (
    <Card title={<>{plan.shop} {plan.firstSync ? <Badge tone="warn">first sync</Badge> : null}</>} className="plan-shop">
      {plan.problem ? <Note tone="bad">{plan.problem}</Note> : null}
      <h3>Orders</h3>
      {plan.orders.length ? (
        <table className="table compact" data-testid={`plan-orders-${plan.shop}`}>
          <thead>
            <tr><th>Order</th><th>What</th><th>Customer</th><th>Lines</th><th>Holds</th></tr>
          </thead>
          <tbody>
            {plan.orders.map((o) => (
              <tr key={o.remoteId}>
                <td className="mono">{o.number}</td>
                <td>{o.action === 'import' ? 'import' : o.action} <span className="muted">({o.status})</span></td>
                <td>{o.email}</td>
                <td className="mono">{o.lines.map((l) => `${l.sku || '(no SKU)'}×${l.quantity}`).join(' ')}</td>
                <td className="mono">{Object.entries(o.holds).map(([sku, q]) => `${sku}×${q}`).join(' ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <Empty>No new or changed orders.</Empty>}
      {plan.moreOrders ? <p className="muted small">… and {plan.moreOrders} more orders.</p> : null}
      {plan.stoppedReading ? <p className="muted small">{plan.stoppedReading}</p> : null}
      {Object.entries(plan.skippedByStatus).map(([status, n]) => (
        <p key={status} className="muted small">{n} order{n === 1 ? '' : 's'} in status {status} would be skipped (not in this shop’s statuses).</p>
      ))}
      <h3>Stock</h3>
      <p className="muted small">{stockPlanSummary(plan.stock, plan.unchangedStock)}.</p>
      {plan.stock.length ? (
        <table className="table compact" data-testid={`plan-stock-${plan.shop}`}>
          <thead>
            <tr><th>SKU</th><th className="num">Now</th><th className="num">After</th><th>What</th><th>Why</th></tr>
          </thead>
          <tbody>
            {plan.stock.slice(0, 300).map((s) => (
              <tr key={s.sku}>
                <td className="mono">{s.sku}</td>
                <td className="num muted">{s.from ?? '?'}</td>
                <td className="num"><strong>{s.to}</strong></td>
                <td>{STOCK_PLAN_WORDS[s.action]}</td>
                <td className="small">{s.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {plan.shipments.length ? (
        <>
          <h3>Shipping</h3>
          <ul>
            {plan.shipments.map((s) => (
              <li key={s.order}>
                <span className="mono">{s.order}</span>: {s.waiting ?? `${s.shipments.map((x) => `${x.carrier} ${x.tracking}`).join(', ') || 'no new tracking'}${s.complete ? '; marked completed' : ''}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}

export function PlanView({ plan }: { plan: SyncPlan }) {
  return (
    <>
      {plan.shops.map((s) => <ShopPlanCard key={s.shop} plan={s} />)}
      <Card title="CRM">
        {plan.crm.length ? (
          <table className="table compact" data-testid="plan-crm">
            <thead>
              <tr><th>CRM</th><th>Contact</th><th>Add tags</th><th>Remove tags</th><th>From</th></tr>
            </thead>
            <tbody>
              {plan.crm.map((c, i) => (
                <tr key={`${c.crm}-${c.email}-${i}`}>
                  <td>{c.crm}</td><td>{c.email}</td><td>{c.add.join(', ') || '—'}</td><td>{c.remove.join(', ') || '—'}</td>
                  <td>{c.source === 'queued' ? 'waiting in the queue' : 'the orders above'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <Empty>Nothing to send to a CRM.</Empty>}
      </Card>
    </>
  );
}

/** The dry run: what a sync would do now, per shop, worked out without changing anything. */
export function Plan() {
  const [shop, setShop] = useState('');
  const shops = useQuery('shop.list', undefined, ['settings']);
  const engine = useQuery('engine.state', undefined, [], { onState: true });
  const plan = useAction((c, only: string) => c.call('sync.plan', { shop: only || undefined }));
  const [result, setResult] = useState<SyncPlan | null>(null);
  const resume = useAction((c) => c.call('engine.resume'));
  const firstSyncs = result?.shops.filter((s) => s.firstSync).map((s) => s.shop) ?? [];
  return (
    <Page title="Dry run" intro="What a sync would do now — orders to import, stock to push and why, shipping and CRM tags — worked out without changing anything here or on your shops.">
      <Card>
        <div className="form row">
          <label className="field">
            <span className="field-label">Shop</span>
            <select value={shop} onChange={(e) => setShop(e.target.value)} aria-label="Shop">
              <option value="">All shops</option>
              {(shops.data ?? []).map((s) => <option key={s.name}>{s.name}</option>)}
            </select>
          </label>
          <button type="button" className="primary" disabled={plan.busy} onClick={() => void plan.run(shop).then((r) => setResult(r ?? null))}>
            {plan.busy ? 'Working it out…' : 'Show the plan'}
          </button>
        </div>
        <p className="muted small">A new shop’s first sync starts as soon as it is added unless syncing is paused: pause first to look before anything is sent.</p>
      </Card>
      <ProblemNote problem={plan.problem} />
      {result ? (
        <div data-testid="plan">
          <Note>Nothing was changed. Worked out {new Date(result.computedAt).toLocaleTimeString()}.</Note>
          {firstSyncs.length && engine.data?.paused ? (
            <Note tone="warn">
              Syncing is paused, so {firstSyncs.join(', ')} will not sync until you resume.{' '}
              <button type="button" className="secondary" disabled={resume.busy} onClick={() => void resume.run().then(() => engine.reload())}>Resume syncing</button>
            </Note>
          ) : null}
          {result.shops.length ? <PlanView plan={result} /> : <Empty>No shops yet.</Empty>}
        </div>
      ) : null}
    </Page>
  );
}
