import { z } from 'zod';
import { OrderStatusList } from './common';

/** The events a tag rule can listen for (SPEC §5). */
export const RuleTrigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('order-status'), statuses: z.array(z.string().min(1)).min(1) }),
  z.object({ kind: z.literal('product'), sku: z.string().min(1) }),
  z.object({ kind: z.literal('order-meta'), key: z.string().min(1), value: z.string() }),
  z.object({ kind: z.enum(['refunded', 'failed', 'cancelled']) }),
  z.object({ kind: z.enum(['cart-abandoned', 'cart-recovered', 'cart-lost']) }),
]);
export type RuleTrigger = z.infer<typeof RuleTrigger>;

/**
 * A trigger as a front end sends it when adding a rule: the stored shape, with the statuses checked
 * (a misspelt status would make a rule that never fires) and text fields bounded.
 */
export const RuleTriggerInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('order-status'), statuses: OrderStatusList }),
  z.object({ kind: z.literal('product'), sku: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters') }),
  z.object({ kind: z.literal('order-meta'), key: z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters'), value: z.string().max(1000, 'must be at most 1000 characters') }),
  z.object({ kind: z.enum(['refunded', 'failed', 'cancelled']) }),
  z.object({ kind: z.enum(['cart-abandoned', 'cart-recovered', 'cart-lost']) }),
]);

export const TagName = z.string().trim().min(1, 'must not be empty').max(255);

export const Rule = z.object({
  id: z.string(),
  /** Which CRM connection the tags go to; all when omitted. */
  crm: z.string().optional(),
  trigger: RuleTrigger,
  applyTags: z.array(TagName).default([]),
  removeTags: z.array(TagName).default([]),
  createdAt: z.string(),
});
export type Rule = z.infer<typeof Rule>;
