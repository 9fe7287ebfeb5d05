// Tag rules: which tags a CRM gets on which event, and a replay of one rule over the past.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { cartMomentsOf, Name, RuleTriggerInput, TagName, type Rule } from '../../model';
import { cartEvents, orderEvents, ruleFingerprint } from '../../jobs/crm-events';
import { enqueueTagEvents } from '../../jobs/crm';
import { method } from '../define';
import { badInput, notFound } from '../errors';
import { namespace } from '../namespace';

export const RuleAddParams = z
  .object({
    trigger: RuleTriggerInput,
    applyTags: z.array(TagName).max(50, 'may list at most 50 tags').default([]),
    removeTags: z.array(TagName).max(50, 'may list at most 50 tags').default([]),
    crm: Name.optional(),
  })
  .strict()
  .refine((r) => r.applyTags.length + r.removeTags.length > 0, { message: 'a rule needs at least one tag to apply or remove', path: ['applyTags'] });

const contract = {
  'rules.list': method<Rule[]>()(z.object({}).strict()),
  'rules.add': method<{ rule: Rule; warning?: string }>()(RuleAddParams),
  'rules.remove': method<{ removed: string }>()(z.object({ id: z.string().min(1) }).strict()),
  'rules.replay': method<{ queued: number; orders: number; carts: number }>()(z.object({ id: z.string().min(1) }).strict()),
};

function findRule(rules: readonly Rule[], id: string): Rule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw notFound('id', `There is no rule with id "${id}" (see: backroom rules list).`);
  return rule;
}

export const rules = namespace(contract, {
  async 'rules.list'(_params, ctx) {
    return (await ctx.repos.settings.get()).rules;
  },

  async 'rules.add'(params, ctx) {
    const rule = await ctx.repos.write(async (w) => {
      const { crms, rules: current } = await w.settings.get();
      if (params.crm && !crms.some((c) => c.name === params.crm)) throw badInput('crm', `There is no CRM connection called "${params.crm}".`);
      const added: Rule = { id: `r${randomBytes(3).toString('hex')}`, trigger: params.trigger, applyTags: params.applyTags, removeTags: params.removeTags, crm: params.crm, createdAt: ctx.clock.now().toISOString() };
      if (current.some((r) => ruleFingerprint(r) === ruleFingerprint(added))) throw badInput('trigger', 'The same rule already exists.');
      await w.settings.update({ rules: [...current, added] });
      return added;
    });
    ctx.events.emit('changed', { area: 'rules' });
    const pending = rule.trigger.kind === 'order-status' && rule.trigger.statuses.some((s) => s === 'pending' || s === 'checkout-draft');
    return { rule, warning: pending ? 'Tags on pending or checkout-draft orders fire on every cart, paid or not; the cart-abandoned trigger is usually what you want.' : undefined };
  },

  async 'rules.remove'({ id }, ctx) {
    await ctx.repos.write(async (w) => {
      const { rules: current } = await w.settings.get();
      findRule(current, id);
      await w.settings.update({ rules: current.filter((r) => r.id !== id) });
    });
    ctx.events.emit('changed', { area: 'rules' });
    return { removed: id };
  },

  /**
   * Applies a rule to past orders and carts, history included (the one way the past reaches the
   * CRM, SPEC §4): every cart moment a cart went through (abandoned, then recovered or lost) counts.
   * The ledger still keeps every tag to once per event.
   */
  async 'rules.replay'({ id }, ctx) {
    const rule = findRule((await ctx.repos.settings.get()).rules, id);
    let queued = 0;
    let orders = 0;
    // Month by month, newest first: one month's orders in memory at a time.
    for await (const month of ctx.repos.orders.byMonth()) {
      for (const order of month) {
        orders++;
        queued += enqueueTagEvents(ctx.engine.jobs, orderEvents([rule], undefined, order));
      }
    }
    const carts = await ctx.repos.carts.list();
    const transitions = carts.flatMap((cart) => cartMomentsOf(cart).map((to) => ({ cart, to })));
    queued += enqueueTagEvents(ctx.engine.jobs, cartEvents([rule], transitions));
    // The work was queued on the engine's queue; it saves what it queued.
    await ctx.engine.jobs.queue.save();
    ctx.events.emit('changed', { area: 'queue' });
    return { queued, orders, carts: carts.length };
  },
});
