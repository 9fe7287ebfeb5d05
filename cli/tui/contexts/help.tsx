import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Command } from '../keys';

/** The commands the current screen (in its current mode) offers; the app's help line shows them. */
const HelpState = createContext<readonly Command[]>([]);
const SetHelp = createContext<(commands: readonly Command[]) => void>(() => undefined);

export function HelpProvider({ children }: { children: ReactNode }) {
  const [commands, setCommands] = useState<readonly Command[]>([]);
  return (
    <SetHelp.Provider value={setCommands}>
      <HelpState.Provider value={commands}>{children}</HelpState.Provider>
    </SetHelp.Provider>
  );
}

export function useHelpCommands(): readonly Command[] {
  return useContext(HelpState);
}

/** Declares the current screen's keys for the help line. */
export function useScreenHelp(commands: readonly Command[]): void {
  const set = useContext(SetHelp);
  const key = commands.join(' ');
  useEffect(() => set(key ? (key.split(" ") as Command[]) : []), [key, set]);
}
