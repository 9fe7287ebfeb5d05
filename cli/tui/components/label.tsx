import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useTone, type Tone } from '../contexts/theme';

/** Text in a tone; the tone is only colour, the words carry the meaning. */
export function Label({ tone, bold, wrap, children }: { tone?: Tone; bold?: boolean; wrap?: 'wrap' | 'truncate-end'; children: ReactNode }) {
  const props = useTone(tone);
  return (
    <Text {...props} bold={bold} wrap={wrap}>
      {children}
    </Text>
  );
}
