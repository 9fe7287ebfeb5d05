import { createContext, useContext, type ReactNode } from 'react';

/**
 * Whether colour may be used. Colour only ever repeats what the words already say (every state is
 * written out), so NO_COLOR loses nothing.
 */
export interface Theme {
  color: boolean;
}

export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  return { color: !('NO_COLOR' in env && env.NO_COLOR !== '') };
}

const ThemeContext = createContext<Theme>({ color: true });

export function ThemeProvider({ value, children }: { value: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

export type Tone = 'ok' | 'error' | 'warn' | 'dim' | 'accent';

const COLORS: Record<Tone, string> = { ok: 'green', error: 'red', warn: 'yellow', dim: 'gray', accent: 'cyan' };

/** Text props for a tone: a colour when allowed, nothing otherwise. */
export function useTone(tone: Tone | undefined): { color?: string; dimColor?: boolean } {
  const { color } = useTheme();
  if (!tone || !color) return {};
  return tone === 'dim' ? { dimColor: true } : { color: COLORS[tone] };
}
