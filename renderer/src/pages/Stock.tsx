import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { StockImportResult } from '../../../core/api/namespaces/stock';
import { useAction, useEvent, useQuery, type Problem } from '../hooks';
import { StockHistoryChart } from '../charts/StockHistory';
import { LowStock, StockStory } from './StockStory';
import { ExportCsv, StockAt } from './StockPast';
import { Card, Empty, Field, Note, Page, ProblemNote } from '../ui';

export function Stock() {
  const [filter, setFilter] = useState('');
  const [charted, setCharted] = useState<string | null>(null);
  const stock = useQuery('stock.list', { sku: filter || undefined }, ['stock', 'orders']);
  const locations = useQuery('location.list', undefined, ['settings']);
  const locs = locations.data?.map((l) => l.name) ?? [];
  // What each shop was last sent: written by the inventory push, which raises no "changed" event of its own.
  const sent = useQuery('stock.sent', {}, ['settings', 'stock']);
  useEvent('job', (e) => e.job === 'inventory' && e.state !== 'running' && sent.reload());
  const shops = sent.data?.shops ?? [];
  const oversold = stock.data?.filter((i) => i.committed > i.totalOnHand) ?? [];

  return (
    <Page
      title="Stock"
      intro="On hand per location. Click a number to change it; shops get the new available quantity within seconds."
      actions={<input type="search" placeholder="Find a SKU" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Find a SKU" />}
    >
      <ProblemNote problem={stock.problem ?? locations.problem ?? sent.problem} />
      {oversold.length ? (
        <div className="note note-warn" role="status" data-testid="oversold-summary">
          {oversold.length} SKU{oversold.length === 1 ? ' is' : 's are'} oversold: open orders hold more than is on hand ({oversold.slice(0, 5).map((i) => i.sku).join(', ')}
          {oversold.length > 5 ? ', …' : ''}). Shops are sent 0 for {oversold.length === 1 ? 'it' : 'them'} until stock arrives or orders are cancelled.
        </div>
      ) : null}
      <LowStock />
      {charted ? <StockHistoryChart sku={charted} onClose={() => setCharted(null)} /> : null}
      {charted ? <StockStory sku={charted} /> : null}
      <Card>
        {locations.data && locs.length === 0 ? (
          <Empty>Add a stock location in Settings first (for example “Warehouse”).</Empty>
        ) : stock.data && stock.data.length === 0 ? (
          <Empty>{filter ? `No SKU matches “${filter}”.` : 'No stock yet. Add a SKU below or import a CSV file.'}</Empty>
        ) : (
          <div className="table-scroll">
          <table className="table stock" data-testid="stock-table">
            <thead>
              <tr>
                <th>SKU</th>
                {locs.map((l) => (
                  <th key={l} className="num">
                    {l}
                  </th>
                ))}
                <th className="num">Held by orders</th>
                <th className="num">Available</th>
                {shops.map((shop) => (
                  <th key={shop.name} className="num" title={`The available quantity Backroom last sent to ${shop.name}`}>
                    Last sent to {shop.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {stock.data?.map((item) => (
                <tr key={item.sku} data-sku={item.sku}>
                  <td className="mono">
                    <button type="button" className="link sku-link" onClick={() => setCharted(item.sku)} aria-label={`Stock of ${item.sku} over time`} title="Show this SKU's stock over time">
                      {item.sku}
                    </button>
                  </td>
                  {locs.map((l) => (
                    <td key={l} className="num">
                      <QuantityCell sku={item.sku} location={l} value={item.onHand[l]} />
                    </td>
                  ))}
                  <td className="num muted">{item.committed}</td>
                  <td className="num">
                    <strong data-testid="available">{item.available}</strong>
                    {item.committed > item.totalOnHand ? (
                      <div className="oversold" data-testid="oversold" title="Open orders hold more of this SKU than is on hand in all locations together">
                        Oversold: {item.committed} held, {item.totalOnHand} on hand
                      </div>
                    ) : null}
                  </td>
                  {shops.map((shop) => (
                    <td key={shop.name} className="num muted" data-testid={`sent-${shop.name}`}>
                      {shop.lastSent[item.sku] ?? '–'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
      </Card>
      {locs.length ? (
        <div className="grid-2">
          <AddSku locations={locs} />
          <CsvImport />
        </div>
      ) : null}
      <div className="grid-2">
        <StockAt />
        <ExportCsv />
      </div>
    </Page>
  );
}

function QuantityCell({ sku, location, value }: { sku: string; location: string; value: number | undefined }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const save = useAction((c, quantity: number) => c.call('stock.set', { sku, location, quantity }));
  const start = () => {
    setDraft(String(value ?? 0));
    save.setProblem(null);
    setEditing(true);
  };
  const commit = async () => {
    const quantity = Number(draft.trim());
    if (draft.trim() === String(value ?? 0)) return setEditing(false);
    const ok = await save.run(draft.trim() === '' ? Number.NaN : quantity);
    if (ok) setEditing(false);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') void commit();
    if (e.key === 'Escape') setEditing(false);
  };
  if (!editing) {
    return (
      <button type="button" className="qty" onClick={start} aria-label={`Edit ${sku} at ${location}`} title="Click to change">
        {value ?? <span className="muted">–</span>}
      </button>
    );
  }
  return (
    <span className="qty-edit">
      <input autoFocus inputMode="numeric" value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} onBlur={() => !save.busy && !save.problem && setEditing(false)} aria-label={`New quantity of ${sku} at ${location}`} aria-invalid={Boolean(save.problem)} />
      {save.problem ? (
        <span className="cell-error" role="alert">
          {save.problem.message}
        </span>
      ) : null}
    </span>
  );
}

function AddSku({ locations }: { locations: string[] }) {
  const [sku, setSku] = useState('');
  const [location, setLocation] = useState(locations[0] ?? '');
  const [quantity, setQuantity] = useState('');
  const add = useAction((c) => c.call('stock.set', { sku, location: location || locations[0]!, quantity: quantity.trim() === '' ? Number.NaN : Number(quantity) }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add.run()) {
      setSku('');
      setQuantity('');
    }
  };
  return (
    <Card title="Add or set a SKU">
      <form className="form row" onSubmit={(e) => void submit(e)} aria-label="Add or set a SKU">
        <Field label="SKU" name="sku" problem={add.problem}>
          <input value={sku} onChange={(e) => setSku(e.target.value)} placeholder="TS-RED-M" />
        </Field>
        <Field label="Location" name="location" problem={add.problem}>
          <select value={location} onChange={(e) => setLocation(e.target.value)}>
            {locations.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </Field>
        <Field label="On hand" name="quantity" problem={add.problem}>
          <input inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} placeholder="0" />
        </Field>
        <button type="submit" className="primary" disabled={add.busy}>
          Save
        </button>
      </form>
    </Card>
  );
}

function CsvImport() {
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('pasted CSV');
  const [preview, setPreview] = useState<StockImportResult | null>(null);
  const [applied, setApplied] = useState<StockImportResult | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const run = useAction((c, dryRun: boolean) => c.call('stock.import', { csv, dryRun, fileName }));

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setCsv(await file.text());
    setFileName(file.name);
    setPreview(null);
    setApplied(null);
  };
  const doPreview = async () => {
    setApplied(null);
    setPreview((await run.run(true)) ?? null);
  };
  const doApply = async () => {
    const result = await run.run(false);
    if (result) {
      setApplied(result);
      setPreview(null);
      setCsv('');
      if (fileRef.current) fileRef.current.value = '';
    }
  };
  const problem: Problem | null = run.problem;

  return (
    <Card title="Import a CSV file">
      <p className="muted small">
        Columns <code>sku,location,quantity</code>. You see every change before anything is saved; a file with a bad line changes nothing.
      </p>
      <div className="form">
        <input ref={fileRef} type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.target.files?.[0])} aria-label="CSV file" />
        <textarea rows={4} value={csv} onChange={(e) => (setCsv(e.target.value), setFileName('pasted CSV'), setPreview(null))} placeholder={'sku,location,quantity\nTS-RED-M,Warehouse,12'} aria-label="CSV text" />
        <div className="buttons">
          <button type="button" className="secondary" disabled={!csv.trim() || run.busy} onClick={() => void doPreview()}>
            Preview changes
          </button>
          <button type="button" className="primary" disabled={!preview || run.busy} onClick={() => void doApply()}>
            Apply {preview ? `${preview.changes.length} change${preview.changes.length === 1 ? '' : 's'}` : ''}
          </button>
        </div>
        <ProblemNote problem={problem} />
        {preview ? (
          <div data-testid="import-preview">
            <Note>
              {preview.rows} line{preview.rows === 1 ? '' : 's'} read: {preview.changes.length} change{preview.changes.length === 1 ? '' : 's'}, {preview.unchanged} already right. Nothing saved yet.
            </Note>
            {preview.changes.length ? (
              <table className="table compact">
                <thead>
                  <tr>
                    <th>SKU</th>
                    <th>Location</th>
                    <th className="num">Now</th>
                    <th className="num">After</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.changes.slice(0, 50).map((c) => (
                    <tr key={`${c.sku}@${c.location}`}>
                      <td className="mono">{c.sku}</td>
                      <td>{c.location}</td>
                      <td className="num muted">{c.from ?? 'new'}</td>
                      <td className="num">
                        <strong>{c.to}</strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ) : null}
        {applied ? <Note tone="good">Imported: {applied.changes.length} change{applied.changes.length === 1 ? '' : 's'} saved.</Note> : null}
      </div>
    </Card>
  );
}
