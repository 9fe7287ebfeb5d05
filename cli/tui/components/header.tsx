import { Box, Text } from 'ink';
import { Label } from './label';

export interface ScreenTab {
  id: string;
  title: string;
  /** A count shown after the title, e.g. open errors. */
  badge?: number;
}

/** Top line: what this is, and whether it hosts the engine or is attached to one. */
export function Header({ hosted, label, pid, width }: { hosted: boolean; label?: string; pid?: number; width: number }) {
  const how = hosted ? 'engine hosted here (q stops it)' : `attached to engine${pid ? ` pid ${pid}` : ''} (q leaves it running)`;
  return (
    <Box width={width}>
      <Text bold wrap="truncate-end">
        {`Backroom${label ? ` · ${label}` : ''} · `}
        <Label tone="accent">{how}</Label>
      </Text>
    </Box>
  );
}

/** The screens, numbered; the current one in brackets (so it reads without colour). */
export function Tabs({ tabs, current }: { tabs: readonly ScreenTab[]; current: number }) {
  return (
    <Text wrap="truncate-end">
      {tabs.map((t, i) => {
        const name = `${i + 1} ${t.title}${t.badge ? ` (${t.badge})` : ''}`;
        return (
          <Text key={t.id} bold={i === current}>
            {i ? ' ' : ''}
            {i === current ? `[${name}]` : name}
          </Text>
        );
      })}
    </Text>
  );
}
