import type { Key } from 'ink';

/**
 * Every key binding of the terminal UI, as data. Screens act on commands, never on raw keys, and
 * the help line on every screen is generated from this table, so the two cannot disagree.
 */
export enum Command {
  Quit = 'quit',
  NextScreen = 'nextScreen',
  PrevScreen = 'prevScreen',
  GoToScreen = 'goToScreen',
  Up = 'up',
  Down = 'down',
  PageUp = 'pageUp',
  PageDown = 'pageDown',
  Left = 'left',
  Right = 'right',
  Open = 'open',
  Back = 'back',
  Retry = 'retry',
  Dismiss = 'dismiss',
  ShowAll = 'showAll',
  SyncNow = 'syncNow',
  PauseResume = 'pauseResume',
  Filter = 'filter',
  ClearFilter = 'clearFilter',
  Ship = 'ship',
  Edit = 'edit',
  Add = 'add',
  Remove = 'remove',
  Refresh = 'refresh',
  StateFilter = 'stateFilter',
  Test = 'test',
  Replay = 'replay',
  Connection = 'connection',
  Why = 'why',
  ReorderPoint = 'reorderPoint',
  StockAt = 'stockAt',
  Export = 'export',
  Link = 'link',
  Ignore = 'ignore',
  // In forms.
  Submit = 'submit',
  Cancel = 'cancel',
  NextField = 'nextField',
  PrevField = 'prevField',
}

/** One key: a printable character, or a named key from Ink's Key (with modifiers). */
export interface KeySpec {
  input?: string;
  key?: 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'return' | 'escape' | 'tab';
  ctrl?: boolean;
  shift?: boolean;
}

export interface Binding {
  command: Command;
  keys: KeySpec[];
  /** How the keys are written in the help line. */
  label: string;
  description: string;
}

const chars = (s: string): KeySpec[] => [...s].map((input) => ({ input }));

export const KEY_BINDINGS: readonly Binding[] = [
  { command: Command.Quit, keys: [{ input: 'q' }, { input: 'c', ctrl: true }], label: 'q', description: 'quit' },
  { command: Command.NextScreen, keys: [{ key: 'tab' }], label: 'tab', description: 'next screen' },
  { command: Command.PrevScreen, keys: [{ key: 'tab', shift: true }], label: 'shift+tab', description: 'previous screen' },
  { command: Command.GoToScreen, keys: chars('123456789'), label: '1-9', description: 'screens' },
  { command: Command.Up, keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑↓', description: 'move' },
  { command: Command.Down, keys: [{ key: 'downArrow' }, { input: 'j' }], label: '↓', description: 'move down' },
  { command: Command.PageUp, keys: [{ key: 'pageUp' }], label: 'pgup/pgdn', description: 'page' },
  { command: Command.PageDown, keys: [{ key: 'pageDown' }], label: 'pgdn', description: 'next page' },
  { command: Command.Left, keys: [{ key: 'leftArrow' }], label: '←→', description: 'column' },
  { command: Command.Right, keys: [{ key: 'rightArrow' }], label: '→', description: 'next column' },
  { command: Command.Open, keys: [{ key: 'return' }], label: 'enter', description: 'details' },
  { command: Command.Back, keys: [{ key: 'escape' }, { input: 'b' }], label: 'esc', description: 'back' },
  { command: Command.Retry, keys: [{ input: 'r' }], label: 'r', description: 'retry' },
  { command: Command.Dismiss, keys: [{ input: 'd' }], label: 'd', description: 'dismiss' },
  { command: Command.ShowAll, keys: [{ input: 'a' }], label: 'a', description: 'show dismissed' },
  { command: Command.SyncNow, keys: [{ input: 's' }], label: 's', description: 'sync now' },
  { command: Command.PauseResume, keys: [{ input: 'p' }], label: 'p', description: 'pause/resume' },
  { command: Command.Filter, keys: [{ input: 'f' }], label: 'f', description: 'filter' },
  { command: Command.ClearFilter, keys: [{ input: 'c' }], label: 'c', description: 'clear filter' },
  { command: Command.Ship, keys: [{ input: 'n' }], label: 'n', description: 'new shipment' },
  { command: Command.Edit, keys: [{ input: 'e' }], label: 'e', description: 'edit' },
  { command: Command.Add, keys: [{ input: 'a' }], label: 'a', description: 'add' },
  { command: Command.Remove, keys: [{ input: 'x' }], label: 'x', description: 'remove' },
  { command: Command.Refresh, keys: [{ input: 'g' }], label: 'g', description: 'refresh' },
  { command: Command.StateFilter, keys: [{ input: 'f' }], label: 'f', description: 'next state' },
  { command: Command.Test, keys: [{ input: 't' }], label: 't', description: 'test' },
  { command: Command.Replay, keys: [{ input: 'r' }], label: 'r', description: 'replay' },
  { command: Command.Connection, keys: [{ input: 'c' }], label: 'c', description: 'address/keys' },
  { command: Command.Why, keys: [{ input: 'w' }], label: 'w', description: 'why (its story)' },
  { command: Command.ReorderPoint, keys: [{ input: 'o' }], label: 'o', description: 'reorder point' },
  { command: Command.StockAt, keys: [{ input: 'h' }], label: 'h', description: 'stock on a past day' },
  { command: Command.Export, keys: [{ input: 'v' }], label: 'v', description: 'export CSV' },
  { command: Command.Link, keys: [{ input: 'l' }], label: 'l', description: 'link to a SKU' },
  { command: Command.Ignore, keys: [{ input: 'i' }], label: 'i', description: 'ignore' },
  { command: Command.Submit, keys: [{ key: 'return' }], label: 'enter', description: 'save' },
  { command: Command.Cancel, keys: [{ key: 'escape' }], label: 'esc', description: 'cancel' },
  { command: Command.NextField, keys: [{ key: 'tab' }, { key: 'downArrow' }], label: 'tab', description: 'next field' },
  { command: Command.PrevField, keys: [{ key: 'tab', shift: true }, { key: 'upArrow' }], label: 'shift+tab', description: 'previous field' },
];

const byCommand = new Map(KEY_BINDINGS.map((b) => [b.command, b]));

export function bindingFor(command: Command): Binding {
  return byCommand.get(command)!;
}

function keyMatches(spec: KeySpec, input: string, key: Key): boolean {
  if (Boolean(spec.ctrl) !== Boolean(key.ctrl)) return false;
  if (spec.key) {
    if (!key[spec.key]) return false;
    // Shift only matters where the binding says so (tab vs shift+tab).
    return spec.key !== 'tab' || Boolean(spec.shift) === Boolean(key.shift);
  }
  return !key.meta && input === spec.input;
}

/** Whether a keypress is one of the command's keys. */
export function matches(command: Command, input: string, key: Key): boolean {
  return bindingFor(command).keys.some((spec) => keyMatches(spec, input, key));
}

/** Commands listed in every screen's help line after the screen's own. */
export const GLOBAL_HELP: readonly Command[] = [Command.NextScreen, Command.GoToScreen, Command.Quit];

/** Commands that pair up in the help line: the first's label covers both. */
const PAIRED = new Set([Command.Down, Command.PageDown, Command.Right, Command.PrevScreen, Command.PrevField]);

/** The help line: `label description` for each command, in order, generated from KEY_BINDINGS. */
export function helpItems(commands: readonly Command[]): { label: string; description: string }[] {
  return commands.filter((c) => !PAIRED.has(c)).map((c) => ({ label: bindingFor(c).label, description: bindingFor(c).description }));
}

export function helpText(commands: readonly Command[]): string {
  return joinHelp(helpItems(commands));
}

type HelpItem = { label: string; description: string };
const HELP_GAP = 2;
const joinHelp = (items: readonly HelpItem[]) => items.map((i) => `${i.label} ${i.description}`).join(' '.repeat(HELP_GAP));

/** Terminal columns of a help item (the arrows are one column each). */
const itemWidth = (item: HelpItem) => [...`${item.label} ${item.description}`].length;

/**
 * The help line for a terminal `width` columns wide, on one line: everything when it fits;
 * otherwise the screen switch is written once ("tab/1-9 screens") and the screen's own keys are
 * kept in order for as long as they fit, with quit always last so the way out is never hidden.
 */
export function fitHelpItems(commands: readonly Command[], width: number): HelpItem[] {
  const all = helpItems(commands);
  if ([...joinHelp(all)].length <= width) return all;
  const quit = all.find((i) => i.label === bindingFor(Command.Quit).label && i.description === bindingFor(Command.Quit).description);
  const switching = commands.includes(Command.NextScreen) || commands.includes(Command.GoToScreen);
  const own = helpItems(commands.filter((c) => c !== Command.Quit && c !== Command.NextScreen && c !== Command.GoToScreen && c !== Command.PrevScreen));
  const tail: HelpItem[] = [...(switching ? [{ label: `${bindingFor(Command.NextScreen).label}/${bindingFor(Command.GoToScreen).label}`, description: 'screens' }] : []), ...(quit ? [quit] : [])];
  let used = tail.reduce((sum, item) => sum + itemWidth(item) + HELP_GAP, -HELP_GAP);
  const kept: HelpItem[] = [];
  for (const item of own) {
    const cost = itemWidth(item) + (used > 0 || kept.length ? HELP_GAP : 0);
    if (used + cost > width) continue;
    kept.push(item);
    used += cost;
  }
  return [...kept, ...tail];
}
