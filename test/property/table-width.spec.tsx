// Tables in the terminal (the TUI's and the command line's) line up by display width: a CJK
// character or an emoji takes two terminal cells, so padding by `.length` pushed every later column
// of that row out of line. Each property builds rows from names mixing ASCII, CJK, emoji and
// accents, and checks that every column starts at the same terminal cell on every line.
import { fc, test } from '@fast-check/vitest';
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { describe, expect } from 'vitest';
import { table } from '../../cli/output';
import { layoutColumns, Table, type Column } from '../../cli/tui/components/table';
import { ThemeProvider } from '../../cli/tui/contexts/theme';
import { fit, pad } from '../../cli/tui/format';
import { runsWith } from './seed';

const glyph = fc.constantFrom('a', 'Z', '7', ' ', '-', 'é', 'ß', '東', '京', '店', '한', 'ｶ', '🛒', '🎁', '👍🏽', '🇯🇵');
const name = fc.array(glyph, { minLength: 1, maxLength: 14 }).map((g) => g.join('').trim() || 'x');
/** A cell that marks where its column starts: nobody's name contains "#". */
const marker = fc.integer({ min: 0, max: 999 }).map((n) => `#${n}`);
const rowsOf = fc.array(fc.tuple(name, marker, name), { minLength: 1, maxLength: 8 });

/** The terminal cell at which `needle` starts on `line`. */
const cellOf = (line: string, needle: string) => stringWidth(line.slice(0, line.indexOf(needle)));

describe('terminal tables by display width', () => {
  test('a worked example: a Japanese shop name and an emoji no longer push the next column out', () => {
    const out = table(['SHOP', 'ORDERS', 'NOTE'], [['東京ショップ', '#12', 'ok'], ['🛒 Cart', '#3', 'ok'], ['Main shop', '#40', 'ok']]);
    const lines = out.split('\n').slice(1);
    expect(lines.map((l) => cellOf(l, '#'))).toEqual([14, 14, 14]);
  });

  test.prop([rowsOf], runsWith(200))('CLI table: every column starts at the same cell on every line', (rows) => {
    const out = table(['NAME', 'N', 'OTHER'], rows).split('\n').slice(1);
    const starts = out.map((line, i) => cellOf(line, rows[i]![1]));
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(Math.max(4, ...rows.map((r) => stringWidth(r[0]))) + 2);
  });

  test.prop([name, fc.integer({ min: 0, max: 20 })], runsWith(300))('fit and pad: never wider than asked, exactly as wide when padding', (text, width) => {
    expect(stringWidth(fit(text, width))).toBeLessThanOrEqual(width);
    // A two-cell glyph cannot fill one remaining cell; pad makes up the difference with a space.
    expect(stringWidth(pad(text, width))).toBe(width);
    expect(stringWidth(pad(text, width, 'right'))).toBe(width);
    if (stringWidth(text) <= width) expect(fit(text, width)).toBe(text);
  });

  const columns: Column[] = [{ header: 'SHOP', min: 4 }, { header: 'N', width: 5 }, { header: 'NOTE', min: 4 }];
  test.prop([rowsOf, fc.integer({ min: 30, max: 90 })], runsWith(60))('TUI table: columns line up in the rendered frame at any width', (rows, width) => {
    const widths = layoutColumns(columns, rows, width);
    expect(widths.reduce((a, b) => a + b, 0) + 2 + columns.length - 1).toBeLessThanOrEqual(Math.max(width, columns.length * 2 + 2));
    const ui = render(
      <ThemeProvider value={{ color: false }}>
        <Table columns={columns} rows={rows} width={width} height={rows.length} />
      </ThemeProvider>,
    );
    try {
      const lines = (ui.lastFrame() ?? '').split('\n').slice(1, 1 + rows.length);
      const starts = lines.map((line, i) => cellOf(line, rows[i]![1]));
      expect(new Set(starts).size, lines.join('\n')).toBe(1);
      expect(starts[0]).toBe(2 + widths[0]! + 1);
    } finally {
      ui.unmount();
    }
  });
});
