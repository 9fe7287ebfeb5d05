import { useState, type FormEvent } from 'react';
import type { ShopAddParams } from '../../../core/api/namespaces/shops';
import type { ShopView } from '../../../core/api/namespaces/shops';
import { useAction, useQuery } from '../hooks';
import { Card, Empty, Field, Note, Page, ProblemNote, day } from '../ui';
import { CartSettings } from './SettingsCarts';
import { CrmConnections, CrmFieldMapping } from './SettingsCrm';
import { TagRules } from './SettingsRules';

export function Settings({ transport }: { transport: 'desktop' | 'web' }) {
  return (
    <Page title="Settings" intro="Shops, stock locations, abandoned carts, your CRM and this computer.">
      <div className="grid-2">
        <Shops />
        <div>
          <Locations />
          <CartSettings />
          <About transport={transport} />
        </div>
      </div>
      <h2 className="section-title" id="crm">CRM</h2>
      <div className="grid-2">
        <div>
          <CrmConnections />
          <CrmFieldMapping />
        </div>
        <TagRules />
      </div>
    </Page>
  );
}

function Shops() {
  const shops = useQuery('shop.list', undefined, ['settings']);
  const [removed, setRemoved] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useAction((c, name: string) => c.call('shop.remove', { name }));
  return (
    <Card title="Shops">
      <ProblemNote problem={shops.problem ?? remove.problem} />
      {removed ? <Note tone="good">Shop “{removed}” removed. Its orders stay in Backroom.</Note> : null}
      {shops.data && shops.data.length === 0 ? <Empty>No shop connected yet.</Empty> : null}
      <ul className="plain settings-list" data-testid="settings-shops">
        {shops.data?.map((s) => (
          <li key={s.name}>
            <div>
              <strong>{s.name}</strong> <span className="muted">({s.platform === 'woocommerce' ? 'WooCommerce' : 'Shopify'}, orders {s.prefix}:)</span>
              <div className="muted small">
                {s.platform === 'woocommerce' ? s.url : s.domain} · statuses {s.statuses.join(', ')} · stock from {s.location.kind === 'combined' ? 'all locations' : s.location.location}
              </div>
            </div>
            {confirming === s.name ? (
              <span className="buttons">
                <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(s.name).then((r) => r && (setRemoved(r.removed), setConfirming(null)))}>
                  Remove {s.name}
                </button>
                <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                  Keep
                </button>
              </span>
            ) : (
              <span className="buttons">
                <button type="button" className="secondary" onClick={() => setEditing(editing === s.name ? null : s.name)} aria-expanded={editing === s.name}>
                  Change address or keys…
                </button>
                <button type="button" className="secondary" onClick={() => (setConfirming(s.name), setRemoved(null))}>
                  Remove…
                </button>
              </span>
            )}
            {editing === s.name ? <EditConnection shop={s} done={() => setEditing(null)} /> : null}
          </li>
        ))}
      </ul>
      <AddShop />
    </Card>
  );
}

/** New address or keys for a connected shop; the shop is asked with them before anything is saved. */
function EditConnection({ shop, done }: { shop: ShopView; done(): void }) {
  const woo = shop.platform === 'woocommerce';
  const [form, setForm] = useState({ url: woo ? shop.url : '', key: '', secret: '', domain: woo ? '' : shop.domain, token: '' });
  const [saved, setSaved] = useState(false);
  const save = useAction((c) =>
    c.call('shop.setConnection', woo
      ? { name: shop.name, url: form.url !== shop.url ? form.url : undefined, key: form.key || undefined, secret: form.secret || undefined }
      : { name: shop.name, domain: form.domain !== shop.domain ? form.domain : undefined, token: form.token || undefined }));
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    if (save.problem) save.setProblem(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save.run()) {
      setSaved(true);
      setTimeout(done, 1500);
    }
  };
  const p = save.problem;
  return (
    <form className="form edit-connection" aria-label={`Address and keys of ${shop.name}`} autoComplete="off" onSubmit={(e) => void submit(e)}>
      {woo ? (
        <>
          <Field label="Shop address" name="url" problem={p}>
            <input value={form.url} onChange={set('url')} />
          </Field>
          <Field label="New consumer key" name="key" problem={p} hint="Leave empty to keep the stored one.">
            <input value={form.key} onChange={set('key')} placeholder="ck_…" spellCheck={false} />
          </Field>
          <Field label="New consumer secret" name="secret" problem={p}>
            <input type="password" value={form.secret} onChange={set('secret')} placeholder="cs_…" />
          </Field>
        </>
      ) : (
        <>
          <Field label="Shop domain" name="domain" problem={p}>
            <input value={form.domain} onChange={set('domain')} />
          </Field>
          <Field label="New access token" name="token" problem={p} hint="Leave empty to keep the stored one.">
            <input type="password" value={form.token} onChange={set('token')} placeholder="shpat_…" />
          </Field>
        </>
      )}
      {p && !['url', 'key', 'secret', 'domain', 'token'].includes(p.field ?? '') ? <ProblemNote problem={p} /> : null}
      {saved ? <Note tone="good">The shop accepted them; saved.</Note> : null}
      <span className="buttons">
        <button type="submit" className="primary" disabled={save.busy}>
          {save.busy ? 'Asking the shop…' : 'Check and save'}
        </button>
        <button type="button" className="secondary" onClick={done}>
          Cancel
        </button>
      </span>
    </form>
  );
}

function AddShop() {
  const locations = useQuery('location.list', undefined, ['settings']);
  const [platform, setPlatform] = useState<'woocommerce' | 'shopify'>('woocommerce');
  const [form, setForm] = useState({ name: '', url: '', key: '', secret: '', domain: '', token: '', prefix: '', statuses: 'processing', location: '' });
  const [added, setAdded] = useState<string | null>(null);
  // On by default: wrong keys give one clear message now instead of errors from every sync later.
  const [check, setCheck] = useState(true);
  const add = useAction((c, params: ShopAddParams) => c.call('shop.add', params));
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    if (add.problem?.field === k) add.setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const common = {
      name: form.name,
      prefix: form.prefix.trim() || undefined,
      statuses: form.statuses.split(',').map((s) => s.trim()).filter(Boolean),
      ...(form.location ? { location: form.location } : { combined: true }),
      check,
    };
    const params: ShopAddParams = platform === 'woocommerce' ? { platform, url: form.url, key: form.key, secret: form.secret, ...common } : { platform, domain: form.domain, token: form.token, ...common };
    const shop = await add.run(params);
    if (shop) {
      setAdded(`Shop “${shop.name}” added; its orders will be numbered ${shop.prefix}:…`);
      setForm({ ...form, name: '', url: '', key: '', secret: '', domain: '', token: '', prefix: '' });
    }
  };
  const fieldNames = ['name', 'url', 'key', 'secret', 'domain', 'token', 'prefix', 'statuses', 'location'];
  const p = add.problem;

  return (
    <form className="form add-shop" onSubmit={(e) => void submit(e)} aria-label="Add a shop" autoComplete="off">
      <h3>Add a shop</h3>
      <div className="segmented" role="radiogroup" aria-label="Platform">
        {(['woocommerce', 'shopify'] as const).map((pl) => (
          <label key={pl} className={platform === pl ? 'on' : ''}>
            <input type="radio" name="platform" value={pl} checked={platform === pl} onChange={() => (setPlatform(pl), add.setProblem(null))} />
            {pl === 'woocommerce' ? 'WooCommerce' : 'Shopify'}
          </label>
        ))}
      </div>
      <Field label="Name" name="name" problem={p} hint="How you call this shop in Backroom.">
        <input value={form.name} onChange={set('name')} placeholder="Main shop" />
      </Field>
      {platform === 'woocommerce' ? (
        <>
          <Field label="Shop address" name="url" problem={p}>
            <input value={form.url} onChange={set('url')} placeholder="https://shop.example.com" />
          </Field>
          <Field label="Consumer key" name="key" problem={p} hint="WooCommerce → Settings → Advanced → REST API (read/write).">
            <input value={form.key} onChange={set('key')} placeholder="ck_…" spellCheck={false} />
          </Field>
          <Field label="Consumer secret" name="secret" problem={p}>
            <input type="password" value={form.secret} onChange={set('secret')} placeholder="cs_…" />
          </Field>
        </>
      ) : (
        <>
          <Field label="Shop domain" name="domain" problem={p}>
            <input value={form.domain} onChange={set('domain')} placeholder="your-shop.myshopify.com" />
          </Field>
          <Field label="Admin API access token" name="token" problem={p}>
            <input type="password" value={form.token} onChange={set('token')} placeholder="shpat_…" />
          </Field>
        </>
      )}
      <div className="row">
        <Field label="Order prefix" name="prefix" problem={p} hint="Optional; e.g. WO">
          <input value={form.prefix} onChange={set('prefix')} maxLength={8} />
        </Field>
        <Field label="Import statuses" name="statuses" problem={p} hint="Comma-separated">
          <input value={form.statuses} onChange={set('statuses')} />
        </Field>
      </div>
      <Field label="Stock for this shop" name="location" problem={p}>
        <select value={form.location} onChange={set('location')}>
          <option value="">All locations combined</option>
          {locations.data?.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      </Field>
      <label className="check">
        <input type="checkbox" checked={check} onChange={(e) => setCheck(e.target.checked)} /> Ask the shop whether it accepts these keys before saving
      </label>
      {p && !fieldNames.includes(p.field ?? '') ? <ProblemNote problem={p} /> : null}
      {added ? <Note tone="good">{added}</Note> : null}
      <button type="submit" className="primary" disabled={add.busy}>
        {add.busy ? (check ? 'Asking the shop…' : 'Adding…') : 'Add shop'}
      </button>
      <p className="muted small">Keys are kept in your system’s keychain (or a file only you can read), never in Backroom’s data files.</p>
    </form>
  );
}

function Locations() {
  const locations = useQuery('location.list', undefined, ['settings']);
  const [name, setName] = useState('');
  const add = useAction((c) => c.call('location.add', { name }));
  return (
    <Card title="Stock locations">
      <ProblemNote problem={locations.problem} />
      {locations.data && locations.data.length === 0 ? <Empty>No location yet. Stock is kept per location; add at least one.</Empty> : null}
      <ul className="plain settings-list" data-testid="locations">
        {locations.data?.map((l) => (
          <li key={l.name}>
            <strong>{l.name}</strong> <span className="muted small">since {day(l.addedAt)}</span>
          </li>
        ))}
      </ul>
      <form className="form row" aria-label="Add a location" onSubmit={(e) => (e.preventDefault(), void add.run().then((r) => r && setName('')))}>
        <Field label="New location" name="name" problem={add.problem}>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Back room" />
        </Field>
        <button type="submit" className="secondary" disabled={add.busy}>
          Add location
        </button>
      </form>
    </Card>
  );
}

function About({ transport }: { transport: 'desktop' | 'web' }) {
  const status = useQuery('status', undefined, ['settings']);
  const s = status.data;
  return (
    <Card title="This computer">
      <dl className="about">
        <dt>Data folder</dt>
        <dd className="mono">{s?.dataDir ?? '…'}</dd>
        <dt>Keys stored in</dt>
        <dd>{s ? (s.secrets === 'keychain' ? 'the system keychain' : s.secrets === 'database' ? 'the database, encrypted with the store key' : 'a file only your user can read') : '…'}</dd>
        <dt>Engine</dt>
        <dd>{s?.engine ? `running since ${day(s.engine.startedAt)} (process ${s.engine.pid})` : s ? 'opened directly' : '…'}</dd>
        <dt>Connected through</dt>
        <dd>{transport === 'desktop' ? 'the desktop app' : 'this browser page (backroom web)'}</dd>
      </dl>
    </Card>
  );
}
