import { useEffect, useState } from 'react';
import type { CartView } from '../../../core/api/namespaces/carts';
import { age } from '../../../core/model/wording';
import { useQuery } from '../hooks';
import { Badge, Card, Empty, money, Page, ProblemNote, recent } from '../ui';

type CartState = CartView['state'];

/** The states in lifecycle order, in the merchant's words (SPEC §4). */
export const CART_STATES: { state: CartState; label: string; tone: 'ok' | 'warn' | 'errors' | 'muted' | 'syncing'; meaning: string }[] = [
  { state: 'capturing', label: 'Captured', tone: 'syncing', meaning: 'the customer is still within the cut-off' },
  { state: 'abandoned', label: 'Abandoned', tone: 'warn', meaning: 'past the cut-off without a paid order; CRM tagging starts here' },
  { state: 'recovered', label: 'Recovered', tone: 'ok', meaning: 'the customer paid after all' },
  { state: 'lost', label: 'Lost', tone: 'errors', meaning: 'not recovered within the recovery window' },
  { state: 'unsubscribed', label: 'Unsubscribed', tone: 'muted', meaning: 'the contact unsubscribed; nothing more is sent' },
];

const STATE = new Map(CART_STATES.map((s) => [s.state, s]));

/** Re-renders once a minute so ages keep counting between reloads. */
function useMinuteTick(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function Carts() {
  const [state, setState] = useState<CartState | 'all'>('all');
  // Every cart (for the counts on the filter) and the ones in the chosen state, both reloaded whenever the sweep changes carts.
  const all = useQuery('carts.list', undefined, ['carts', 'settings']);
  const shown = useQuery('carts.list', state === 'all' ? {} : { state }, ['carts', 'settings']);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  useEffect(() => setLoadedAt(Date.now()), [shown.data]);
  const now = useMinuteTick();
  const elapsed = Math.max(0, Math.floor((now - loadedAt) / 60_000));

  const count = (s: CartState) => all.data?.filter((c) => c.state === s).length ?? 0;
  const rows = shown.data ?? [];
  const shops = new Set(all.data?.map((c) => c.shop));
  const current = state === 'all' ? null : STATE.get(state);

  return (
    <Page title="Carts" intro="Checkouts with an email address that did not become a paid order. A cart is captured, becomes abandoned once the cut-off passes, and then is recovered or lost.">
      <ProblemNote problem={shown.problem ?? all.problem} />
      {all.data?.length ? <CartValues carts={all.data} /> : null}
      <div className="segmented filter" role="radiogroup" aria-label="Show carts">
        <label className={state === 'all' ? 'on' : ''}>
          <input type="radio" name="cart-state" value="all" checked={state === 'all'} onChange={() => setState('all')} />
          All <span className="count">{all.data?.length ?? 0}</span>
        </label>
        {CART_STATES.map((s) => (
          <label key={s.state} className={state === s.state ? 'on' : ''}>
            <input type="radio" name="cart-state" value={s.state} checked={state === s.state} onChange={() => setState(s.state)} />
            {s.label} <span className="count">{count(s.state)}</span>
          </label>
        ))}
      </div>
      <Card>
        {current ? <p className="muted small card-intro">{current.label}: {current.meaning}.</p> : null}
        {shown.data && rows.length === 0 ? (
          <Empty>{state === 'all' ? 'No carts captured yet. Carts appear here once a customer leaves an email address at checkout.' : `No ${current?.label.toLowerCase()} carts.`}</Empty>
        ) : null}
        {rows.length > 0 ? (
          <div className="table-scroll">
          <table className="table" data-testid="carts-table">
            <thead>
              <tr>
                <th>Customer</th>
                {shops.size > 1 ? <th>Shop</th> : null}
                <th>State</th>
                <th className="num">Items</th>
                <th className="num">Total</th>
                <th>Last activity</th>
                <th>Captured</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const s = STATE.get(r.state);
                return (
                  <tr key={r.id} data-cart-id={r.id} data-state={r.state}>
                    <td>
                      {r.name || <span className="muted">No name given</span>}
                      <div className="muted small">{r.email}</div>
                      {r.crmBlocked ? (
                        <div className="blocked small" data-testid="crm-blocked" title="The address or its domain is on the cart blacklist in Settings.">
                          Blacklisted: captured, not sent to the CRM
                        </div>
                      ) : null}
                    </td>
                    {shops.size > 1 ? <td>{r.shop}</td> : null}
                    <td>
                      <Badge tone={s?.tone ?? 'muted'}>{s?.label ?? r.state}</Badge>
                      {r.state !== 'capturing' ? <div className="muted small nowrap">since {recent(r.stateChangedAt)}</div> : null}
                    </td>
                    <td className="num">{r.items}</td>
                    <td className="num">{money(r.total, r.currency)}</td>
                    <td className="nowrap" data-testid="cart-age">{age(r.ageMinutes + elapsed, { detail: 'long' })} ago</td>
                    <td className="nowrap">{recent(r.capturedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
        ) : null}
      </Card>
    </Page>
  );
}

/** Past the cut-off: every cart that was abandoned, whatever became of it afterwards. */
const ONCE_ABANDONED = new Set<CartState>(['abandoned', 'recovered', 'lost', 'unsubscribed']);

/** Sums cart totals per currency (carts of shops in different currencies are never added together). */
function totals(carts: readonly CartView[]): string {
  const byCurrency = new Map<string, number>();
  for (const c of carts) {
    const n = Number(c.total);
    if (Number.isFinite(n)) byCurrency.set(c.currency, (byCurrency.get(c.currency) ?? 0) + n);
  }
  if (byCurrency.size === 0) return money('0', carts[0]?.currency ?? 'EUR');
  return [...byCurrency].map(([currency, n]) => money(n.toFixed(2), currency)).join(' + ');
}

/** The money in abandoned carts and how much of it came back as paid orders. */
function CartValues({ carts }: { carts: readonly CartView[] }) {
  const abandoned = carts.filter((c) => ONCE_ABANDONED.has(c.state));
  const recovered = carts.filter((c) => c.state === 'recovered');
  return (
    <div className="stats stats-2">
      <div className="stat static" data-testid="value-abandoned">
        <span className="stat-value">{totals(abandoned)}</span>
        <span className="stat-label">
          abandoned in {abandoned.length} cart{abandoned.length === 1 ? '' : 's'}
        </span>
      </div>
      <div className="stat static" data-testid="value-recovered">
        <span className="stat-value">{totals(recovered)}</span>
        <span className="stat-label">
          recovered: {recovered.length} cart{recovered.length === 1 ? '' : 's'} paid after all
        </span>
      </div>
    </div>
  );
}
