/** Text helpers for the terminal UI: every cell is plain text that reads the same without colour. */
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts `text` to `width` terminal cells, ending with … when cut. Measured by display width: a CJK
 * character or an emoji takes two cells, a combining accent none, so `.length` would misjudge both.
 */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const cells = stringWidth(segment);
    if (used + cells > width - 1) break;
    kept += segment;
    used += cells;
  }
  return `${kept}…`;
}

/** `text` fitted and padded with spaces to exactly `width` terminal cells. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = fit(text, width);
  const fill = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return align === 'right' ? fill + cut : cut + fill;
}

/** `2m ago`, `in 4m`, `3h ago`, `2d ago` relative to `now`. */
export function relative(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return iso;
  const abs = Math.abs(ms);
  const unit = abs < 60_000 ? `${Math.round(abs / 1000)}s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  if (abs < 1000) return 'now';
  return ms < 0 ? `${unit} ago` : `in ${unit}`;
}

/** `2025-03-01 14:05` in the machine's time zone. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** How long ago, in whole minutes, hours or days (the same words as `backroom carts list`): `12 min`, `3 h`, `2 d`. */
export function age(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h`;
  return `${Math.floor(m / 1440)} d`;
}
