import { useRef, useState } from 'react';
import { Command, matches } from '../keys';
import { useKeypress } from '../contexts/keypress';

export interface ListState {
  index: number;
  /** First row shown, so the selected row is always on screen. */
  start: number;
  setIndex(index: number): void;
}

/** Selection in a list of `length` rows, `visible` at a time, moved with ↑↓ and the page keys; enter opens. */
export function useList(length: number, visible: number, { isActive = true, onOpen }: { isActive?: boolean; onOpen?: (index: number) => void } = {}): ListState {
  const [wanted, setIndex] = useState(0);
  const startRef = useRef(0);
  const rows = Math.max(1, visible);
  const index = Math.max(0, Math.min(wanted, length - 1));
  let start = startRef.current;
  if (index < start) start = index;
  if (index >= start + rows) start = index - rows + 1;
  start = Math.max(0, Math.min(start, length - rows));
  startRef.current = start;

  useKeypress(
    (input, key) => {
      const move = (to: number) => setIndex(Math.max(0, Math.min(length - 1, to)));
      if (matches(Command.Up, input, key)) move(index - 1);
      else if (matches(Command.Down, input, key)) move(index + 1);
      else if (matches(Command.PageUp, input, key)) move(index - rows);
      else if (matches(Command.PageDown, input, key)) move(index + rows);
      else if (onOpen && length > 0 && matches(Command.Open, input, key)) onOpen(index);
      else return false;
      return true;
    },
    { isActive },
  );
  return { index, start, setIndex };
}
