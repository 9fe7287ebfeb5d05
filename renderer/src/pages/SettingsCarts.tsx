import { useEffect, useState, type FormEvent } from 'react';
import type { Contract } from '../../../core/api/contract';
import type { ParamsOf, ResultOf } from '../../../core/api/define';
import { useAction, useQuery } from '../hooks';
import { Card, Field, Note, OtherProblem, splitList } from '../ui';

type Settings = ResultOf<Contract['settings.get']>;
type CartChanges = NonNullable<ParamsOf<Contract['settings.update']>['carts']>;

interface CartForm {
  tracking: boolean;
  cutoffMinutes: string;
  sweepMinutes: string;
  recoveryWindowDays: string;
  recoveryStatuses: string;
  excludedRoles: string;
  blacklist: string;
}

const FIELDS = ['carts.tracking', 'carts.cutoffMinutes', 'carts.sweepMinutes', 'carts.recoveryWindowDays', 'carts.recoveryStatuses', 'carts.excludedRoles', 'carts.blacklist'] as const;

function formOf(s: Settings): CartForm {
  const c = s.carts;
  return {
    tracking: c.tracking,
    cutoffMinutes: String(c.cutoffMinutes),
    sweepMinutes: String(c.sweepMinutes),
    recoveryWindowDays: String(c.recoveryWindowDays),
    recoveryStatuses: c.recoveryStatuses.join(', '),
    excludedRoles: c.excludedRoles.join(', '),
    blacklist: c.blacklist.join('\n'),
  };
}

/** A number field's text as a number; NaN when blank (a number input gives '' for anything it cannot read). */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** Cart tracking and the abandonment sweep (SPEC §4): saved with settings.update, checked by the API. */
export function CartSettings() {
  const settings = useQuery('settings.get', undefined, ['settings']);
  const [form, setForm] = useState<CartForm | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useAction((c, carts: CartChanges) => c.call('settings.update', { carts }));

  // Follows the stored settings (also when another front end changes them) until the merchant starts editing.
  useEffect(() => {
    if (settings.data && !dirty) setForm(formOf(settings.data));
  }, [settings.data, dirty]);

  if (!form || !settings.data) return <Card title="Carts">{settings.problem ? <Note tone="bad">{settings.problem.message}</Note> : <p className="muted">Loading…</p>}</Card>;
  const stored = settings.data.carts;
  const p = save.problem;

  const set = <K extends keyof CartForm>(k: K, value: CartForm[K]) => {
    setForm({ ...form, [k]: value });
    setDirty(true);
    setSaved(false);
    if (p?.field?.startsWith(`carts.${k}`)) save.setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const numbers = { cutoffMinutes: numberOf(form.cutoffMinutes), sweepMinutes: numberOf(form.sweepMinutes), recoveryWindowDays: numberOf(form.recoveryWindowDays) };
    const blank = (Object.keys(numbers) as (keyof typeof numbers)[]).find((k) => !Number.isFinite(numbers[k]));
    if (blank) {
      save.setProblem({ field: `carts.${blank}`, message: 'needs a number' });
      return;
    }
    const result = await save.run({
      tracking: form.tracking,
      ...numbers,
      recoveryStatuses: splitList(form.recoveryStatuses),
      excludedRoles: splitList(form.excludedRoles),
      blacklist: splitList(form.blacklist),
    });
    if (result) {
      setForm(formOf(result));
      setDirty(false);
      setSaved(true);
    }
  };

  const reset = () => {
    setForm(formOf(settings.data!));
    setDirty(false);
    save.setProblem(null);
  };

  return (
    <Card title="Carts">
      <form className="form" aria-label="Cart settings" onSubmit={(e) => void submit(e)} noValidate autoComplete="off">
        <label className="check" data-field="carts.tracking">
          <input type="checkbox" checked={form.tracking} onChange={(e) => set('tracking', e.target.checked)} />
          <span>
            Track abandoned carts
            <span className="field-hint"> — checkouts with an email address and no paid order</span>
          </span>
        </label>
        <div className="row top">
          <Field label="Cut-off (minutes)" name="carts.cutoffMinutes" problem={p} hint={`After the last activity; saved: ${stored.cutoffMinutes}`}>
            <input type="number" inputMode="numeric" value={form.cutoffMinutes} onChange={(e) => set('cutoffMinutes', e.target.value)} />
          </Field>
          <Field label="Sweep every (min)" name="carts.sweepMinutes" problem={p} hint={`Saved: ${stored.sweepMinutes}`}>
            <input type="number" inputMode="numeric" value={form.sweepMinutes} onChange={(e) => set('sweepMinutes', e.target.value)} />
          </Field>
          <Field label="Lost after (days)" name="carts.recoveryWindowDays" problem={p} hint={`Saved: ${stored.recoveryWindowDays}`}>
            <input type="number" inputMode="numeric" value={form.recoveryWindowDays} onChange={(e) => set('recoveryWindowDays', e.target.value)} />
          </Field>
        </div>
        <div className="row top">
          <Field label="Recovered at order status" name="carts.recoveryStatuses" problem={p} hint="Comma-separated">
            <input value={form.recoveryStatuses} onChange={(e) => set('recoveryStatuses', e.target.value)} />
          </Field>
          <Field label="Customer roles not tracked" name="carts.excludedRoles" problem={p} hint="Comma-separated">
            <input value={form.excludedRoles} onChange={(e) => set('excludedRoles', e.target.value)} />
          </Field>
        </div>
        <Field label="Blacklist" name="carts.blacklist" problem={p} hint="One address (ann@example.com) or domain (@example.com) a line: captured, never sent to the CRM.">
          <textarea rows={3} value={form.blacklist} onChange={(e) => set('blacklist', e.target.value)} spellCheck={false} />
        </Field>
        <OtherProblem problem={p} fields={FIELDS} />
        {saved ? <Note tone="good">Cart settings saved.</Note> : null}
        <div className="buttons">
          <button type="submit" className="primary" disabled={save.busy || !dirty}>
            {save.busy ? 'Saving…' : 'Save cart settings'}
          </button>
          {dirty ? (
            <button type="button" className="secondary" onClick={reset}>
              Undo changes
            </button>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
