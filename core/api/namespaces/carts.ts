import { randomBytes } from 'node:crypto';
import { cartMomentsOf, type Cart, type Rule } from '../../model';
import { cartEvents, orderEvents, ruleFingerprint } from '../../jobs/crm-events';
import { enqueueTagEvents } from '../../jobs/crm';
import type { CartView } from '../contract-carts';
import { badInput, notFound } from '../errors';
import type { Handler } from '../server';
import type { ApiContext } from '../context';

function cartView(cart: Cart, now: Date): CartView {
  return {
    id: cart.id,
    shop: cart.shop,
    state: cart.state,
    email: cart.email,
    name: cart.name,
    total: cart.total,
    currency: cart.currency,
    items: cart.items.length,
    capturedAt: cart.capturedAt,
    stateChangedAt: cart.stateChangedAt,
    ageMinutes: Math.max(0, Math.floor((now.getTime() - new Date(cart.updatedAt).getTime()) / 60_000)),
    crmBlocked: cart.crmBlocked,
  };
}

function findRule(ctx: ApiContext, id: string): Rule {
  const rule = ctx.store.main.data.rules.find((r) => r.id === id);
  if (!rule) throw notFound('id', `There is no rule with id "${id}" (see: backroom rules list).`);
  return rule;
}

export const cartsHandlers: {
  'carts.list': Handler<'carts.list'>;
  'rules.list': Handler<'rules.list'>;
  'rules.add': Handler<'rules.add'>;
  'rules.remove': Handler<'rules.remove'>;
  'rules.replay': Handler<'rules.replay'>;
} = {
  async 'carts.list'({ state, shop }, ctx) {
    const now = ctx.clock.now();
    return Object.values(ctx.store.carts.data.carts)
      .filter((c) => (!state || c.state === state) && (!shop || c.shop === shop))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((c) => cartView(c, now));
  },

  async 'rules.list'(_params, ctx) {
    return ctx.store.main.data.rules;
  },

  async 'rules.add'(params, ctx) {
    const main = ctx.store.main.data;
    if (params.crm && !main.crms.some((c) => c.name === params.crm)) throw badInput('crm', `There is no CRM connection called "${params.crm}".`);
    const rule: Rule = { id: `r${randomBytes(3).toString('hex')}`, trigger: params.trigger, applyTags: params.applyTags, removeTags: params.removeTags, crm: params.crm, createdAt: ctx.clock.now().toISOString() };
    if (main.rules.some((r) => ruleFingerprint(r) === ruleFingerprint(rule))) throw badInput('trigger', 'The same rule already exists.');
    main.rules.push(rule);
    await ctx.store.main.save();
    ctx.events.emit('changed', { area: 'rules' });
    const pending = rule.trigger.kind === 'order-status' && rule.trigger.statuses.some((s) => s === 'pending' || s === 'checkout-draft');
    return { rule, warning: pending ? 'Tags on pending or checkout-draft orders fire on every cart, paid or not; the cart-abandoned trigger is usually what you want.' : undefined };
  },

  async 'rules.remove'({ id }, ctx) {
    findRule(ctx, id);
    ctx.store.main.data.rules = ctx.store.main.data.rules.filter((r) => r.id !== id);
    await ctx.store.main.save();
    ctx.events.emit('changed', { area: 'rules' });
    return { removed: id };
  },

  /**
   * Applies a rule to past orders and carts, history included (the one way the past reaches the
   * CRM, SPEC §4): every cart moment a cart went through (abandoned, then recovered or lost) counts.
   * The ledger still keeps every tag to once per event.
   */
  async 'rules.replay'({ id }, ctx) {
    const rule = findRule(ctx, id);
    let queued = 0;
    let orders = 0;
    for await (const order of ctx.store.orders.all()) {
      orders++;
      queued += enqueueTagEvents(ctx.engine.jobs, orderEvents([rule], undefined, order));
    }
    const carts = Object.values(ctx.store.carts.data.carts);
    const transitions = carts.flatMap((cart) => cartMomentsOf(cart).map((to) => ({ cart, to })));
    queued += enqueueTagEvents(ctx.engine.jobs, cartEvents([rule], transitions));
    await ctx.store.queue.save();
    ctx.events.emit('changed', { area: 'queue' });
    return { queued, orders, carts: carts.length };
  },
};
