import { useState, type FormEvent } from 'react';
import type { Contract } from '../../../core/api/contract';
import type { ParamsOf, ResultOf } from '../../../core/api/define';
import { describeTrigger, sentence, TRIGGER_CHOICES } from '../../../core/model/wording';
import { useAction, useQuery } from '../hooks';
import { Card, Empty, Field, Note, OtherProblem, ProblemNote, splitList } from '../ui';

type RuleAdd = ParamsOf<Contract['rules.add']>;
type Rule = ResultOf<Contract['rules.list']>[number];
type Kind = RuleAdd['trigger']['kind'];

const kindOf = (value: string): Kind => TRIGGER_CHOICES.find((t) => t.kind === value)?.kind ?? 'order-status';
const PENDING = ['pending', 'checkout-draft'];

/** A rule's trigger as a heading: the words every front end uses, starting with a capital. */
const triggerHeading = (t: Rule['trigger']) => sentence(describeTrigger(t));

const quoted = (tags: string[]) => tags.map((t) => `“${t}”`).join(', ');

/** Tag rules: what each event does to a contact's tags. */
export function TagRules() {
  const rules = useQuery('rules.list', undefined, ['rules', 'settings']);
  const crms = useQuery('crm.list', undefined, ['settings']);
  return (
    <Card title="Tag rules">
      <p className="muted small card-intro">Each event applies its tags once per order or cart, however often it is seen. A full refund or a cancellation takes the purchase tags off again.</p>
      <ProblemNote problem={rules.problem} />
      {rules.data && rules.data.length === 0 ? <Empty>No tag rules yet.</Empty> : null}
      <ul className="plain settings-list" data-testid="rules">
        {rules.data?.map((r) => (
          <RuleItem key={r.id} rule={r} />
        ))}
      </ul>
      <AddRule crms={crms.data?.map((c) => c.name) ?? []} />
    </Card>
  );
}

function RuleItem({ rule }: { rule: Rule }) {
  const [confirm, setConfirm] = useState<'remove' | 'replay' | null>(null);
  const [replayed, setReplayed] = useState<string | null>(null);
  const remove = useAction((c) => c.call('rules.remove', { id: rule.id }));
  const replay = useAction((c) => c.call('rules.replay', { id: rule.id }));
  const onReplay = async () => {
    const r = await replay.run();
    if (!r) return;
    setConfirm(null);
    setReplayed(r.queued ? `Queued ${r.queued} tag change${r.queued === 1 ? '' : 's'} from ${r.orders} orders and ${r.carts} carts.` : `Nothing to send: all ${r.orders} orders and ${r.carts} carts were already tagged by this rule, or none match it.`);
  };
  return (
    <li className="stacked" data-rule-id={rule.id}>
      <div className="item-line">
        <div>
          <strong>{triggerHeading(rule.trigger)}</strong>
          <div className="small">
            {rule.applyTags.length ? <span>apply {quoted(rule.applyTags)}</span> : null}
            {rule.applyTags.length && rule.removeTags.length ? ' · ' : null}
            {rule.removeTags.length ? <span>remove {quoted(rule.removeTags)}</span> : null}
            <span className="muted"> · {rule.crm ? `in ${rule.crm}` : 'in every CRM'}</span>
          </div>
        </div>
        {confirm === 'remove' ? (
          <span className="buttons">
            <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run()}>
              Remove rule
            </button>
            <button type="button" className="secondary" onClick={() => setConfirm(null)}>
              Keep
            </button>
          </span>
        ) : confirm === 'replay' ? (
          <span className="buttons">
            <button type="button" className="primary" disabled={replay.busy} onClick={() => void onReplay()}>
              {replay.busy ? 'Queuing…' : 'Apply to past orders and carts'}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </span>
        ) : (
          <span className="buttons">
            <button type="button" className="secondary" title="Apply this rule to the orders and carts Backroom already has" onClick={() => (setConfirm('replay'), setReplayed(null))}>
              Replay…
            </button>
            <button type="button" className="secondary" onClick={() => (setConfirm('remove'), setReplayed(null))}>
              Remove…
            </button>
          </span>
        )}
      </div>
      {confirm === 'replay' ? <Note>Applies this rule to every order and cart Backroom already has. Contacts get each tag once at most.</Note> : null}
      {replayed ? <Note tone="good">{replayed}</Note> : null}
      <ProblemNote problem={remove.problem ?? replay.problem} />
    </li>
  );
}

const EMPTY = { statuses: 'processing, completed', sku: '', metaKey: '', metaValue: '', applyTags: '', removeTags: '', crm: '' };
const RULE_FIELDS = ['trigger.kind', 'trigger.statuses', 'trigger.sku', 'trigger.key', 'trigger.value', 'applyTags', 'removeTags', 'crm'];

function triggerOf(kind: Kind, form: typeof EMPTY): RuleAdd['trigger'] {
  switch (kind) {
    case 'order-status':
      return { kind, statuses: splitList(form.statuses) };
    case 'product':
      return { kind, sku: form.sku.trim() };
    case 'order-meta':
      return { kind, key: form.metaKey.trim(), value: form.metaValue };
    case 'refunded':
    case 'failed':
    case 'cancelled':
      return { kind };
    case 'cart-abandoned':
    case 'cart-recovered':
    case 'cart-lost':
      return { kind };
  }
}

function AddRule({ crms }: { crms: string[] }) {
  const [kind, setKind] = useState<Kind>('cart-abandoned');
  const [form, setForm] = useState(EMPTY);
  const [added, setAdded] = useState<{ text: string; warning?: string } | null>(null);
  const add = useAction((c, params: RuleAdd) => c.call('rules.add', params));
  const p = add.problem;
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    add.setProblem(null);
  };
  const pendingPicked = kind === 'order-status' && splitList(form.statuses).some((s) => PENDING.includes(s));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const result = await add.run({ trigger: triggerOf(kind, form), applyTags: splitList(form.applyTags), removeTags: splitList(form.removeTags), crm: form.crm || undefined });
    if (result) {
      setAdded({ text: `Rule added: ${triggerHeading(result.rule.trigger)}.`, warning: result.warning });
      setForm({ ...EMPTY, crm: form.crm });
    }
  };

  return (
    <form className="form add-shop" onSubmit={(e) => void submit(e)} aria-label="Add a tag rule" autoComplete="off">
      <h3>Add a tag rule</h3>
      <Field label="When" name="trigger.kind" problem={p}>
        <select value={kind} onChange={(e) => (setKind(kindOf(e.target.value)), add.setProblem(null))}>
          {(['Orders', 'Carts'] as const).map((group) => (
            <optgroup key={group} label={group}>
              {TRIGGER_CHOICES.filter((t) => t.group === group).map((t) => (
                <option key={t.kind} value={t.kind}>
                  {t.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>
      {kind === 'order-status' ? (
        <Field
          label="Order status"
          name="trigger.statuses"
          problem={p}
          hint={pendingPicked ? <span className="warn-text">Pending orders include every unpaid checkout, so these tags fire on every cart; “Cart abandoned” is usually what you want.</span> : 'Comma-separated; an earlier custom status (e.g. an upsell’s main order accepted) tags sooner.'}
        >
          <input value={form.statuses} onChange={set('statuses')} spellCheck={false} />
        </Field>
      ) : null}
      {kind === 'product' ? (
        <Field label="SKU" name="trigger.sku" problem={p} hint="The product’s or variation’s SKU.">
          <input value={form.sku} onChange={set('sku')} spellCheck={false} />
        </Field>
      ) : null}
      {kind === 'order-meta' ? (
        <div className="row">
          <Field label="Meta key" name="trigger.key" problem={p}>
            <input value={form.metaKey} onChange={set('metaKey')} placeholder="_upsell_accepted" spellCheck={false} />
          </Field>
          <Field label="Value" name="trigger.value" problem={p}>
            <input value={form.metaValue} onChange={set('metaValue')} placeholder="yes" spellCheck={false} />
          </Field>
        </div>
      ) : null}
      <div className="row">
        <Field label="Apply tags" name="applyTags" problem={p} hint="Comma-separated">
          <input value={form.applyTags} onChange={set('applyTags')} placeholder="e.g. vip" />
        </Field>
        <Field label="Remove tags" name="removeTags" problem={p} hint="Comma-separated">
          <input value={form.removeTags} onChange={set('removeTags')} />
        </Field>
      </div>
      <Field label="CRM" name="crm" problem={p}>
        <select value={form.crm} onChange={set('crm')}>
          <option value="">Every CRM</option>
          {crms.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </Field>
      <OtherProblem problem={p} fields={RULE_FIELDS} />
      {added ? (
        <Note tone={added.warning ? 'warn' : 'good'}>
          {added.text}
          {added.warning ? (
            <>
              <br />
              <span data-testid="rule-warning">{added.warning}</span>
            </>
          ) : null}
        </Note>
      ) : null}
      <button type="submit" className="primary" disabled={add.busy}>
        {add.busy ? 'Adding…' : 'Add rule'}
      </button>
    </form>
  );
}
