import type { Command } from 'commander';
import type { CartView } from '../../core/api/namespaces/carts';
import { BOUNDS, describeRange, describeRule, type RuleTrigger } from '../../core/model';
import { age } from '../../core/model/wording';
import { action, type CliDeps } from '../context';
import { localTime, table, UsageError } from '../output';
import { choiceOption, parseBounded, parseList, parseStatuses } from '../parse';

const TRIGGERS = ['order-status', 'product', 'order-meta', 'refunded', 'failed', 'cancelled', 'cart-abandoned', 'cart-recovered', 'cart-lost'] as const;

interface RuleAddOptions {
  on: (typeof TRIGGERS)[number];
  statuses?: string;
  sku?: string;
  key?: string;
  value?: string;
  apply?: string;
  remove?: string;
  crm?: string;
}

function triggerFrom(opts: RuleAddOptions): RuleTrigger {
  switch (opts.on) {
    case 'order-status': {
      return { kind: 'order-status', statuses: parseStatuses('--statuses', opts.statuses ?? 'processing,completed') };
    }
    case 'product':
      if (!opts.sku) throw new UsageError('--sku', '--on product needs --sku SKU (a product or variation SKU).');
      return { kind: 'product', sku: opts.sku };
    case 'order-meta':
      if (!opts.key || opts.value === undefined) throw new UsageError('--key', '--on order-meta needs --key KEY and --value VALUE.');
      return { kind: 'order-meta', key: opts.key, value: opts.value };
    default:
      return { kind: opts.on };
  }
}

/** The `carts list` table: when each cart was captured and last changed state, in the merchant's zone. */
export function formatCartList(carts: readonly CartView[], timeZone?: string): string {
  if (!carts.length) return 'No carts yet.';
  return table(
    ['STATE', 'EMAIL', 'NAME', 'TOTAL', 'AGE', 'CAPTURED', 'STATE SINCE', 'SHOP', 'NOTE'],
    carts.map((c) => [c.state, c.email, c.name, `${c.total} ${c.currency}`, age(c.ageMinutes), localTime(c.capturedAt, timeZone), localTime(c.stateChangedAt, timeZone), c.shop, c.crmBlocked ? 'blacklisted: no CRM' : '']),
  );
}

export function registerCarts(program: Command, deps: CliDeps): void {
  program
    .command('carts')
    .description('abandoned-cart tracking')
    .command('list')
    .description('list carts with their state, email, total and age')
    .addOption(choiceOption('--state <state>', 'only carts in this state', 'state', ['capturing', 'abandoned', 'recovered', 'lost', 'unsubscribed']))
    .option('--shop <name>', 'only carts of this shop')
    .action(action(deps, async ({ api, print }, opts: { state?: 'capturing'; shop?: string }) => {
      const carts = await (await api()).call('carts.list', { state: opts.state, shop: opts.shop });
      print.result(carts, () => formatCartList(carts));
    }));

  const rules = program.command('rules').description('tag rules: which CRM tags to apply or remove when something happens');
  rules
    .command('list')
    .description('list tag rules')
    .action(action(deps, async ({ api, print }) => {
      const list = await (await api()).call('rules.list');
      print.result(list, () => (list.length ? list.map(describeRule).join('\n') : 'No rules yet. Add one: backroom rules add --help'));
    }));
  rules
    .command('add')
    .description('add a tag rule, e.g. --on product --sku MUG-1 --apply "Bought mug"')
    .addOption(choiceOption('--on <event>', 'what triggers the rule', 'event', TRIGGERS).makeOptionMandatory())
    .option('--statuses <list>', 'order-status: the statuses that trigger (default processing,completed; an earlier custom status such as an upsell’s main-order-accepted works too)')
    .option('--sku <sku>', 'product: the product or variation SKU')
    .option('--key <key>', 'order-meta: the meta key, e.g. _cartflows_step')
    .option('--value <value>', 'order-meta: the value to match')
    .option('--apply <tags>', 'comma-separated tags to apply')
    .option('--remove <tags>', 'comma-separated tags to remove')
    .option('--crm <name>', 'only this CRM connection (default: all)')
    .action(action(deps, async ({ api, print, io }, opts: RuleAddOptions) => {
      const applyTags = opts.apply ? parseList(opts.apply) : [];
      const removeTags = opts.remove ? parseList(opts.remove) : [];
      if (applyTags.length + removeTags.length === 0) throw new UsageError('--apply', 'Give tags to --apply and/or --remove.');
      const result = await (await api()).call('rules.add', { trigger: triggerFrom(opts), applyTags, removeTags, crm: opts.crm });
      if (result.warning && !print.json) io.err(`Note: ${result.warning}\n`);
      print.result(result, () => `Added rule ${describeRule(result.rule)}`);
    }));
  rules
    .command('remove <id>')
    .description('remove a tag rule (tags it applied stay; adding the same rule again does not re-fire past events)')
    .action(action(deps, async ({ api, print }, id: string) => {
      const result = await (await api()).call('rules.remove', { id });
      print.result(result, () => `Removed rule ${id}.`);
    }));
  rules
    .command('replay <id>')
    .description('apply a rule to past orders and carts (each tag still at most once per event)')
    .action(action(deps, async ({ api, print }, id: string) => {
      const result = await (await api()).call('rules.replay', { id });
      print.result(result, () => `Looked at ${result.orders} orders and ${result.carts} carts; queued ${result.queued} tag change(s) for the CRM.`);
    }));

  const settings = program.command('settings').description('engine settings: carts, CRM fields');
  settings
    .command('show')
    .description('show the settings')
    .action(action(deps, async ({ api, print }) => {
      const s = await (await api()).call('settings.get');
      print.result(s, () => JSON.stringify(s, null, 2));
    }));
  settings
    .command('carts')
    .description('change cart tracking settings')
    .addOption(choiceOption('--tracking <on|off>', 'track carts at all', 'choice', ['on', 'off']))
    .option('--cutoff <minutes>', `minutes without activity before a cart counts as abandoned (${describeRange(BOUNDS.cutoffMinutes)})`)
    .option('--sweep <minutes>', `how often the sweep runs, in minutes (${describeRange(BOUNDS.sweepMinutes)})`)
    .option('--recovery-days <days>', `days an abandoned cart may still be recovered before it is lost (${describeRange(BOUNDS.recoveryWindowDays)})`)
    .option('--recovery-statuses <list>', 'order statuses that count as recovered')
    .option('--excluded-roles <list>', 'customer roles never tracked')
    .option('--blacklist <list>', 'emails or domains captured but never sent to the CRM (replaces the list)')
    .action(action(deps, async ({ api, print }, opts: Record<string, string | undefined>) => {
      const carts: Record<string, unknown> = {};
      if (opts.tracking) carts.tracking = opts.tracking === 'on';
      if (opts.cutoff !== undefined) carts.cutoffMinutes = parseBounded('--cutoff', opts.cutoff, BOUNDS.cutoffMinutes);
      if (opts.sweep !== undefined) carts.sweepMinutes = parseBounded('--sweep', opts.sweep, BOUNDS.sweepMinutes);
      if (opts.recoveryDays !== undefined) carts.recoveryWindowDays = parseBounded('--recovery-days', opts.recoveryDays, BOUNDS.recoveryWindowDays);
      if (opts.recoveryStatuses !== undefined) carts.recoveryStatuses = parseStatuses('--recovery-statuses', opts.recoveryStatuses);
      if (opts.excludedRoles !== undefined) carts.excludedRoles = parseList(opts.excludedRoles);
      if (opts.blacklist !== undefined) carts.blacklist = parseList(opts.blacklist);
      if (Object.keys(carts).length === 0) throw new UsageError('options', 'Give at least one setting to change (see --help).');
      const s = await (await api()).call('settings.update', { carts });
      print.result(s, () => `Cart settings: tracking ${s.carts.tracking ? 'on' : 'off'}, cut-off ${s.carts.cutoffMinutes} min, sweep every ${s.carts.sweepMinutes} min, recovery window ${s.carts.recoveryWindowDays} days.`);
    }));
  settings
    .command('crm-field <field> [crmField]')
    .description('send a Backroom value to a CRM field: orderCount, totalSpent, lastOrderDate or meta:KEY (omit crmField to stop sending it)')
    .action(action(deps, async ({ api, print }, field: string, crmField: string | undefined) => {
      const client = await api();
      const current = (await client.call('settings.get')).crmFields;
      const next = { ...current };
      if (crmField) next[field] = crmField;
      else delete next[field];
      const s = await client.call('settings.update', { crmFields: next });
      print.result(s.crmFields, () => (Object.keys(s.crmFields).length ? table(['BACKROOM', 'CRM FIELD'], Object.entries(s.crmFields)) : 'No CRM fields mapped beyond name, phone and company.'));
    }));
}
