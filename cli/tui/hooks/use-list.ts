import { useRef, useState } from 'react';
import { Command, matches } from '../keys';
import { useKeypress } from '../contexts/keypress';

export interface ListState {
  index: number;
  /** First row shown, so the selected row is always on screen. */
  start: number;
  setIndex(index: number): void;
  /** The selection as of the last key, even before the screen has re-rendered (keys can arrive faster than frames). */
  current(): number;
}

/** Selection in a list of `length` rows, `visible` at a time, moved with ↑↓ and the page keys; enter opens. */
export function useList(length: number, visible: number, { isActive = true, onOpen }: { isActive?: boolean; onOpen?: (index: number) => void } = {}): ListState {
  const [wanted, setIndex] = useState(0);
  const startRef = useRef(0);
  const live = useRef<{ index: number; length: number }>({ index: 0, length });
  const rows = Math.max(1, visible);
  const index = Math.max(0, Math.min(wanted, length - 1));
  let start = startRef.current;
  if (index < start) start = index;
  if (index >= start + rows) start = index - rows + 1;
  start = Math.max(0, Math.min(start, length - rows));
  startRef.current = start;
  if (live.current.length !== length || live.current.index > length - 1) live.current = { index, length };

  useKeypress(
    (input, key) => {
      const at = Math.max(0, Math.min(live.current.index, length - 1));
      const move = (to: number) => {
        const next = Math.max(0, Math.min(length - 1, to));
        live.current = { index: next, length };
        setIndex(next);
      };
      if (matches(Command.Up, input, key)) move(at - 1);
      else if (matches(Command.Down, input, key)) move(at + 1);
      else if (matches(Command.PageUp, input, key)) move(at - rows);
      else if (matches(Command.PageDown, input, key)) move(at + rows);
      else if (onOpen && length > 0 && matches(Command.Open, input, key)) onOpen(at);
      else return false;
      return true;
    },
    { isActive },
  );
  const current = () => Math.max(0, Math.min(live.current.index, length - 1));
  return {
    index,
    start,
    current,
    setIndex: (i) => {
      live.current = { index: i, length };
      setIndex(i);
    },
  };
}
