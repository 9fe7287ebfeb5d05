import { z } from 'zod';

/** An ISO-8601 instant in UTC, e.g. `2026-11-22T09:15:00.000Z`. Every stored time is one of these. */
export const Instant = z.iso.datetime({ offset: false });
export type Instant = z.infer<typeof Instant>;

/** A merchant-chosen name: shops, locations and CRM connections are addressed by it. */
export const Name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'may use letters, digits, spaces, dot, dash and underscore, starting with a letter or digit');

/** A stock keeping unit as the merchant writes it. Matching across shops is exact. */
export const Sku = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20), 'must not contain control characters');

export const Quantity = z.number().int('must be a whole number').min(0, 'must not be negative').max(1_000_000_000, 'is too large');

/** Money is kept as the shop sends it (a decimal string) so nothing is lost to floating point. */
export const Money = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal amount such as "12.50"');

export const Email = z.string().trim().toLowerCase().pipe(z.email('must be an email address'));

/** A source of an error or alert: a shop, a CRM connection, or Backroom itself. */
export const Source = z.object({
  kind: z.enum(['shop', 'crm', 'backroom']),
  name: z.string(),
});
export type Source = z.infer<typeof Source>;
