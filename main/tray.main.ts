// The tray icon: shows the engine's state (ok / syncing / needs attention / paused, from core's health) and offers Sync now,
// Pause/Resume, Open/Hide, Start at login and Quit. Built on an injectable port so its logic is
// tested without Electron (main.ts supplies the real Tray and Menu). Linux tray clicks are
// unreliable, so Open/Hide is always in the menu rather than only on click.
export type TrayState = 'ok' | 'syncing' | 'errors' | 'paused';
export type TrayAction = 'sync' | 'pause' | 'resume' | 'show' | 'hide' | 'login' | 'quit';

export interface TrayMenuItem {
  /** The action a click runs; absent for labels and separators. */
  action?: TrayAction;
  label: string;
  type: 'normal' | 'separator' | 'checkbox';
  enabled: boolean;
  checked?: boolean;
}

export interface TrayView {
  state: TrayState;
  /** Paused is told apart: a shop needing attention outranks "paused" in `state`, and the menu must still offer Resume. */
  paused?: boolean;
  /** The health's reason in words ("Main shop: the shop refused Backroom's keys — …"). */
  reason?: string;
  windowVisible: boolean;
  /** null where the platform has no login items (Linux): the item is left out. */
  startAtLogin: boolean | null;
}

const STATUS_LINE: Record<TrayState, string> = {
  ok: 'Backroom: all in step',
  syncing: 'Backroom: syncing…',
  errors: 'Backroom: needs attention',
  paused: 'Backroom: syncing paused',
};

/** Windows cuts tray tooltips at 127 characters; menu labels stay readable at the same length. */
const MAX_LINE = 120;

/** The tray's status line: the state in words, with the health's reason when something needs attention. */
export function trayTooltip(state: TrayState, reason?: string, paused = false): string {
  let line = STATUS_LINE[state];
  if (paused && state !== 'paused') line = `${line} (syncing paused)`;
  if (state === 'errors' && reason) line = `${line} — ${reason}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** The menu for a state, as data. */
export function trayMenuModel(view: TrayView): TrayMenuItem[] {
  const paused = view.paused ?? view.state === 'paused';
  const items: TrayMenuItem[] = [
    { label: trayTooltip(view.state, view.reason, paused), type: 'normal', enabled: false },
    { type: 'separator', label: '', enabled: true },
    { action: 'sync', label: view.state === 'syncing' ? 'Syncing…' : 'Sync now', type: 'normal', enabled: !paused && view.state !== 'syncing' },
    paused ? { action: 'resume', label: 'Resume syncing', type: 'normal', enabled: true } : { action: 'pause', label: 'Pause syncing', type: 'normal', enabled: true },
    { type: 'separator', label: '', enabled: true },
    view.windowVisible ? { action: 'hide', label: 'Hide Backroom', type: 'normal', enabled: true } : { action: 'show', label: 'Open Backroom', type: 'normal', enabled: true },
  ];
  if (view.startAtLogin !== null) items.push({ action: 'login', label: 'Start at login', type: 'checkbox', enabled: true, checked: view.startAtLogin });
  items.push({ type: 'separator', label: '', enabled: true }, { action: 'quit', label: 'Quit Backroom (stops syncing)', type: 'normal', enabled: true });
  return items;
}

/** What the controller needs of a tray icon. */
export interface TrayPort {
  setIcon(state: TrayState): void;
  setToolTip(text: string): void;
  setMenu(items: TrayMenuItem[], onClick: (action: TrayAction) => void): void;
  /** A click on the icon itself (where the platform reports one). */
  onClick(handler: () => void): void;
  destroy(): void;
}

export interface TrayActions {
  syncNow(): Promise<unknown>;
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
  showWindow(): void;
  hideWindow(): void;
  isWindowVisible(): boolean;
  quit(): void;
  /** null where the platform has no login items. */
  getStartAtLogin(): boolean | null;
  setStartAtLogin(on: boolean): void;
  /** Where a failed action is reported (e.g. a dialog or the log). */
  reportError(error: unknown): void;
}

export interface TrayDeps {
  createTray(initial: TrayState): TrayPort;
  actions: TrayActions;
  /** Engine `state` events (with whether it is paused and the health's reason); returns the unsubscribe function. */
  onState(listener: (state: TrayState, detail?: { paused?: boolean; reason?: string }) => void): () => void;
  initialState: TrayState;
  initialDetail?: { paused?: boolean; reason?: string };
}

export interface TrayController {
  readonly state: TrayState;
  /** Re-renders the menu (e.g. after the window was shown or hidden). */
  refresh(): void;
  destroy(): void;
}

/** Creates the tray and keeps it in step with the engine. The tray outlives the window. */
export function createTrayController(deps: TrayDeps): TrayController {
  const { actions } = deps;
  let state = deps.initialState;
  let detail = deps.initialDetail ?? {};
  const tray = deps.createTray(state);

  const run = (action: TrayAction) => {
    const guard = (p: Promise<unknown>) => p.catch((error: unknown) => actions.reportError(error));
    switch (action) {
      case 'sync':
        void guard(actions.syncNow());
        break;
      case 'pause':
        void guard(actions.pause());
        break;
      case 'resume':
        void guard(actions.resume());
        break;
      case 'show':
        actions.showWindow();
        break;
      case 'hide':
        actions.hideWindow();
        break;
      case 'login':
        actions.setStartAtLogin(!(actions.getStartAtLogin() ?? false));
        break;
      case 'quit':
        actions.quit();
        return;
    }
    render();
  };

  const render = () => {
    tray.setIcon(state);
    const paused = detail.paused ?? state === 'paused';
    tray.setToolTip(trayTooltip(state, detail.reason, paused));
    tray.setMenu(trayMenuModel({ state, paused, reason: detail.reason, windowVisible: actions.isWindowVisible(), startAtLogin: actions.getStartAtLogin() }), run);
  };

  tray.onClick(() => {
    if (actions.isWindowVisible()) actions.hideWindow();
    else actions.showWindow();
    render();
  });
  const off = deps.onState((next, nextDetail) => {
    state = next;
    detail = nextDetail ?? {};
    render();
  });
  render();

  return {
    get state() {
      return state;
    },
    refresh: render,
    destroy() {
      off();
      tray.destroy();
    },
  };
}
