import { useEffect, useState, type FormEvent } from 'react';
import type { Contract } from '../../../core/api/contract';
import type { CrmAddParams, CrmTestResult, CrmView } from '../../../core/api/namespaces/crm';
import type { ResultOf } from '../../../core/api/define';
import { useAction, useQuery } from '../hooks';
import { Card, Empty, Field, Note, OtherProblem, ProblemNote, day } from '../ui';

export const CRM_LABEL: Record<CrmView['platform'], string> = { activecampaign: 'ActiveCampaign', mailchimp: 'Mailchimp' };

/** CRM connections: listed, tested (showing what the CRM answered), removed, added. */
export function CrmConnections() {
  const crms = useQuery('crm.list', undefined, ['settings']);
  return (
    <Card title="CRM connections">
      <ProblemNote problem={crms.problem} />
      {crms.data && crms.data.length === 0 ? <Empty>No CRM connected. Contacts and tags go to the CRMs you add here.</Empty> : null}
      <ul className="plain settings-list" data-testid="crm-list">
        {crms.data?.map((crm) => (
          <CrmItem key={crm.name} crm={crm} />
        ))}
      </ul>
      <AddCrm />
    </Card>
  );
}

function describeTest(r: CrmTestResult): string {
  const parts = [`account ${r.account}`];
  if (r.user) parts.push(`user ${r.user}`);
  if (r.listName) parts.push(`audience “${r.listName}”${r.memberCount !== undefined ? ` with ${r.memberCount} member${r.memberCount === 1 ? '' : 's'}` : ''}`);
  return `Connected to ${CRM_LABEL[r.platform]}: ${parts.join(', ')}.`;
}

function CrmItem({ crm }: { crm: CrmView }) {
  const [tested, setTested] = useState<CrmTestResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const test = useAction((c) => c.call('crm.test', { name: crm.name }));
  const remove = useAction((c) => c.call('crm.remove', { name: crm.name }));
  const where = crm.platform === 'activecampaign' ? crm.url : `audience ${crm.listId}${crm.server ? ` · ${crm.server}` : ''}`;
  return (
    <li className="stacked" data-crm={crm.name}>
      <div className="item-line">
        <div>
          <strong>{crm.name}</strong> <span className="muted">({CRM_LABEL[crm.platform]})</span>
          <div className="muted small">
            {where} · added {day(crm.addedAt)}
          </div>
        </div>
        {confirming ? (
          <span className="buttons">
            <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run()}>
              Remove {crm.name}
            </button>
            <button type="button" className="secondary" onClick={() => (setConfirming(false), remove.setProblem(null))}>
              Keep
            </button>
          </span>
        ) : (
          <span className="buttons">
            <button type="button" className="secondary" disabled={test.busy} onClick={() => (setTested(null), void test.run().then((r) => r && setTested(r)))}>
              {test.busy ? 'Testing…' : 'Test'}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              Change address or key…
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              Remove…
            </button>
          </span>
        )}
      </div>
      {editing ? <EditCrmConnection crm={crm} done={() => setEditing(false)} /> : null}
      {tested ? (
        <Note tone="good">
          <span data-testid="crm-test-result">{describeTest(tested)}</span>
        </Note>
      ) : null}
      <ProblemNote problem={test.problem ?? remove.problem} />
    </li>
  );
}

/** A new URL, key or audience for a connected CRM; the CRM is asked with them before anything is saved. */
function EditCrmConnection({ crm, done }: { crm: CrmView; done(): void }) {
  const ac = crm.platform === 'activecampaign';
  const [form, setForm] = useState({ url: ac ? crm.url : '', key: '', listId: ac ? '' : crm.listId });
  const [saved, setSaved] = useState(false);
  const save = useAction((c) =>
    c.call('crm.setConnection', ac
      ? { name: crm.name, url: form.url !== crm.url ? form.url : undefined, key: form.key || undefined }
      : { name: crm.name, key: form.key || undefined, listId: form.listId !== crm.listId ? form.listId : undefined }));
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    setSaved(false);
    if (save.problem) save.setProblem(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save.run()) {
      setSaved(true);
      // The form stays open with the confirmation, so it can be read; Close leaves it.
      setForm({ ...form, key: '' });
    }
  };
  const p = save.problem;
  return (
    <form className="form edit-connection" aria-label={`Address and key of ${crm.name}`} autoComplete="off" onSubmit={(e) => void submit(e)}>
      {ac ? (
        <Field label="API URL" name="url" problem={p}>
          <input value={form.url} onChange={set('url')} spellCheck={false} />
        </Field>
      ) : null}
      <Field label="New API key" name="key" problem={p} hint="Leave empty to keep the stored one.">
        <input type="password" value={form.key} onChange={set('key')} />
      </Field>
      {ac ? null : (
        <Field label="Audience ID" name="listId" problem={p}>
          <input value={form.listId} onChange={set('listId')} spellCheck={false} />
        </Field>
      )}
      <OtherProblem problem={p} fields={['url', 'key', 'listId']} />
      {saved ? <Note tone="good">The CRM accepted it; saved.</Note> : null}
      <span className="buttons">
        <button type="submit" className="primary" disabled={save.busy}>
          {save.busy ? 'Asking the CRM…' : 'Check and save'}
        </button>
        <button type="button" className="secondary" onClick={done}>
          {saved ? 'Close' : 'Cancel'}
        </button>
      </span>
    </form>
  );
}

const EMPTY = { name: '', url: '', key: '', listId: '', server: '' };
const CRM_FIELDS = ['platform', 'name', 'url', 'key', 'listId', 'server'];

function AddCrm() {
  const [platform, setPlatform] = useState<CrmView['platform']>('activecampaign');
  const [form, setForm] = useState(EMPTY);
  const [added, setAdded] = useState<string | null>(null);
  const [check, setCheck] = useState(true);
  const add = useAction((c, params: CrmAddParams) => c.call('crm.add', params));
  const p = add.problem;
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    if (p?.field === k) add.setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const params: CrmAddParams =
      platform === 'activecampaign'
        ? { platform, name: form.name, url: form.url, key: form.key, check }
        : { platform, name: form.name, key: form.key, listId: form.listId, server: form.server.trim() || undefined, check };
    const crm = await add.run(params);
    if (crm) {
      setAdded(check ? `“${crm.name}” accepted the key and was added.` : `“${crm.name}” added without asking it. Use Test to check the key.`);
      setForm(EMPTY);
    }
  };

  return (
    <form className="form add-shop" onSubmit={(e) => void submit(e)} aria-label="Add a CRM" autoComplete="off">
      <h3>Add a CRM</h3>
      <div className="segmented" role="radiogroup" aria-label="CRM">
        {(['activecampaign', 'mailchimp'] as const).map((pl) => (
          <label key={pl} className={platform === pl ? 'on' : ''}>
            <input type="radio" name="crm-platform" value={pl} checked={platform === pl} onChange={() => (setPlatform(pl), add.setProblem(null))} />
            {CRM_LABEL[pl]}
          </label>
        ))}
      </div>
      <Field label="Name" name="name" problem={p} hint="How you call this CRM in Backroom.">
        <input value={form.name} onChange={set('name')} placeholder="Newsletter" />
      </Field>
      {platform === 'activecampaign' ? (
        <>
          <Field label="API URL" name="url" problem={p} hint="ActiveCampaign → Settings → Developer.">
            <input value={form.url} onChange={set('url')} placeholder="https://your-account.api-us1.com" spellCheck={false} />
          </Field>
          <Field label="API key" name="key" problem={p}>
            <input type="password" value={form.key} onChange={set('key')} />
          </Field>
        </>
      ) : (
        <>
          <Field label="API key" name="key" problem={p} hint="Ends with its data centre, e.g. …-us21.">
            <input type="password" value={form.key} onChange={set('key')} />
          </Field>
          <div className="row">
            <Field label="Audience ID" name="listId" problem={p} hint="Audience → Settings → Audience name and defaults.">
              <input value={form.listId} onChange={set('listId')} spellCheck={false} />
            </Field>
            <Field label="Data centre" name="server" problem={p} hint="Optional; only when the key has none.">
              <input value={form.server} onChange={set('server')} placeholder="us21" spellCheck={false} />
            </Field>
          </div>
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={check} onChange={(e) => setCheck(e.target.checked)} /> Ask the CRM whether it accepts this key before saving
      </label>
      <OtherProblem problem={p} fields={CRM_FIELDS} />
      {added ? <Note tone="good">{added}</Note> : null}
      <button type="submit" className="primary" disabled={add.busy}>
        {add.busy ? (check ? 'Asking the CRM…' : 'Adding…') : 'Add CRM'}
      </button>
    </form>
  );
}

type Settings = ResultOf<Contract['settings.get']>;
type Source = 'orderCount' | 'totalSpent' | 'lastOrderDate' | 'meta';
interface MappingRow {
  source: Source;
  metaKey: string;
  target: string;
}

const SOURCES: { source: Source; label: string }[] = [
  { source: 'orderCount', label: 'Order count' },
  { source: 'totalSpent', label: 'Total spent' },
  { source: 'lastOrderDate', label: 'Last order date' },
  { source: 'meta', label: 'Order meta…' },
];

const sourceOf = (value: string): Source => SOURCES.find((s) => s.source === value)?.source ?? 'meta';

function rowsOf(fields: Settings['crmFields']): MappingRow[] {
  return Object.entries(fields).map(([key, target]) => (key.startsWith('meta:') ? { source: 'meta', metaKey: key.slice(5), target } : { source: sourceOf(key), metaKey: '', target }));
}

const keyOf = (r: MappingRow) => (r.source === 'meta' ? `meta:${r.metaKey.trim()}` : r.source);

/** Which Backroom figures go into which CRM contact field (name, phone and company always go). */
export function CrmFieldMapping() {
  const settings = useQuery('settings.get', undefined, ['settings']);
  const [rows, setRows] = useState<MappingRow[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useAction((c, crmFields: Record<string, string>) => c.call('settings.update', { crmFields }));

  useEffect(() => {
    if (settings.data && !dirty) setRows(rowsOf(settings.data.crmFields));
  }, [settings.data, dirty]);

  const p = save.problem;
  const edit = (next: MappingRow[]) => {
    setRows(next);
    setDirty(true);
    setSaved(false);
    save.setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rows) return;
    // A row without a CRM field sends nothing, like a removed one.
    const keep = rows.filter((r) => r.target.trim());
    const noKey = rows.findIndex((r) => r.target.trim() && r.source === 'meta' && !r.metaKey.trim());
    if (noKey >= 0) {
      save.setProblem({ field: `metaKey-${noKey}`, message: 'needs the order meta key to send' });
      return;
    }
    const result = await save.run(Object.fromEntries(keep.map((r) => [keyOf(r), r.target.trim()])));
    if (result) {
      setRows(rowsOf(result.crmFields));
      setDirty(false);
      setSaved(true);
    }
  };

  const used = new Set(rows?.map((r) => r.source));
  const nextSource = SOURCES.find((s) => s.source === 'meta' || !used.has(s.source))!.source;
  const names = rows?.flatMap((r, i) => [`crmFields.${keyOf(r)}`, `metaKey-${i}`]) ?? [];

  return (
    <Card title="CRM contact fields">
      <p className="muted small card-intro">Name, phone and company always go to the contact. Choose what else to send and the CRM field it goes into; a row with no CRM field sends nothing (ActiveCampaign: the personalisation tag, e.g. ORDER_COUNT; Mailchimp: the merge tag).</p>
      <ProblemNote problem={settings.problem} />
      <form className="form" aria-label="CRM contact fields" onSubmit={(e) => void submit(e)} autoComplete="off">
        {rows && rows.length === 0 ? <Empty>Nothing else is sent.</Empty> : null}
        {rows?.map((r, i) => (
          <div className="mapping" key={i} data-testid="crm-field-row">
            <Field label="Backroom" name={`source-${i}`}>
              <select value={r.source} onChange={(e) => edit(rows.map((x, j) => (j === i ? { ...x, source: sourceOf(e.target.value) } : x)))}>
                {SOURCES.map((s) => (
                  <option key={s.source} value={s.source} disabled={s.source !== 'meta' && s.source !== r.source && used.has(s.source)}>
                    {s.label}
                  </option>
                ))}
              </select>
            </Field>
            {r.source === 'meta' ? (
              <Field label="Meta key" name={`metaKey-${i}`} problem={p}>
                <input value={r.metaKey} onChange={(e) => edit(rows.map((x, j) => (j === i ? { ...x, metaKey: e.target.value } : x)))} placeholder="_upsell_accepted" spellCheck={false} />
              </Field>
            ) : (
              <span />
            )}
            <Field label="CRM field" name={`crmFields.${keyOf(r)}`} problem={p}>
              <input value={r.target} onChange={(e) => edit(rows.map((x, j) => (j === i ? { ...x, target: e.target.value } : x)))} placeholder="ORDER_COUNT" spellCheck={false} />
            </Field>
            <button type="button" className="secondary icon" aria-label={`Remove row ${i + 1}`} title="Remove this field" onClick={() => edit(rows.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        ))}
        <OtherProblem problem={p} fields={names} />
        {saved ? <Note tone="good">Contact fields saved.</Note> : null}
        <div className="buttons">
          <button type="button" className="secondary" disabled={!rows} onClick={() => rows && edit([...rows, { source: nextSource, metaKey: '', target: '' }])}>
            Add a field
          </button>
          <button type="submit" className="primary" disabled={save.busy || !dirty}>
            {save.busy ? 'Saving…' : 'Save contact fields'}
          </button>
        </div>
      </form>
    </Card>
  );
}
