// The tray's logic, without Electron: the menu for each engine state, clicks running the right
// actions, and the icon following `state` events.
import { describe, expect, it, vi } from 'vitest';
import { createTrayController, trayMenuModel, type TrayAction, type TrayMenuItem, type TrayState } from './tray.main';

const labels = (items: TrayMenuItem[]) => items.filter((i) => i.type !== 'separator').map((i) => i.label);
const item = (items: TrayMenuItem[], action: TrayAction) => items.find((i) => i.action === action);

describe('tray menu model', () => {
  it('offers Sync now, Pause, Open, Start at login and Quit when all is well', () => {
    const items = trayMenuModel({ state: 'ok', windowVisible: false, startAtLogin: false });
    expect(labels(items)).toEqual(['Backroom: all in step', 'Sync now', 'Pause syncing', 'Open Backroom', 'Start at login', 'Quit Backroom (stops syncing)']);
    expect(item(items, 'sync')!.enabled).toBe(true);
    expect(item(items, 'login')).toMatchObject({ type: 'checkbox', checked: false });
    expect(items[0]!.enabled).toBe(false);
  });

  it('turns Pause into Resume and disables Sync now while paused', () => {
    const items = trayMenuModel({ state: 'paused', windowVisible: true, startAtLogin: true });
    expect(item(items, 'pause')).toBeUndefined();
    expect(item(items, 'resume')!.label).toBe('Resume syncing');
    expect(item(items, 'sync')!.enabled).toBe(false);
    expect(item(items, 'hide')!.label).toBe('Hide Backroom');
    expect(item(items, 'login')!.checked).toBe(true);
  });

  it('shows syncing and errors in its status line; no second sync while one runs', () => {
    const syncing = trayMenuModel({ state: 'syncing', windowVisible: false, startAtLogin: null });
    expect(syncing[0]!.label).toBe('Backroom: syncing…');
    expect(item(syncing, 'sync')).toMatchObject({ label: 'Syncing…', enabled: false });
    expect(trayMenuModel({ state: 'errors', windowVisible: false, startAtLogin: null })[0]!.label).toBe('Backroom: needs attention');
  });

  it('leaves out Start at login where the platform has none', () => {
    expect(item(trayMenuModel({ state: 'ok', windowVisible: false, startAtLogin: null }), 'login')).toBeUndefined();
  });
});

function fakeTray(initialState: TrayState = 'ok', visible = false) {
  let stateListener: (s: TrayState) => void = () => undefined;
  let clickHandler: () => void = () => undefined;
  const port = {
    icon: initialState as TrayState,
    tooltip: '',
    menu: [] as TrayMenuItem[],
    onMenu: (_a: TrayAction) => undefined as void,
    destroyed: false,
  };
  const actions = {
    windowVisible: visible,
    startAtLogin: false as boolean | null,
    syncNow: vi.fn(async () => undefined),
    pause: vi.fn(async () => undefined),
    resume: vi.fn(async () => undefined),
    showWindow: vi.fn(() => void (actions.windowVisible = true)),
    hideWindow: vi.fn(() => void (actions.windowVisible = false)),
    isWindowVisible: () => actions.windowVisible,
    quit: vi.fn(),
    getStartAtLogin: () => actions.startAtLogin,
    setStartAtLogin: vi.fn((on: boolean) => void (actions.startAtLogin = on)),
    reportError: vi.fn(),
  };
  const unsubscribe = vi.fn();
  const controller = createTrayController({
    initialState,
    actions,
    onState: (l) => {
      stateListener = l;
      return unsubscribe;
    },
    createTray: () => ({
      setIcon: (s) => void (port.icon = s),
      setToolTip: (t) => void (port.tooltip = t),
      setMenu: (items, onClick) => {
        port.menu = items;
        port.onMenu = onClick;
      },
      onClick: (h) => void (clickHandler = h),
      destroy: () => void (port.destroyed = true),
    }),
  });
  return { port, actions, controller, unsubscribe, emit: (s: TrayState) => stateListener(s), clickIcon: () => clickHandler() };
}

describe('tray controller', () => {
  it('follows state events: icon, tooltip and menu', () => {
    const t = fakeTray('ok');
    expect(t.port.icon).toBe('ok');
    t.emit('syncing');
    expect(t.port.icon).toBe('syncing');
    expect(t.port.tooltip).toBe('Backroom: syncing…');
    t.emit('paused');
    expect(t.port.icon).toBe('paused');
    expect(item(t.port.menu, 'resume')).toBeDefined();
    t.emit('errors');
    expect(t.controller.state).toBe('errors');
    expect(t.port.tooltip).toBe('Backroom: needs attention');
  });

  it('runs the action of each menu item', () => {
    const t = fakeTray('ok');
    t.port.onMenu('sync');
    expect(t.actions.syncNow).toHaveBeenCalledTimes(1);
    t.port.onMenu('pause');
    expect(t.actions.pause).toHaveBeenCalledTimes(1);
    t.port.onMenu('resume');
    expect(t.actions.resume).toHaveBeenCalledTimes(1);
    t.port.onMenu('show');
    expect(t.actions.showWindow).toHaveBeenCalled();
    expect(item(t.port.menu, 'hide')).toBeDefined(); // the menu now offers Hide
    t.port.onMenu('hide');
    expect(item(t.port.menu, 'show')).toBeDefined();
    t.port.onMenu('login');
    expect(t.actions.setStartAtLogin).toHaveBeenCalledWith(true);
    expect(item(t.port.menu, 'login')!.checked).toBe(true);
    t.port.onMenu('quit');
    expect(t.actions.quit).toHaveBeenCalledTimes(1);
  });

  it('a click on the icon toggles the window', () => {
    const t = fakeTray('ok', false);
    t.clickIcon();
    expect(t.actions.showWindow).toHaveBeenCalledTimes(1);
    t.clickIcon();
    expect(t.actions.hideWindow).toHaveBeenCalledTimes(1);
  });

  it('reports a failed action instead of throwing', async () => {
    const t = fakeTray('ok');
    const boom = new Error('engine gone');
    t.actions.syncNow.mockRejectedValueOnce(boom);
    t.port.onMenu('sync');
    await vi.waitFor(() => expect(t.actions.reportError).toHaveBeenCalledWith(boom));
  });

  it('stops listening and removes the icon on destroy', () => {
    const t = fakeTray('ok');
    t.controller.destroy();
    expect(t.unsubscribe).toHaveBeenCalled();
    expect(t.port.destroyed).toBe(true);
  });
});
