import { useState, type FormEvent } from 'react';
import { useAction } from '../hooks';
import { Card, Empty, Field, OtherProblem } from '../ui';

/** Stock as it was on a day (`backroom stock at`), replayed from the ledger by the API's stock.at. */
export function StockAt() {
  const [draft, setDraft] = useState('');
  const load = useAction((c, at: string) => c.call('stock.at', { at }));
  const [shown, setShown] = useState<Awaited<ReturnType<typeof load.run>>>(undefined);
  const [day, setDay] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const at = draft.trim();
    const result = await load.run(at);
    if (result) {
      setShown(result);
      setDay(at);
    }
  };
  return (
    <Card title="Stock on a past day">
      <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Stock on a past day">
        <Field label="Day" name="at" problem={load.problem} hint="YYYY-MM-DD, or a time such as 2026-11-22T09:15:00Z">
          <input name="at" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="2026-11-22" aria-label="Stock on the day" />
        </Field>
        <button type="submit" disabled={load.busy}>
          Show
        </button>
      </form>
      <OtherProblem problem={load.problem} fields={['at']} />
      {shown ? (
        <div data-testid="stock-at">
          {shown.positions.length === 0 ? (
            <Empty>{`No stock on ${day}: the ledger has nothing before then.`}</Empty>
          ) : (
            <table className="table">
              <caption className="muted">{`Stock on ${day}`}</caption>
              <thead>
                <tr>
                  <th>SKU</th>
                  <th>Location</th>
                  <th className="num">On hand</th>
                  <th className="num">Held by orders</th>
                </tr>
              </thead>
              <tbody>
                {shown.positions.map((p) => (
                  <tr key={`${p.sku}\u0000${p.location ?? '*'}`} data-sku={p.sku} data-location={p.location ?? 'all'}>
                    <td className="mono">{p.sku}</td>
                    <td>{p.location ?? 'all locations'}</td>
                    <td className="num">{p.onHand}</td>
                    <td className="num muted">{p.committed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
    </Card>
  );
}

const KINDS = [
  { value: 'orders', label: 'Orders' },
  { value: 'stock', label: 'Stock' },
  { value: 'ledger', label: 'Stock ledger' },
  { value: 'carts', label: 'Carts' },
  { value: 'all', label: 'Everything (to a folder)' },
] as const;
type Kind = (typeof KINDS)[number]['value'];
const kindOf = (value: string): Kind => KINDS.find((k) => k.value === value)?.value ?? 'orders';

/** CSV export (`backroom export`) through the API's export.write, which checks the path and the range and never overwrites a file. */
export function ExportCsv() {
  const [what, setWhat] = useState<Kind>('orders');
  const [out, setOut] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [done, setDone] = useState('');
  const write = useAction((c) => c.call('export.write', { what, out: out.trim(), ...(from.trim() ? { from: from.trim() } : {}), ...(to.trim() ? { to: to.trim() } : {}) }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    const result = await write.run();
    if (result) setDone(result.files.map((f) => `Wrote ${f.rows} row${f.rows === 1 ? '' : 's'} to ${f.path}`).join('; '));
  };
  return (
    <Card title="Export to CSV">
      <form className="form row" onSubmit={(e) => void submit(e)} aria-label="Export to CSV">
        <Field label="What" name="what" problem={write.problem}>
          <select value={what} onChange={(e) => setWhat(kindOf(e.target.value))}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="File" name="out" problem={write.problem} hint="A full path on this computer; a folder for everything. An existing file is never overwritten.">
          <input value={out} onChange={(e) => setOut(e.target.value)} placeholder="/home/me/orders.csv" />
        </Field>
        <Field label="From" name="from" problem={write.problem}>
          <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="YYYY-MM-DD" />
        </Field>
        <Field label="To" name="to" problem={write.problem}>
          <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="YYYY-MM-DD" />
        </Field>
        <button type="submit" className="primary" disabled={write.busy}>
          Export
        </button>
        <OtherProblem problem={write.problem} fields={['what', 'out', 'from', 'to']} />
        {done ? (
          <p className="note note-good" role="status">
            {done}.
          </p>
        ) : null}
      </form>
    </Card>
  );
}
