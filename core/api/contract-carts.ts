import { z } from 'zod';
import { CartState, Name, RuleTriggerInput, TagName } from '../model';
import type { Rule } from '../model';
import { method } from './define';

export interface CartView {
  id: string;
  shop: string;
  state: z.infer<typeof CartState>;
  email: string;
  name: string;
  total: string;
  currency: string;
  items: number;
  capturedAt: string;
  stateChangedAt: string;
  /** Minutes since the customer's last activity on the checkout. */
  ageMinutes: number;
  crmBlocked: boolean;
}

export const RuleAddParams = z
  .object({
    trigger: RuleTriggerInput,
    applyTags: z.array(TagName).max(50, 'may list at most 50 tags').default([]),
    removeTags: z.array(TagName).max(50, 'may list at most 50 tags').default([]),
    crm: Name.optional(),
  })
  .strict()
  .refine((r) => r.applyTags.length + r.removeTags.length > 0, { message: 'a rule needs at least one tag to apply or remove', path: ['applyTags'] });

/** Carts and tag rules. */
export const cartsContract = {
  'carts.list': method<CartView[]>()(z.object({ state: CartState.optional(), shop: Name.optional() }).strict()),
  'rules.list': method<Rule[]>()(z.object({}).strict()),
  'rules.add': method<{ rule: Rule; warning?: string }>()(RuleAddParams),
  'rules.remove': method<{ removed: string }>()(z.object({ id: z.string().min(1) }).strict()),
  'rules.replay': method<{ queued: number; orders: number; carts: number }>()(z.object({ id: z.string().min(1) }).strict()),
};
