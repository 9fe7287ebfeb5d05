import type { Key } from 'ink';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { sparkline } from '../components/sparkline';
import { splitKeys } from '../contexts/keypress';
import { Command, GLOBAL_HELP, KEY_BINDINGS, bindingFor, fitHelpItems, helpText, matches } from '../keys';

const none: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false } as Key;
const key = (k: Partial<Key>): Key => ({ ...none, ...k });

// Keys each screen mode offers together; none may share a key.
const MODES: Record<string, Command[]> = {
  app: [Command.Quit, Command.NextScreen, Command.PrevScreen, Command.GoToScreen],
  dashboard: [Command.SyncNow, Command.PauseResume, Command.Refresh],
  errors: [Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Open, Command.Retry, Command.Dismiss, Command.ShowAll],
  errorDetail: [Command.Retry, Command.Dismiss, Command.Back],
  orders: [Command.Up, Command.Down, Command.Open, Command.Filter, Command.ClearFilter, Command.Ship],
  stock: [Command.Up, Command.Down, Command.Left, Command.Right, Command.Edit, Command.Add, Command.Why, Command.ReorderPoint, Command.StockAt, Command.Export, Command.Filter, Command.ClearFilter],
  carts: [Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Open, Command.StateFilter, Command.ClearFilter],
  cartDetail: [Command.Back],
  settings: [Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Edit, Command.Add, Command.Remove, Command.Test, Command.Replay],
  catalogue: [Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Link, Command.Ignore, Command.Add],
  plan: [Command.Up, Command.Down, Command.PageUp, Command.PageDown, Command.Refresh],
};

describe('key bindings', () => {
  it('every command has one entry with keys and a description', () => {
    for (const command of Object.values(Command)) {
      const entries = KEY_BINDINGS.filter((b) => b.command === command);
      expect(entries, command).toHaveLength(1);
      expect(entries[0]!.keys.length, command).toBeGreaterThan(0);
      expect(entries[0]!.description, command).not.toBe('');
    }
  });

  it('no two commands of one screen share a key (global keys included)', () => {
    for (const [mode, commands] of Object.entries(MODES)) {
      const all = mode === 'app' ? commands : [...commands, ...MODES.app!];
      const seen = new Map<string, Command>();
      for (const c of all) {
        for (const spec of bindingFor(c).keys) {
          const id = JSON.stringify(spec);
          expect(seen.get(id), `${mode}: ${c} and ${seen.get(id)} share ${id}`).toBeUndefined();
          seen.set(id, c);
        }
      }
    }
  });

  it('matches keys, named keys and modifiers exactly', () => {
    expect(matches(Command.Quit, 'q', none)).toBe(true);
    expect(matches(Command.Quit, 'c', key({ ctrl: true }))).toBe(true);
    expect(matches(Command.Quit, 'c', none)).toBe(false);
    expect(matches(Command.ClearFilter, 'c', key({ ctrl: true }))).toBe(false);
    expect(matches(Command.NextScreen, '', key({ tab: true }))).toBe(true);
    expect(matches(Command.NextScreen, '', key({ tab: true, shift: true }))).toBe(false);
    expect(matches(Command.PrevScreen, '', key({ tab: true, shift: true }))).toBe(true);
    expect(matches(Command.Up, 'k', none)).toBe(true);
    expect(matches(Command.Up, '', key({ upArrow: true }))).toBe(true);
    expect(matches(Command.GoToScreen, '9', none)).toBe(true);
    expect(matches(Command.GoToScreen, '0', none)).toBe(false);
    expect(matches(Command.Open, '', key({ return: true }))).toBe(true);
    expect(matches(Command.StateFilter, 'f', none)).toBe(true);
    expect(matches(Command.Test, 't', none)).toBe(true);
    expect(matches(Command.Replay, 'r', none)).toBe(true);
  });

  it('the help line is generated from the table', () => {
    expect(helpText([Command.Up, Command.Down, Command.Retry, ...GLOBAL_HELP])).toBe('↑↓ move  r retry  tab next screen  1-9 screens  q quit');
  });
});

describe('fitHelpItems', () => {
  const allCommands = Object.values(Command);
  test.prop([fc.subarray(allCommands), fc.integer({ min: 40, max: 200 })], { numRuns: 500 })('fits one line of any width from 40 columns and keeps quit', (commands, width) => {
    const items = fitHelpItems([...commands, ...GLOBAL_HELP], width);
    const line = items.map((i) => `${i.label} ${i.description}`).join('  ');
    expect([...line].length).toBeLessThanOrEqual(width);
    expect(line.endsWith('q quit')).toBe(true);
  });

  it('leaves a line that fits as it is', () => {
    expect(fitHelpItems([Command.Retry, ...GLOBAL_HELP], 80).map((i) => i.label)).toEqual(['r', 'tab', '1-9', 'q']);
  });
});

describe('splitKeys', () => {
  const blank = none;
  it('splits a chunk into one key per character, control characters as the keys they are', () => {
    const keys = splitKeys('aB\u007f\t\r\u0001', blank);
    expect(keys.map((k) => k.input)).toEqual(['a', 'B', '', '', '', 'a']);
    expect([keys[2]!.key.delete, keys[3]!.key.tab, keys[4]!.key.return, keys[5]!.key.ctrl, keys[1]!.key.shift]).toEqual([true, true, true, true, true]);
  });
  it('passes a single key and meta/ctrl keys on unchanged', () => {
    expect(splitKeys('q', blank)).toEqual([{ input: 'q', key: blank }]);
    const meta = { ...blank, meta: true };
    expect(splitKeys('xy', meta)).toEqual([{ input: 'xy', key: meta }]);
  });
});

describe('sparkline', () => {
  test.prop([fc.array(fc.integer({ min: -50, max: 1000 }), { maxLength: 300 }), fc.integer({ min: 0, max: 120 })], { numRuns: 500 })('is as wide as asked (or the values), in bars only, and marks the peak', (values, width) => {
    const line = sparkline(values, width);
    expect([...line]).toHaveLength(Math.min(width, values.length));
    expect([...line].every((ch) => '▁▂▃▄▅▆▇█'.includes(ch))).toBe(true);
    if (line.length && Math.max(...values) > Math.min(0, ...values)) expect(line).toContain('█');
  });

  it('draws the lowest bar for nothing and the full one for the busiest day', () => {
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe('▁▂▃▅█');
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁');
    expect(sparkline([0, 9, 0, 0, 0, 0], 3)).toBe('█▁▁');
    // Folded into one bucket, the smallest value (-1) still sets the floor: 0 is the peak.
    expect(sparkline([0, -1], 1)).toBe('█');
  });
});
