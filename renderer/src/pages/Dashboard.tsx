import { useState } from 'react';
import type { EngineEvents } from '../../../core/runtime/events';
import { useAction, useEvent, useQuery } from '../hooks';
import type { Route } from '../route';
import { OrdersPerDayChart } from '../charts/OrdersPerDay';
import { SyncLagChart } from '../charts/SyncLag';
import type { TargetHealth } from '../../../core/api/namespaces/status';
import { HEALTH_LABEL, type HealthState } from '../../../core/engine/health';
import { ago, Badge, Card, Empty, money, Page, ProblemNote, Shipped, when } from '../ui';

type JobEvent = EngineEvents['job'] & { at: string };

const JOB_LABEL: Record<string, string> = { orders: 'Order pull', inventory: 'Stock push', shipping: 'Shipping push', carts: 'Cart sweep', crm: 'CRM tagging', reconcile: 'Stock check' };

/** Badge tones of the health states; the words come from core so every front end says the same. */
const HEALTH_TONE: Record<HealthState, 'ok' | 'syncing' | 'paused' | 'errors' | 'muted'> = { ok: 'ok', syncing: 'syncing', paused: 'paused', attention: 'errors', 'not-synced': 'muted' };

/** One shop's or CRM's health: the word, the reason when it needs the merchant, and the last success. */
function HealthLine({ health, running }: { health: TargetHealth; running: string[] }) {
  const busy = running.length && health.state !== 'attention';
  return (
    <div className="shop-side" data-health={health.state}>
      {busy ? <Badge tone="syncing">{running.map((b) => JOB_LABEL[b.split(':')[0]!] ?? b).join(', ')}…</Badge> : <Badge tone={HEALTH_TONE[health.state]}>{HEALTH_LABEL[health.state]}</Badge>}
      <span className="muted small">last success {ago(health.lastSuccessAt ?? undefined)}</span>
      {health.state === 'attention' ? <span className="small health-reason" role="status">{health.reason}</span> : null}
    </div>
  );
}

export function Dashboard({ go, openOrder }: { go(r: Route): void; openOrder(n: string): void }) {
  const status = useQuery('status', undefined, ['settings', 'stock', 'orders', 'issues']);
  const engine = useQuery('engine.state', undefined, ['queue', 'settings'], { onState: true });
  const recent = useQuery('orders.list', { limit: 5 }, ['orders']);
  const [activity, setActivity] = useState<JobEvent[]>([]);
  useEvent('job', (e) => setActivity((list) => [{ ...e, at: new Date().toISOString() }, ...list].slice(0, 8)));

  const sync = useAction((c) => c.call('sync.run', {}));
  const pause = useAction((c, paused: boolean) => c.call(paused ? 'engine.resume' : 'engine.pause'));
  const s = status.data;
  const e = engine.data;
  const running = new Set(e?.running ?? []);

  return (
    <Page
      title="Dashboard"
      intro="Your shops, what Backroom is doing, and anything that needs you."
      actions={
        <>
          <button type="button" className="secondary" disabled={!e || pause.busy} onClick={() => void pause.run(Boolean(e?.paused))}>
            {e?.paused ? 'Resume syncing' : 'Pause syncing'}
          </button>
          <button type="button" className="primary" disabled={sync.busy || e?.paused} onClick={() => void sync.run()}>
            {sync.busy ? 'Syncing…' : 'Sync now'}
          </button>
        </>
      }
    >
      <ProblemNote problem={status.problem ?? sync.problem ?? pause.problem} />
      <div className="stats">
        <button type="button" className="stat" onClick={() => go('orders')}>
          <span className="stat-value" data-testid="stat-orders">{s ? s.shops.reduce((n, x) => n + x.orders, 0) : '—'}</span>
          <span className="stat-label">orders imported</span>
        </button>
        <button type="button" className="stat" onClick={() => go('stock')}>
          <span className="stat-value" data-testid="stat-skus">{s?.skus ?? '—'}</span>
          <span className="stat-label">SKUs in {s?.locations ?? 0} location{s?.locations === 1 ? '' : 's'}</span>
        </button>
        <button type="button" className={`stat ${s?.errors ? 'stat-bad' : ''}`} onClick={() => go('issues')}>
          <span className="stat-value" data-testid="stat-errors">{s?.errors ?? '—'}</span>
          <span className="stat-label">open error{s?.errors === 1 ? '' : 's'}</span>
        </button>
        <button type="button" className={`stat ${s?.alerts ? 'stat-warn' : ''}`} onClick={() => go('issues')}>
          <span className="stat-value">{s?.alerts ?? '—'}</span>
          <span className="stat-label">alert{s?.alerts === 1 ? '' : 's'}</span>
        </button>
      </div>

      <div className="grid-2">
        <OrdersPerDayChart />
        <SyncLagChart />
      </div>
      <div className="grid-2">
        <Card title="Shops and CRM" actions={<button type="button" className="link" onClick={() => go('settings')}>Manage</button>}>
          {!s ? (
            <Empty>Loading…</Empty>
          ) : s.shops.length === 0 && s.crms.length === 0 ? (
            <Empty>
              No shop connected yet. <button type="button" className="link" onClick={() => go('settings')}>Add your first shop</button> in Settings.
            </Empty>
          ) : (
            <ul className="shop-list" data-testid="shop-list">
              {s.shops.map((shop) => (
                <li key={`shop:${shop.name}`} className="shop" data-shop={shop.name}>
                  <div className="shop-main">
                    <strong>{shop.name}</strong>
                    <span className="muted">
                      {shop.platform === 'woocommerce' ? 'WooCommerce' : shop.platform === 'shopify' ? 'Shopify' : shop.platform} · orders {shop.prefix}: · stock from {shop.location} · {shop.orders} orders
                    </span>
                  </div>
                  <HealthLine health={shop.health} running={[...running].filter((r) => r.endsWith(`:${shop.name}`) && !r.startsWith('crm:'))} />
                </li>
              ))}
              {s.crms.map((crm) => (
                <li key={`crm:${crm.name}`} className="shop" data-crm={crm.name}>
                  <div className="shop-main">
                    <strong>{crm.name}</strong>
                    <span className="muted">{crm.platform === 'activecampaign' ? 'ActiveCampaign' : crm.platform === 'mailchimp' ? 'Mailchimp' : crm.platform} · CRM: contacts and tags</span>
                  </div>
                  <HealthLine health={crm.health} running={[...running].filter((r) => r === `crm:${crm.name}`)} />
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Activity">
          {activity.length === 0 ? (
            <Empty>
              {e?.paused ? 'Syncing is paused.' : 'Nothing has run since this window opened. Backroom syncs on its own; Sync now runs everything at once.'}
              {e?.nextRuns?.length ? ` Next: ${JOB_LABEL[e.nextRuns[0]!.job] ?? e.nextRuns[0]!.job} for ${e.nextRuns[0]!.target} at ${when(e.nextRuns[0]!.at)}.` : ''}
            </Empty>
          ) : (
            <ul className="activity" data-testid="activity">
              {activity.map((a, i) => (
                <li key={`${a.at}-${i}`}>
                  <Badge tone={a.state === 'running' ? 'syncing' : a.state === 'failed' ? 'errors' : 'ok'}>{a.state === 'running' ? 'running' : a.state}</Badge>
                  <span>
                    {JOB_LABEL[a.job] ?? a.job} · {a.target}
                    {a.message ? <span className="muted"> — {a.message}</span> : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {e && e.queueDepth > 0 ? <p className="muted small">{e.queueDepth} item{e.queueDepth === 1 ? '' : 's'} waiting to be sent.</p> : null}
        </Card>
      </div>

      <Card title="Latest orders" actions={<button type="button" className="link" onClick={() => go('orders')}>All orders</button>}>
        {recent.data && recent.data.orders.length === 0 ? (
          <Empty>No orders yet. They appear here after the first sync.</Empty>
        ) : (
          <table className="table">
            <tbody>
              {recent.data?.orders.map((o) => (
                <tr key={o.number} className="clickable" onClick={() => openOrder(o.number)}>
                  <td className="mono">{o.number}</td>
                  <td>{o.name || o.email}</td>
                  <td>
                    <Shipped fulfilment={o.fulfilment} />
                  </td>
                  <td className="num">{money(o.total, o.currency)}</td>
                  <td className="muted">{when(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </Page>
  );
}
