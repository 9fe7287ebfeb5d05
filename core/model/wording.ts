// The words every front end (command line, terminal UI, window) uses for the same things: how old
// something is, when something runs next, what a tag rule listens for. One module, so the three
// never drift apart; pure functions over plain values, no time read from the machine.
import type { Rule, RuleTrigger } from './rule';

export interface AgeOptions {
  /** Whole units only (`3 h`, `2 d`: tables and terminals) or two units (`3 h 5 min`, `2 days 4 h`: the window). */
  detail?: 'short' | 'long';
}

/**
 * How long something has waited, from whole minutes: `12 min`, `3 h`, `2 d` (short, under two days
 * still in hours), or `under a minute`, `3 h 5 min`, `2 days 4 h` (long). Negative or fractional
 * minutes count as the whole minutes before them, so a clock a little ahead never shows `-1 min`.
 */
export function age(minutes: number, options: AgeOptions = {}): string {
  const m = Number.isFinite(minutes) ? Math.max(0, Math.floor(minutes)) : 0;
  if (options.detail === 'long') {
    if (m < 1) return 'under a minute';
    if (m < 60) return `${m} min`;
    const hours = Math.floor(m / 60);
    if (hours < 24) return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
    const days = Math.floor(hours / 24);
    return `${days} day${days === 1 ? '' : 's'}${hours % 24 ? ` ${hours % 24} h` : ''}`;
  }
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h`;
  return `${Math.floor(m / 1440)} d`;
}

/** `45s`, `12m`, `3h`, `2d`: the length of `ms` in its largest sensible unit, rounded. */
function span(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${Math.round(abs / 1000)}s`;
  if (abs < 3_600_000) return `${Math.round(abs / 60_000)}m`;
  if (abs < 86_400_000) return `${Math.round(abs / 3_600_000)}h`;
  return `${Math.round(abs / 86_400_000)}d`;
}

/** When something happened or will happen, relative to `now`: `2m ago`, `in 4m`, `now`; `never` without a time. */
export function relative(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return iso;
  if (Math.abs(ms) < 1000) return 'now';
  return ms < 0 ? `${span(ms)} ago` : `in ${span(ms)}`;
}

/**
 * When a planned run starts: `in 10s`, `in 4m`. A planned time that has passed means the run is
 * starting or under way (the plan moves on once it finishes), so it reads `due now`, never `ago`:
 * a next run lies ahead by definition.
 */
export function nextRun(iso: string | undefined, now: Date): string {
  if (!iso) return '—';
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return iso;
  return ms < 1000 ? 'due now' : `in ${span(ms)}`;
}

type TriggerKind = RuleTrigger['kind'];

/** Each kind of tag-rule trigger (SPEC §5) as a choice, in the order a merchant thinks of them. */
export const TRIGGER_CHOICES: readonly { kind: TriggerKind; label: string; group: 'Orders' | 'Carts' }[] = [
  { kind: 'order-status', label: 'Order reaches a status', group: 'Orders' },
  { kind: 'product', label: 'Product or variation bought', group: 'Orders' },
  { kind: 'order-meta', label: 'Order meta matches (checkout step, upsell…)', group: 'Orders' },
  { kind: 'refunded', label: 'Order refunded', group: 'Orders' },
  { kind: 'failed', label: 'Payment failed', group: 'Orders' },
  { kind: 'cancelled', label: 'Order cancelled', group: 'Orders' },
  { kind: 'cart-abandoned', label: 'Cart abandoned', group: 'Carts' },
  { kind: 'cart-recovered', label: 'Cart recovered', group: 'Carts' },
  { kind: 'cart-lost', label: 'Cart lost', group: 'Carts' },
];

/**
 * A trigger in words, to follow "when": `order reaches processing or completed`, `order contains
 * MUG-1`, `order meta checkout_step = upsell`, `order refunded`, `cart abandoned`.
 */
export function describeTrigger(t: RuleTrigger): string {
  switch (t.kind) {
    case 'order-status':
      return `order reaches ${t.statuses.join(' or ')}`;
    case 'product':
      return `order contains ${t.sku}`;
    case 'order-meta':
      return `order meta ${t.key} = ${t.value}`;
    default: {
      const label = TRIGGER_CHOICES.find((c) => c.kind === t.kind)?.label ?? t.kind;
      return label.charAt(0).toLowerCase() + label.slice(1);
    }
  }
}

/** `r1a2b3c: when order contains MUG-1 → +Bought mug -Prospect (in AC)`: how every front end lists a rule. */
export function describeRule(r: Rule): string {
  const tags = [...r.applyTags.map((t) => `+${t}`), ...r.removeTags.map((t) => `-${t}`)].join(' ');
  return `${r.id}: when ${describeTrigger(r.trigger)} → ${tags}${r.crm ? ` (in ${r.crm})` : ''}`;
}

/** The text with its first letter in upper case, for a heading or the start of a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
