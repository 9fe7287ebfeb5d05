import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { useTheme } from '../contexts/theme';
import { pad } from '../format';

export interface Column {
  header: string;
  /** Fixed width; columns without one share what is left. */
  width?: number;
  /** Smallest width a flexible column may shrink to. */
  min?: number;
  align?: 'left' | 'right';
}

/** Widths for `columns` in `total` terminal cells (display width: wide characters count two) (one space between columns, two for the selection mark). */
export function layoutColumns(columns: readonly Column[], rows: readonly string[][], total: number): number[] {
  const natural = columns.map((c, i) => c.width ?? Math.max(stringWidth(c.header), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const available = total - 2 - (columns.length - 1);
  const fixed = columns.reduce((sum, c, i) => sum + (c.width ? natural[i]! : 0), 0);
  const room = available - fixed;
  const widths = [...natural];
  // Share the room among the flexible columns, narrowest first: a column that needs less than its
  // fair share keeps its natural width and leaves the rest to the wider ones.
  const flexible = columns.map((c, i) => (c.width ? -1 : i)).filter((i) => i >= 0).sort((a, b) => natural[a]! - natural[b]!);
  let left = room;
  flexible.forEach((i, n) => {
    const share = Math.floor(left / (flexible.length - n));
    widths[i] = Math.max(Math.min(columns[i]!.min ?? 6, natural[i]!), Math.min(natural[i]!, share));
    left -= widths[i]!;
  });
  let over = widths.reduce((a, b) => a + b, 0) - available;
  // Still too wide (very narrow terminal): cut from the last column backwards.
  for (let i = widths.length - 1; over > 0 && i >= 0; i--) {
    const cut = Math.min(widths[i]! - 1, over);
    widths[i]! -= cut;
    over -= cut;
  }
  return widths;
}

export interface TableProps {
  columns: readonly Column[];
  rows: readonly string[][];
  width: number;
  /** Rows shown at most (the header is extra). */
  height: number;
  /** Index of the selected row, or undefined for a table without selection. */
  selected?: number;
  start?: number;
  empty?: string;
}

/** A plain-text table: the selected row is marked with › (and shown inverse when colour is allowed). */
export function Table({ columns, rows, width, height, selected, start = 0, empty = 'Nothing here.' }: TableProps) {
  const { color } = useTheme();
  const widths = layoutColumns(columns, rows, width);
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i]!, columns[i]!.align)).join(' ').trimEnd();
  const shown = rows.slice(start, start + Math.max(1, height));
  return (
    <Box flexDirection="column">
      <Text bold>{`  ${line(columns.map((c) => c.header))}`}</Text>
      {rows.length === 0 ? <Text>{`  ${empty}`}</Text> : null}
      {shown.map((row, i) => {
        const isSelected = selected === start + i;
        return (
          <Text key={start + i} inverse={isSelected && color} wrap="truncate-end">
            {`${isSelected ? '›' : ' '} ${line(row)}`}
          </Text>
        );
      })}
      {rows.length > shown.length ? <Text>{`  rows ${start + 1}–${start + shown.length} of ${rows.length}`}</Text> : null}
    </Box>
  );
}
