// The CRM part of the Settings screen: connections, tag rules and the contact field mapping. Rows
// and forms only; every check is the API's, so the TUI shows the same messages as the CLI.
import type { ApiClient } from '../../../core/api/client';
import { badInput } from '../../../core/api/errors';
import type { CrmView } from '../../../core/api/namespaces/crm';
import { describeRule, TRIGGER_CHOICES, type Rule, type RuleTrigger, type Settings } from '../../../core/model';
import { optional, type FieldSpec, type FormValues } from '../components/form';

/** A form the Settings screen opens: its fields, and the API call it makes on enter. */
export interface FormSpec {
  title: string;
  note?: string;
  fields: FieldSpec[];
  /** Calls the API; returns the "Done:" line and, when the API adds one, a note worth reading (a rule's warning). */
  submit(values: FormValues, client: ApiClient): Promise<{ text: string; notice?: string }>;
}

export const CRM_PLATFORMS = ['activecampaign', 'mailchimp'] as const;
export type CrmPlatformName = (typeof CRM_PLATFORMS)[number];

export const TRIGGER_KINDS: readonly RuleTrigger['kind'][] = TRIGGER_CHOICES.map((c) => c.kind);

/** Backroom values a contact field can be filled from, besides name, phone and company. */
const FIXED_FIELDS = ['orderCount', 'totalSpent', 'lastOrderDate'] as const;

const split = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const crmWhere = (c: CrmView) => (c.platform === 'activecampaign' ? c.url : `audience ${c.listId}${c.server ? ` (${c.server})` : ''}`);

export const describeCrm = (c: CrmView) => `${c.name}: ${c.platform} · ${crmWhere(c)}`;

export function describeCrmFields(fields: Settings['crmFields']): string {
  const pairs = Object.entries(fields);
  return pairs.length ? `Also sent: ${pairs.map(([from, to]) => `${from} → ${to}`).join(', ')}` : 'Only name, phone and company are sent to the CRM.';
}

/** Step one of connecting a CRM: which platform. */
export function crmPlatformForm(choose: (platform: CrmPlatformName) => void): FormSpec {
  return {
    title: 'Connect a CRM',
    fields: [{ name: 'platform', label: 'Platform', value: 'activecampaign', hint: 'activecampaign or mailchimp' }],
    async submit(v) {
      const platform = (v.platform ?? '').trim().toLowerCase();
      if (!(CRM_PLATFORMS as readonly string[]).includes(platform)) throw badInput('platform', `platform: "${v.platform ?? ''}" is not one Backroom connects to; type activecampaign or mailchimp`);
      choose(platform as CrmPlatformName);
      return { text: '' };
    },
  };
}

/** Step two: the connection's details; the key goes to the secret store, never into backroom.json. */
export function crmAddForm(platform: CrmPlatformName): FormSpec {
  const done = (c: CrmView) => ({ text: `added CRM "${c.name}" (${c.platform === 'activecampaign' ? 'ActiveCampaign' : 'Mailchimp'}, ${crmWhere(c)}); t tests it.` });
  if (platform === 'activecampaign') {
    return {
      title: 'Connect ActiveCampaign',
      note: 'API URL and key: Settings › Developer in ActiveCampaign.',
      fields: [
        { name: 'name', label: 'Name', value: 'ActiveCampaign' },
        { name: 'url', label: 'API URL', hint: 'https://example.api-us1.com' },
        { name: 'key', label: 'API key', secret: true },
      ],
      submit: async (v, client) => done(await client.call('crm.add', { platform, name: v.name ?? '', url: v.url ?? '', key: v.key ?? '' })),
    };
  }
  return {
    title: 'Connect Mailchimp',
    note: 'API key: Profile › Extras › API keys. Audience id: Audience › Settings › Audience name and defaults.',
    fields: [
      { name: 'name', label: 'Name', value: 'Mailchimp' },
      { name: 'key', label: 'API key', secret: true, hint: 'ends with the data centre, e.g. …-us21' },
      { name: 'listId', label: 'Audience id' },
      { name: 'server', label: 'Data centre', hint: 'empty = from the key' },
    ],
    submit: async (v, client) => done(await client.call('crm.add', { platform, name: v.name ?? '', key: v.key ?? '', listId: v.listId ?? '', server: optional(v.server) })),
  };
}

export function crmRemoveForm(name: string): FormSpec {
  return {
    title: `Disconnect CRM ${name}? Its stored key is deleted; tags already applied stay in the CRM.`,
    fields: [{ name: 'confirm', label: 'Type the CRM name to confirm' }],
    async submit(v, client) {
      if ((v.confirm ?? '').trim() !== name) throw new Error(`Type "${name}" exactly to disconnect it, or esc to keep it.`);
      await client.call('crm.remove', { name });
      return { text: `removed CRM "${name}" and its key.` };
    },
  };
}

function triggerFrom(v: FormValues): RuleTrigger {
  const kind = (v.kind ?? '').trim() as RuleTrigger['kind'];
  switch (kind) {
    case 'order-status':
      return { kind, statuses: split(v.statuses) };
    case 'product':
      return { kind, sku: (v.sku ?? '').trim() };
    case 'order-meta':
      return { kind, key: (v.key ?? '').trim(), value: v.value ?? '' };
    default:
      // Unknown kinds go to the API as typed, so its message lists the ones it knows.
      return { kind } as RuleTrigger;
  }
}

export function ruleAddForm(crms: readonly CrmView[]): FormSpec {
  return {
    title: 'Add a tag rule',
    note: `When: ${TRIGGER_KINDS.join(', ')}. Statuses for order-status, SKU for product, meta key and value for order-meta. Tags comma-separated.`,
    fields: [
      { name: 'kind', label: 'When', value: 'order-status' },
      { name: 'statuses', label: 'Statuses', value: 'processing,completed', hint: 'order-status' },
      { name: 'sku', label: 'SKU', hint: 'product or variation' },
      { name: 'key', label: 'Meta key', hint: 'order-meta, e.g. _cartflows_step' },
      { name: 'value', label: 'Meta value' },
      { name: 'applyTags', label: 'Apply tags' },
      { name: 'removeTags', label: 'Remove tags' },
      { name: 'crm', label: 'CRM', hint: crms.length > 1 ? `empty = all (${crms.map((c) => c.name).join(', ')})` : 'empty = all' },
    ],
    async submit(v, client) {
      const { rule, warning } = await client.call('rules.add', { trigger: triggerFrom(v), applyTags: split(v.applyTags), removeTags: split(v.removeTags), crm: optional(v.crm) });
      return { text: `added rule ${describeRule(rule)}`, notice: warning ? `Note: ${warning}` : undefined };
    },
  };
}

export function ruleRemoveForm(rule: Rule): FormSpec {
  return {
    title: `Remove rule ${describeRule(rule)}? Tags it applied stay; adding it again does not re-fire past events.`,
    fields: [{ name: 'confirm', label: 'Type yes to confirm' }],
    async submit(v, client) {
      if ((v.confirm ?? '').trim().toLowerCase() !== 'yes') throw new Error('Type yes to remove the rule, or esc to keep it.');
      await client.call('rules.remove', { id: rule.id });
      return { text: `removed rule ${rule.id}.` };
    },
  };
}

/** The contact field mapping: one field per Backroom value, plus order meta keys as KEY=CRM field pairs. */
export function crmFieldsForm(current: Settings['crmFields']): FormSpec {
  const meta = Object.entries(current).filter(([from]) => from.startsWith('meta:'));
  return {
    title: 'CRM contact fields',
    note: 'The CRM field each Backroom value is written to; empty = not sent. Name, phone and company are always sent.',
    fields: [
      ...FIXED_FIELDS.map((name): FieldSpec => ({ name, label: name, value: current[name] ?? '', hint: 'CRM field, empty = not sent' })),
      { name: 'meta', label: 'Order meta', value: meta.map(([from, to]) => `${from.slice('meta:'.length)}=${to}`).join(', '), hint: 'meta key=CRM field, comma-separated' },
    ],
    async submit(v, client) {
      const next: Record<string, string> = {};
      for (const name of FIXED_FIELDS) {
        const to = (v[name] ?? '').trim();
        if (to) next[name] = to;
      }
      for (const pair of split(v.meta)) {
        const at = pair.indexOf('=');
        if (at < 0) throw badInput('meta', `meta: "${pair}" has no "=": write the order meta key, =, then the CRM field, e.g. _utm_source=UTM_SOURCE`);
        next[`meta:${pair.slice(0, at).trim()}`] = pair.slice(at + 1).trim();
      }
      const saved = await client.call('settings.update', { crmFields: next });
      return { text: `saved the CRM fields. ${describeCrmFields(saved.crmFields)}` };
    },
  };
}
