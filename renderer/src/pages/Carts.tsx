import { callIfPresent } from '../api';
import { useQuery } from '../hooks';
import { Badge, Card, Empty, money, Page, ProblemNote, when } from '../ui';

/** What the carts list may carry; the carts API is still arriving, so every field is optional here. */
interface CartRow {
  id?: string;
  email?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  state?: string;
  status?: string;
  total?: string;
  currency?: string;
  shop?: string;
  capturedAt?: string;
  updatedAt?: string;
  createdAt?: string;
}

function rowsOf(data: unknown): CartRow[] {
  if (Array.isArray(data)) return data as CartRow[];
  if (data && typeof data === 'object' && Array.isArray((data as { carts?: unknown }).carts)) return (data as { carts: CartRow[] }).carts;
  return [];
}

const TONE: Record<string, 'ok' | 'warn' | 'errors' | 'muted' | 'syncing'> = { recovered: 'ok', abandoned: 'warn', lost: 'errors', capturing: 'syncing', unsubscribed: 'muted' };

export function Carts() {
  const carts = useQuery((c) => callIfPresent<unknown>(c, 'carts.list', {}), ['carts']);
  const missing = carts.data === null;
  const rows = rowsOf(carts.data);
  return (
    <Page title="Carts" intro="Checkouts with an email address that did not become a paid order: captured, abandoned, recovered or lost.">
      <ProblemNote problem={carts.problem} />
      <Card>
        {missing ? (
          <Empty>Cart tracking is not part of this Backroom engine yet. Once it is, abandoned carts appear here.</Empty>
        ) : rows.length === 0 ? (
          <Empty>No carts captured yet.</Empty>
        ) : (
          <table className="table" data-testid="carts-table">
            <thead>
              <tr>
                <th>Customer</th>
                <th>Shop</th>
                <th>State</th>
                <th className="num">Total</th>
                <th>Captured</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const state = r.state ?? r.status ?? '—';
                return (
                  <tr key={r.id ?? i}>
                    <td>
                      {r.name ?? (`${r.firstName ?? ''} ${r.lastName ?? ''}`.trim() || '—')}
                      <div className="muted small">{r.email}</div>
                    </td>
                    <td>{r.shop ?? '—'}</td>
                    <td>
                      <Badge tone={TONE[state] ?? 'muted'}>{state}</Badge>
                    </td>
                    <td className="num">{r.total ? money(r.total, r.currency ?? 'EUR') : '—'}</td>
                    <td>{when(r.capturedAt ?? r.createdAt ?? r.updatedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </Page>
  );
}
