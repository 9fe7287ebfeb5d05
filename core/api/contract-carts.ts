import { z } from 'zod';
import { CartSettings, CartState, Name, RuleTrigger, Settings, TagName } from '../model';
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
    trigger: RuleTrigger,
    applyTags: z.array(TagName).default([]),
    removeTags: z.array(TagName).default([]),
    crm: Name.optional(),
  })
  .strict()
  .refine((r) => r.applyTags.length + r.removeTags.length > 0, { message: 'a rule needs at least one tag to apply or remove', path: ['applyTags'] });

/** Settings a front end may change; each part is checked by the same schema as the stored settings. */
export const SettingsPatch = z
  .object({
    carts: CartSettings.partial().strict().optional(),
    crmFields: Settings.shape.crmFields.optional(),
    stockPushDebounceMs: Settings.shape.stockPushDebounceMs.optional(),
  })
  .strict();

/** Carts, tag rules and settings. */
export const cartsContract = {
  'carts.list': method<CartView[]>()(z.object({ state: CartState.optional(), shop: Name.optional() }).strict()),
  'rules.list': method<Rule[]>()(z.object({}).strict()),
  'rules.add': method<{ rule: Rule; warning?: string }>()(RuleAddParams),
  'rules.remove': method<{ removed: string }>()(z.object({ id: z.string().min(1) }).strict()),
  'rules.replay': method<{ queued: number; orders: number; carts: number }>()(z.object({ id: z.string().min(1) }).strict()),
  'settings.get': method<Settings>()(z.object({}).strict()),
  'settings.set': method<Settings>()(SettingsPatch),
};
