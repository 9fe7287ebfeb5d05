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
