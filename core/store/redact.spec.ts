// Redaction removes secrets and nothing else: ordinary merchant text (plan names, labels, words
// like "Basic" or "Bearer" in a sentence) passes through unchanged, while keys, tokens and auth
// headers never survive, whatever surrounds them.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './redact';

const words = fc.constantFrom('Basic', 'Bearer', 'plan', 'Shopify', 'Currency:', 'EUR', 'Time', 'zone:', 'Europe/Amsterdam', 'Platform', 'version:', 'Admin', 'API', '2025-10,', 'Advanced', 'Plus', 'shipment', 'tracking', 'installed');
const separators = fc.constantFrom(' ', '  ', '\n', '\n  ', ' — ');
const ordinary = fc.array(fc.tuple(words, separators), { minLength: 1, maxLength: 30 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 24, maxLength: 40 });

describe('redact', () => {
  test.prop([ordinary], { numRuns: 500 })('leaves ordinary text alone', (text) => {
    expect(redact(text)).toBe(text);
  });

  test.prop([ordinary, ordinary, alnum, alnum], { numRuns: 300 })('removes WooCommerce keys, Shopify tokens and Basic/Bearer credentials wherever they appear', (before, after, a, b) => {
    const key = `ck_${a}`;
    const token = `shpat_${b}`;
    const basic = Buffer.from(`${key}:cs_${b}`).toString('base64');
    const text = `${before} Authorization: Basic ${basic}\n${before}Bearer ${b}1 ${key} ${token} ${after}`;
    const out = redact(text);
    for (const secret of [key, token, basic, `${b}1`]) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it("keeps the word after Shopify's Basic plan in shop test output", () => {
    const text = '  Platform version:  Admin API 2025-10, plan Basic\n  Currency:          EUR';
    expect(redact(text)).toBe(text);
  });
});
