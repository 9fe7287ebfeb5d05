import { useState, type FormEvent } from 'react';
import { parseBundleParts } from '../../../core/model/bundle-parts';
import { useAction, useQuery } from '../hooks';
import { Card, Empty, Field, Note, OtherProblem, Page, ProblemNote, recent } from '../ui';

function Unlinked() {
  const list = useQuery('sku.unlinked', {}, ['stock', 'orders']);
  const [targets, setTargets] = useState<Record<string, string>>({});
  const link = useAction((c, shop: string, shopSku: string, sku: string) => c.call('sku.link', { shop, shopSku, sku }));
  const ignore = useAction((c, shop: string, shopSku: string) => c.call('sku.ignore', { shop, shopSku }));
  const problem = link.problem ?? ignore.problem;
  return (
    <Card title="Not in the catalogue">
      <p className="muted small">SKUs on your shops’ orders or products that the catalogue does not have. Link one to a catalogue SKU (its orders then hold that SKU), or ignore it when it is not stock.</p>
      <ProblemNote problem={problem} />
      {list.data?.length ? (
        <table className="table compact" data-testid="unlinked">
          <thead>
            <tr><th>Shop</th><th>Shop SKU</th><th>Seen on</th><th>Last seen</th><th>Link to SKU</th><th /></tr>
          </thead>
          <tbody>
            {list.data.map((u) => {
              const key = `${u.shop}#${u.shopSku}`;
              return (
                <tr key={key}>
                  <td>{u.shop}</td>
                  <td className="mono">{u.shopSku}</td>
                  <td>{[u.seenOnOrders ? `${u.lines} order line${u.lines === 1 ? '' : 's'} (${u.orders.slice(0, 3).join(', ')})` : '', u.seenOnProducts ? 'a product' : ''].filter(Boolean).join(', ')}</td>
                  <td>{recent(u.lastSeenAt)}</td>
                  <td>
                    <input aria-label={`Catalogue SKU for ${u.shopSku}`} value={targets[key] ?? ''} onChange={(e) => setTargets({ ...targets, [key]: e.target.value })} placeholder="SKU" />
                  </td>
                  <td className="buttons">
                    <button type="button" className="primary" disabled={!targets[key]?.trim() || link.busy} onClick={() => void link.run(u.shop, u.shopSku, targets[key]!.trim())}>Link</button>
                    <button type="button" className="secondary" disabled={ignore.busy} onClick={() => void ignore.run(u.shop, u.shopSku)}>Ignore</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : <Empty>Every SKU your shops use is in the catalogue.</Empty>}
    </Card>
  );
}

function Aliases() {
  const list = useQuery('sku.aliases', {}, ['stock']);
  const shops = useQuery('shop.list', undefined, ['settings']);
  const [form, setForm] = useState({ shopSku: '', sku: '', shop: '' });
  const add = useAction((c) => c.call('sku.alias', { shopSku: form.shopSku, sku: form.sku, shop: form.shop || undefined }));
  const remove = useAction((c, shopSku: string, shop: string | undefined) => c.call('sku.unalias', { shopSku, shop }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await add.run()) setForm({ shopSku: '', sku: '', shop: form.shop });
  };
  return (
    <Card title="SKU aliases">
      <p className="muted small">A shop’s own spelling of a catalogue SKU. On one shop, that shop is sent its spelling instead of the catalogue’s.</p>
      <form className="form row" onSubmit={(e) => void submit(e)} aria-label="Add an alias">
        <Field label="Shop SKU" name="shopSku" problem={add.problem}><input value={form.shopSku} onChange={(e) => setForm({ ...form, shopSku: e.target.value })} /></Field>
        <Field label="Catalogue SKU" name="sku" problem={add.problem}><input value={form.sku} onChange={(e) => setForm({ ...form, sku: e.target.value })} /></Field>
        <Field label="Shop" name="shop" problem={add.problem}>
          <select value={form.shop} onChange={(e) => setForm({ ...form, shop: e.target.value })}>
            <option value="">Every shop</option>
            {(shops.data ?? []).map((s) => <option key={s.name}>{s.name}</option>)}
          </select>
        </Field>
        <button type="submit" className="primary" disabled={add.busy}>Add alias</button>
      </form>
      <OtherProblem problem={add.problem} fields={['shopSku', 'sku', 'shop']} />
      <ProblemNote problem={remove.problem} />
      {list.data?.length ? (
        <table className="table compact" data-testid="aliases">
          <thead><tr><th>Shop SKU</th><th>Catalogue SKU</th><th>Shop</th><th /></tr></thead>
          <tbody>
            {list.data.map((a) => (
              <tr key={`${a.shop ?? ''}#${a.shopSku}`}>
                <td className="mono">{a.shopSku}</td><td className="mono">{a.sku}</td><td>{a.shop ?? 'every shop'}</td>
                <td><button type="button" className="secondary" disabled={remove.busy} onClick={() => void remove.run(a.shopSku, a.shop)}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}

function Kits() {
  const list = useQuery('bundle.list', undefined, ['stock']);
  const [kit, setKit] = useState('');
  const [parts, setParts] = useState('');
  const [localProblem, setLocalProblem] = useState<string | null>(null);
  const add = useAction((c, sku: string, of: { sku: string; quantity: number }[]) => c.call('bundle.add', { sku, parts: of }));
  const remove = useAction((c, sku: string) => c.call('bundle.remove', { sku }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseBundleParts(parts.replace(/--of\s*/, ''));
    if ('error' in parsed) {
      setLocalProblem(parsed.error.replace('--of', 'Parts'));
      return;
    }
    setLocalProblem(null);
    if (await add.run(kit.trim(), parsed.parts)) {
      setKit('');
      setParts('');
    }
  };
  return (
    <Card title="Kits">
      <p className="muted small">A kit is sold on your shops and made of other SKUs. Shops are offered as many as its parts allow; selling one holds its parts.</p>
      <form className="form row" onSubmit={(e) => void submit(e)} aria-label="Add a kit">
        <Field label="Kit SKU" name="sku" problem={add.problem}><input value={kit} onChange={(e) => setKit(e.target.value)} placeholder="GIFT-BOX" /></Field>
        <Field label="Parts (SKU:QTY, …)" name="of" problem={add.problem}><input value={parts} onChange={(e) => setParts(e.target.value)} placeholder="MUG:1,CAP:2" /></Field>
        <button type="submit" className="primary" disabled={add.busy || !kit.trim()}>Save kit</button>
      </form>
      {localProblem ? <Note tone="bad">{localProblem}</Note> : null}
      <OtherProblem problem={add.problem} fields={['sku', 'of']} />
      <ProblemNote problem={remove.problem} />
      {list.data?.length ? (
        <table className="table compact" data-testid="kits">
          <thead><tr><th>Kit</th><th>Parts</th><th className="num">Can make</th><th /></tr></thead>
          <tbody>
            {list.data.map((b) => (
              <tr key={b.sku}>
                <td className="mono">{b.sku}</td>
                <td className="mono">{b.parts.map((p) => `${p.sku}×${p.quantity}`).join(', ')}</td>
                <td className="num">{b.available}</td>
                <td><button type="button" className="secondary" disabled={remove.busy} onClick={() => void remove.run(b.sku)}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <Empty>No kits yet.</Empty>}
    </Card>
  );
}

/** Kits, SKU aliases, and the SKUs shops use that the catalogue does not have. */
export function Catalogue() {
  return (
    <Page title="Kits & SKUs" intro="Kits made of your SKUs, your shops’ own spellings of SKUs, and SKUs the catalogue does not have yet.">
      <Unlinked />
      <Aliases />
      <Kits />
    </Page>
  );
}
