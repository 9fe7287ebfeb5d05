// The shared words of the command line, terminal UI and window: ages, relative times, next runs
// and tag-rule triggers. Examples pin the words the merchant reads; properties attack the edges.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { runsWith } from '../../test/property/seed';
import { RuleTrigger } from './rule';
import { age, describeRule, describeTrigger, nextRun, relative, sentence, TRIGGER_CHOICES } from './wording';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('age', () => {
  test('short, for tables: whole minutes, hours under two days, then days', () => {
    expect([0, 12, 59, 60, 179, 47 * 60 + 59, 48 * 60, 10 * 1440].map((m) => age(m))).toEqual(['0 min', '12 min', '59 min', '1 h', '2 h', '47 h', '2 d', '10 d']);
  });
  test('long, for the window: two units', () => {
    expect([0, 12, 60, 185, 24 * 60, 26 * 60 + 5, 3 * 1440].map((m) => age(m, { detail: 'long' }))).toEqual(['under a minute', '12 min', '1 h', '3 h 5 min', '1 day', '1 day 2 h', '3 days']);
  });
  test.prop([fc.double({ min: -1e6, max: 1e8, noNaN: false })], runsWith(500))('never negative, never NaN, always a number and a unit', (minutes) => {
    for (const detail of ['short', 'long'] as const) {
      const text = age(minutes, { detail });
      expect(text).toMatch(/^(under a minute|\d+ (min|h|d|days?)( \d+ (min|h))?)$/);
      expect(text).not.toContain('-');
    }
  });
  test.prop([fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e7 })], runsWith(300))('an older thing never reads younger (short words, by unit)', (a, b) => {
    const [young, old] = a <= b ? [a, b] : [b, a];
    const minutes = (text: string) => {
      const [n, unit] = text.split(' ');
      return Number(n) * (unit === 'min' ? 1 : unit === 'h' ? 60 : 1440);
    };
    expect(minutes(age(old))).toBeGreaterThanOrEqual(minutes(age(young)));
  });
});

describe('relative and nextRun', () => {
  test('past and future', () => {
    expect([relative(at(-120_000), NOW), relative(at(240_000), NOW), relative(at(300), NOW), relative(undefined, NOW)]).toEqual(['2m ago', 'in 4m', 'now', 'never']);
    expect([nextRun(at(10_000), NOW), nextRun(at(-10_000), NOW), nextRun(undefined, NOW)]).toEqual(['in 10s', 'due now', '—']);
  });
  test.prop([fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 })], runsWith(500))('a next run never reads "ago"; a future one always reads "in …"', (ms) => {
    const text = nextRun(at(ms), NOW);
    expect(text).not.toMatch(/ago/);
    if (ms >= 1000) expect(text).toMatch(/^in \d+[smhd]$/);
    else expect(text).toBe('due now');
  });
});

describe('triggers', () => {
  test('in words, to follow "when"', () => {
    expect(describeTrigger({ kind: 'order-status', statuses: ['processing', 'completed'] })).toBe('order reaches processing or completed');
    expect(describeTrigger({ kind: 'product', sku: 'MUG-1' })).toBe('order contains MUG-1');
    expect(describeTrigger({ kind: 'order-meta', key: 'step', value: 'upsell' })).toBe('order meta step = upsell');
    expect(describeTrigger({ kind: 'failed' })).toBe('payment failed');
    expect(sentence(describeTrigger({ kind: 'cart-abandoned' }))).toBe('Cart abandoned');
    expect(describeRule({ id: 'r1', trigger: { kind: 'product', sku: 'MUG-1' }, applyTags: ['Bought mug'], removeTags: ['Prospect'], crm: 'AC', createdAt: NOW.toISOString() })).toBe('r1: when order contains MUG-1 → +Bought mug -Prospect (in AC)');
  });
  test('every kind the rule schema knows has a choice and its own words', () => {
    const kinds = RuleTrigger.options.flatMap((o) => {
      const kind = o.shape.kind;
      return 'options' in kind ? [...kind.options] : [kind.value];
    });
    expect(TRIGGER_CHOICES.map((c) => c.kind).sort()).toEqual([...kinds].sort());
    const simple = TRIGGER_CHOICES.filter((c) => !['order-status', 'product', 'order-meta'].includes(c.kind));
    const words = simple.map((c) => describeTrigger(RuleTrigger.parse({ kind: c.kind })));
    expect(new Set(words).size).toBe(simple.length);
  });
});
