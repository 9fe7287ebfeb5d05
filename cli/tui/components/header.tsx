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

/**
 * The screens, numbered; the current one in brackets (so it reads without colour). When the names
 * do not fit the width, the last other screens are shown by number only, so the current one stays in view.
 */
export function Tabs({ tabs, current, width }: { tabs: readonly ScreenTab[]; current: number; width?: number }) {
  const names = tabs.map((t, i) => `${i + 1} ${t.title}${t.badge ? ` (${t.badge})` : ''}`);
  // The last screens are shortened first, never the current one.
  for (let i = tabs.length - 1; width !== undefined && i >= 0 && names.join(' ').length + 2 > width; i--) {
    if (i !== current) names[i] = `${i + 1}${tabs[i]!.badge ? `(${tabs[i]!.badge})` : ''}`;
  }
  return (
    <Text wrap="truncate-end">
      {tabs.map((t, i) => {
        const name = names[i]!;
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
