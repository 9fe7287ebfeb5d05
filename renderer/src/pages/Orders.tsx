import { useState, type FormEvent } from 'react';
import type { Order } from '../../../core/model';
import { useAction, useQuery } from '../hooks';
import { Badge, Card, Empty, Field, money, Note, Page, ProblemNote, Shipped, day, when } from '../ui';

const PAGE = 50;

export function Orders({ selected, select }: { selected: string | null; select(n: string | null): void }) {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useQuery('orders.list', { status: status || undefined, limit: PAGE, offset }, ['orders']);
  const total = list.data?.total ?? 0;

  if (selected) return <OrderDetail number={selected} back={() => select(null)} />;
  return (
    <Page
      title="Orders"
      intro="Orders pulled from your shops. Open one to record a shipment."
      actions={
        <label className="inline">
          <span>Status</span>
          <select value={status} onChange={(e) => (setStatus(e.target.value), setOffset(0))}>
            <option value="">All</option>
            <option value="processing">Processing</option>
            <option value="on-hold">On hold</option>
            <option value="completed">Completed</option>
            <option value="cancelled">Cancelled</option>
            <option value="refunded">Refunded</option>
          </select>
        </label>
      }
    >
      <ProblemNote problem={list.problem} />
      <Card>
        {list.data && list.data.orders.length === 0 ? (
          <Empty>{status ? `No orders with status “${status}”.` : 'No orders yet. Connect a shop in Settings, then press Sync now on the Dashboard.'}</Empty>
        ) : (
          <table className="table" data-testid="orders-table">
            <thead>
              <tr>
                <th>Order</th>
                <th>Date</th>
                <th>Customer</th>
                <th>Shop</th>
                <th>Status</th>
                <th>Shipping</th>
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.orders.map((o) => (
                <tr key={o.number} className="clickable" tabIndex={0} onClick={() => select(o.number)} onKeyDown={(e) => e.key === 'Enter' && select(o.number)}>
                  <td className="mono">{o.number}</td>
                  <td>{when(o.createdAt)}</td>
                  <td>
                    {o.name || '—'}
                    <div className="muted small">{o.email}</div>
                  </td>
                  <td>{o.shop}</td>
                  <td>{o.status}</td>
                  <td>
                    <Shipped fulfilment={o.fulfilment} />
                  </td>
                  <td className="num">{money(o.total, o.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {total > PAGE ? (
          <div className="pager">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Newer
            </button>
            <span className="muted">
              {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
            </span>
            <button type="button" className="secondary" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              Older
            </button>
          </div>
        ) : null}
      </Card>
    </Page>
  );
}

/** Still to ship per order line: shipped units are counted against the lines of their SKU in order. */
function outstandingByLine(order: Order): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const s of order.shipments) for (const l of s.lines) shipped.set(l.sku, (shipped.get(l.sku) ?? 0) + l.quantity);
  const left = new Map<string, number>();
  for (const line of order.lines) {
    const net = Math.max(0, line.quantity - line.refundedQuantity);
    const take = Math.min(net, shipped.get(line.sku) ?? 0);
    shipped.set(line.sku, (shipped.get(line.sku) ?? 0) - take);
    left.set(line.lineId, net - take);
  }
  return left;
}

function outstanding(order: Order): Map<string, number> {
  const owed = new Map<string, number>();
  for (const line of order.lines) owed.set(line.sku, (owed.get(line.sku) ?? 0) + line.quantity - line.refundedQuantity);
  for (const s of order.shipments) for (const l of s.lines) owed.set(l.sku, (owed.get(l.sku) ?? 0) - l.quantity);
  return owed;
}

function OrderDetail({ number, back }: { number: string; back(): void }) {
  const order = useQuery('orders.show', { number }, ['orders']);
  const o = order.data;
  return (
    <Page
      title={`Order ${number}`}
      intro={o ? `${o.shop} · ${when(o.createdAt)} · ${o.status}` : undefined}
      actions={
        <button type="button" className="secondary" onClick={back}>
          ← All orders
        </button>
      }
    >
      <ProblemNote problem={order.problem} />
      {o ? (
        <div className="grid-2">
          <div>
            <Card title="Items">
              <table className="table">
                <thead>
                  <tr>
                    <th>SKU</th>
                    <th>Product</th>
                    <th className="num">Qty</th>
                    <th className="num">Still to ship</th>
                    <th className="num">Total</th>
                  </tr>
                </thead>
                <tbody>
                  {o.lines.map((l) => (
                    <tr key={l.lineId}>
                      <td className="mono">{l.sku || '—'}</td>
                      <td>{l.name}</td>
                      <td className="num">
                        {l.quantity}
                        {l.refundedQuantity ? <span className="muted small"> ({l.refundedQuantity} refunded)</span> : null}
                      </td>
                      <td className="num">{outstandingByLine(o).get(l.lineId) ?? 0}</td>
                      <td className="num">{money(l.total, o.currency)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td colSpan={4}>Order total</td>
                    <td className="num">{money(o.total, o.currency)}</td>
                  </tr>
                </tfoot>
              </table>
            </Card>
            <Card title="Shipments">
              {o.shipments.length === 0 ? (
                <Empty>Nothing shipped yet.</Empty>
              ) : (
                <ul className="plain" data-testid="shipments">
                  {o.shipments.map((s) => (
                    <li key={s.id}>
                      <strong>{day(s.date)}</strong> · {s.carrier} <span className="mono">{s.tracking}</span> · {s.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')} from {s.location}{' '}
                      {s.pushedAt ? <Badge tone="ok">sent to shop</Badge> : <Badge tone="muted">not sent yet</Badge>}
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
          <div>
            <Card title="Customer">
              <p>
                <strong>{`${o.customer.firstName} ${o.customer.lastName}`.trim() || '—'}</strong>
                <br />
                {o.customer.email}
                {o.customer.phone ? (
                  <>
                    <br />
                    {o.customer.phone}
                  </>
                ) : null}
                {o.customer.company ? (
                  <>
                    <br />
                    {o.customer.company}
                  </>
                ) : null}
              </p>
              <p>
                Shipping: <Shipped fulfilment={o.fulfilment} />
              </p>
            </Card>
            {o.fulfilment !== 'fulfilled' ? <ShipForm order={o} /> : null}
          </div>
        </div>
      ) : null}
    </Page>
  );
}

function ShipForm({ order }: { order: Order }) {
  const owed = [...outstanding(order)].filter(([, q]) => q > 0);
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [qty, setQty] = useState<Record<string, string>>(() => Object.fromEntries(owed.map(([sku, q]) => [sku, String(q)])));
  const [done, setDone] = useState<string | null>(null);
  const ship = useAction((c, lines: { sku: string; quantity: number }[]) => c.call('ship', { orderNumber: order.number, carrier, tracking, date, lines }));

  const edited = (field: string) => ship.problem?.field === field && ship.setProblem(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const lines = owed.map(([sku]) => ({ sku, quantity: Number(qty[sku] ?? 0) })).filter((l) => l.quantity > 0);
    const result = await ship.run(lines);
    if (result) {
      setDone(`Shipment recorded (${result.shipment.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}). ${result.order.fulfilment === 'fulfilled' ? 'The order is fulfilled; tracking goes to the shop.' : 'Part of the order is still to ship.'}`);
      setTracking('');
    }
  };

  return (
    <Card title="Record a shipment">
      <form onSubmit={(e) => void submit(e)} className="form" aria-label="Record a shipment">
        <Field label="Carrier" name="carrier" problem={ship.problem}>
          <input value={carrier} onChange={(e) => (setCarrier(e.target.value), edited('carrier'))} placeholder="DHL, UPS, Royal Mail…" />
        </Field>
        <Field label="Tracking number" name="tracking" problem={ship.problem}>
          <input value={tracking} onChange={(e) => (setTracking(e.target.value), edited('tracking'))} />
        </Field>
        <Field label="Date shipped" name="date" problem={ship.problem}>
          <input type="date" value={date} onChange={(e) => (setDate(e.target.value), edited('date'))} />
        </Field>
        <fieldset className="lines">
          <legend>What left</legend>
          {owed.map(([sku, max]) => (
            <label key={sku} className="line-qty">
              <span className="mono">{sku}</span>
              <input type="number" min={0} max={max} value={qty[sku] ?? ''} onChange={(e) => setQty({ ...qty, [sku]: e.target.value })} aria-label={`Quantity of ${sku}`} />
              <span className="muted small">of {max}</span>
            </label>
          ))}
        </fieldset>
        {ship.problem && !['carrier', 'tracking', 'date'].includes(ship.problem.field ?? '') ? <ProblemNote problem={ship.problem} /> : null}
        {done ? <Note tone="good">{done}</Note> : null}
        <button type="submit" className="primary" disabled={ship.busy}>
          {ship.busy ? 'Recording…' : 'Record shipment'}
        </button>
      </form>
    </Card>
  );
}
