/**
 * WooCommerce's two clocks. Every `date_x` field is the shop's wall-clock time with no zone
 * suffix, and its `date_x_gmt` twin is the same instant in UTC, also without a suffix.
 * The sandbox keeps instants as epoch milliseconds and renders both on the way out.
 */

/** `2025-03-01T14:05:09` (seconds precision, no zone), as WooCommerce prints dates. */
export function wallClock(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

export function localDate(ms: number, utcOffsetMinutes: number): string {
  return wallClock(ms + utcOffsetMinutes * 60_000);
}

export function gmtDate(ms: number): string {
  return wallClock(ms);
}

// WordPress accepts RFC 3339 date-times for its `format: date-time` query parameters.
const REST_DATE = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads a date filter such as `modified_after` the way WooCommerce compares it: the wall-clock
 * part is matched against the local column (default) or the GMT column (`dates_are_gmt=true`);
 * a zone suffix does not shift it. Returns that wall-clock value as milliseconds, or null when
 * the value is not a date WordPress would accept.
 */
export function parseWallClock(value: string): number | null {
  const m = REST_DATE.exec(value.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(ms) ? null : ms;
}
