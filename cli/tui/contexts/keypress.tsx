import { useInput, useStdin, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

/** What one control character means as a key (the way Ink reads it when it arrives alone). */
function controlKey(ch: string): { input: string; key: Key } {
  const code = ch.charCodeAt(0);
  if (ch === '\r' || ch === '\n') return { input: '', key: { ...NO_KEY, return: true } };
  if (ch === '\t') return { input: '', key: { ...NO_KEY, tab: true } };
  if (ch === '\u007f') return { input: '', key: { ...NO_KEY, delete: true } };
  if (ch === '\b') return { input: '', key: { ...NO_KEY, backspace: true } };
  if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ...NO_KEY, ctrl: true } };
  return { input: '', key: NO_KEY };
}

/** C0 control characters and DEL: keys rather than text. */
const isControl = (ch: string) => ch.charCodeAt(0) < 0x20 || ch === '\u007f';

/**
 * Ink hands over everything that arrived in one read as one "key" unless it is an escape
 * sequence: a fast typist's `ab⌫⌫`, `jj` on a list, or a terminal that batches `tab 2 0 enter`
 * would reach the screens as one string whose backspaces, tabs, enter and letters are lost.
 * Split such a chunk into its keys, one per character, each read the way Ink reads it alone.
 * Escape sequences (arrows, meta+key) already arrive one by one and are passed on as they are.
 */
export function splitKeys(input: string, key: Key): { input: string; key: Key }[] {
  const chars = [...input];
  if (chars.length < 2 || key.meta || key.ctrl) return [{ input, key }];
  return chars.map((ch) => (isControl(ch) ? controlKey(ch) : { input: ch, key: /[A-Z]/.test(ch) ? { ...NO_KEY, shift: true } : NO_KEY }));
}

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
    (chunk, chunkKey) => {
      const ordered = [...entries.current].sort((a, b) => b.priority - a.priority || b.order - a.order);
      for (const { input, key } of splitKeys(chunk, chunkKey)) {
        for (const entry of ordered) if (entry.handler.current(input, key) === true) break;
      }
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
