import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { WooGmtDate } from './wire';

/** What a real date and time is, by the calendar: the date survives a round trip through Date. */
function realByDate(gmt: string): boolean {
  const ms = Date.parse(`${gmt}.000Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === gmt;
}

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

describe('WooCommerce _gmt dates', () => {
  it('accepts exactly the real dates and times (leap years, month ends, 24:00, 60 seconds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), two(13), two(32), two(25), two(60), two(60), (year, month, day, hour, minute, second) => {
        const gmt = `${String(year).padStart(4, '0')}-${month}-${day}T${hour}:${minute}:${second}`;
        expect(WooGmtDate.safeParse(gmt).success, gmt).toBe(realByDate(gmt));
      }),
      { numRuns: 5000 },
    );
    for (const gmt of ['2024-02-29T23:59:59', '2000-02-29T00:00:00', '2025-12-31T00:00:00']) expect(WooGmtDate.safeParse(gmt).success, gmt).toBe(true);
    for (const gmt of ['2025-02-29T10:00:00', '1900-02-29T10:00:00', '2025-04-31T10:00:00', '2025-01-01T24:00:00', '2025-00-10T10:00:00', '2025-01-01T10:00']) expect(WooGmtDate.safeParse(gmt).success, gmt).toBe(false);
  });
});
