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

/**
 * A number setting's allowed range, in the words the screens use. Every duration, count and size a
 * merchant can set has one (SPEC "Every setting has a documented range"); the API, the CLI and the
 * store all check against the same table.
 */
export interface Bound {
  /** What the screens call it, e.g. "Order pull interval". */
  label: string;
  unit: 'seconds' | 'minutes' | 'days' | 'milliseconds' | 'units' | '';
  min: number;
  max: number;
}

export const BOUNDS = {
  pollSeconds: { label: 'Order pull interval', unit: 'seconds', min: 30, max: 86_400 },
  reconcileSeconds: { label: 'Stock check (reconcile) interval', unit: 'seconds', min: 60, max: 604_800 },
  safetyBuffer: { label: 'Safety buffer', unit: 'units', min: 0, max: 1_000_000 },
  cutoffMinutes: { label: 'Cart cut-off', unit: 'minutes', min: 10, max: 43_200 },
  sweepMinutes: { label: 'Cart sweep interval', unit: 'minutes', min: 1, max: 1_440 },
  recoveryWindowDays: { label: 'Recovery window', unit: 'days', min: 1, max: 365 },
  stockPushDebounceMs: { label: 'Stock push wait after a change', unit: 'milliseconds', min: 0, max: 60_000 },
  port: { label: 'Port', unit: '', min: 0, max: 65_535 },
} as const satisfies Record<string, Bound>;

const SECONDS_PER = { day: 86_400, hour: 3_600, minute: 60 } as const;

function plural(n: number, unit: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? unit.replace(/s$/, '') : unit}`;
}

/** `86400 seconds` → `24 hours`, `600 seconds` → `10 minutes`: a value as a merchant reads it. */
function inWords(value: number, unit: Bound['unit']): string {
  if (unit === 'days' || unit === 'units' || unit === 'milliseconds') return plural(value, unit);
  if (!unit) return String(value);
  const seconds = unit === 'seconds' ? value : value * 60;
  if (seconds > 0 && Number.isInteger(seconds)) {
    // The largest unit that divides evenly, except that one day reads better as 24 hours.
    if (seconds % SECONDS_PER.day === 0 && seconds > SECONDS_PER.day) return plural(seconds / SECONDS_PER.day, 'days');
    if (seconds % SECONDS_PER.hour === 0) return plural(seconds / SECONDS_PER.hour, 'hours');
    if (seconds % SECONDS_PER.minute === 0) return plural(seconds / SECONDS_PER.minute, 'minutes');
    return plural(seconds, 'seconds');
  }
  return plural(value, unit);
}

/** `from 30 seconds to 24 hours`: the range of a bound, for messages and help text. */
export function describeRange(bound: Bound): string {
  return `from ${inWords(bound.min, bound.unit)} to ${inWords(bound.max, bound.unit)}`;
}

/** Why a value is outside its bound, as a sentence naming the setting, e.g. "Order pull interval must be from 30 seconds to 24 hours (got 10 seconds)." */
export function outOfRange(bound: Bound, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value)) return `${bound.label} must be a whole number ${bound.unit ? `of ${bound.unit} ` : ''}${describeRange(bound)}.`;
  if (value < bound.min || value > bound.max) return `${bound.label} must be ${describeRange(bound)} (got ${inWords(value, bound.unit)}).`;
  return null;
}

/**
 * A whole number within `bound`, for values coming in (API calls, CLI flags). The message is a whole
 * sentence in the merchant's words; `describeIssue` shows it without the internal field name.
 */
export function boundedInt(bound: Bound) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = outOfRange(bound, value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { sentence: true } });
  }).transform((value) => value as number);
}

/** Brings a stored value back into its bound (for files written before the bound existed). */
export function clampToBound(bound: Bound, value: number): number {
  return Math.min(bound.max, Math.max(bound.min, Math.round(value)));
}

/** How many single-character edits turn `a` into `b` (Levenshtein), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known value closest to a typo (at most two edits away, and closer than half its length), if any. */
export function closestMatch(value: string, known: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = editDistance(lower, word);
    if (distance <= 2 && distance < word.length / 2 && (!best || distance < best.distance)) best = { word, distance };
  }
  return best?.word;
}

/** `unknown status 'procesing' — did you mean 'processing'?` (or the list of choices when nothing is close). */
export function unknownChoice(what: string, value: string, known: readonly string[]): string {
  const near = closestMatch(value, known);
  return near ? `unknown ${what} '${value}' — did you mean '${near}'?` : `unknown ${what} '${value}'; choose one of: ${known.join(', ')}.`;
}

/**
 * Order statuses as WooCommerce names them (Shopify orders are mapped onto these names). Shops may
 * add their own (an upsell's "main order accepted"), so other slugs are allowed — but one that is a
 * typo of a known status is refused with a hint, because a misspelt status silently imports nothing.
 */
export const KNOWN_ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'] as const;

/** Why a status given by the merchant cannot be used, or null when it can. */
export function orderStatusProblem(value: string): string | null {
  const status = value.trim();
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(status)) {
    const near = closestMatch(status, KNOWN_ORDER_STATUSES);
    if (near) return unknownChoice('status', status, KNOWN_ORDER_STATUSES);
    return `order status '${status}' must be a status slug of at most 40 lower-case letters, digits, dashes or underscores, e.g. processing or on-hold.`;
  }
  if ((KNOWN_ORDER_STATUSES as readonly string[]).includes(status)) return null;
  return closestMatch(status, KNOWN_ORDER_STATUSES) ? unknownChoice('status', status, KNOWN_ORDER_STATUSES) : null;
}

/** A list of order statuses given by the merchant: 1–20 of them, each a known or a custom status slug. */
export const OrderStatusList = z
  .array(z.string().trim())
  .min(1, 'needs at least one status, e.g. processing')
  .max(20, 'may list at most 20 statuses')
  .superRefine((statuses, ctx) => {
    for (const status of statuses) {
      const problem = orderStatusProblem(status);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return;
      }
    }
  });
