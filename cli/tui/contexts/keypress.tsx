import { useInput, useStdin, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';

/** Returns true when it consumed the key, so handlers of lower priority do not see it. */
export type KeypressHandler = (input: string, key: Key) => boolean | void;

/** Who sees a key first: an open form, then the screen, then the app's global keys. */
export const PRIORITY = { app: 0, screen: 1, dialog: 2 } as const;

interface Entry {
  handler: { current: KeypressHandler };
  priority: number;
  order: number;
}

interface KeypressApi {
  subscribe(handler: { current: KeypressHandler }, priority: number): () => void;
  /** False when stdin cannot be put in raw mode (piped input): the UI is then view-only. */
  interactive: boolean;
}

const KeypressContext = createContext<KeypressApi | null>(null);

/** The one owner of stdin: reads every key once and hands it to subscribers, highest priority first. */
export function KeypressProvider({ children }: { children: ReactNode }) {
  const { isRawModeSupported } = useStdin();
  const entries = useRef(new Set<Entry>());
  const counter = useRef(0);

  useInput(
    (input, key) => {
      const ordered = [...entries.current].sort((a, b) => b.priority - a.priority || b.order - a.order);
      for (const entry of ordered) if (entry.handler.current(input, key) === true) return;
    },
    { isActive: isRawModeSupported },
  );

  const api = useMemo<KeypressApi>(
    () => ({
      interactive: isRawModeSupported,
      subscribe(handler, priority) {
        const entry = { handler, priority, order: counter.current++ };
        entries.current.add(entry);
        return () => void entries.current.delete(entry);
      },
    }),
    [isRawModeSupported],
  );
  return <KeypressContext.Provider value={api}>{children}</KeypressContext.Provider>;
}

/** Subscribes a component to keys while `isActive`. */
export function useKeypress(handler: KeypressHandler, { isActive = true, priority = PRIORITY.screen }: { isActive?: boolean; priority?: number } = {}): void {
  const api = useContext(KeypressContext);
  if (!api) throw new Error('useKeypress needs a KeypressProvider');
  const ref = useRef(handler);
  ref.current = handler;
  // A layout effect: subscribed by the time the frame shows, so keys typed right after it are not lost.
  useLayoutEffect(() => (isActive ? api.subscribe(ref, priority) : undefined), [api, isActive, priority]);
}

export function useInteractive(): boolean {
  return useContext(KeypressContext)?.interactive ?? false;
}
