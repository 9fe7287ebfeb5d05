// The desktop app's main process: one instance per user, which hosts the engine (or attaches to
// the one a daemon already runs on the same data folder), shows the window, and keeps a tray icon
// that keeps syncing after the window is closed. Thin on purpose: the logic lives in core/ and in
// tray.main.ts (tested without Electron); this file is wiring.
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, nativeImage, Notification, Tray, type BrowserWindow, type NativeImage } from 'electron';
import type { ApiClient, RawCall } from '../core/api/client';
import { dispatch } from '../core/api/server';
import type { EventName } from '../core/runtime/events';
import { hostOrAttach } from '../core/host/host';
import { resolveDataDir } from '../core/store/paths';
import { registerIpc, type IpcBackend } from './ipc.main';
import { createLowStockNotifications, type Notifier } from './low-stock-notify.main';
import { createTrayController, type TrayController, type TrayPort, type TrayState } from './tray.main';
import { createMainWindow, lockDownSession, registerAppScheme, rendererDirFrom, serveRenderer } from './window.main';

interface Backend extends IpcBackend {
  client: ApiClient;
  hosted: boolean;
  close(): Promise<void>;
}

const EVENTS: EventName[] = ['changed', 'job', 'state'];

/** Hosts the engine on the data folder, or attaches to the engine that already owns it. */
async function openBackend(dataDir: string): Promise<Backend> {
  // The desktop app expects to own the folder; a daemon already running there is attached to. A
  // command-line run holds the lock for a moment without serving, hence the wait.
  const reached = await hostOrAttach({ dataDir, serve: true, schedule: true, first: 'host', waitMs: 10_000, retryMs: 250 });
  if (reached.hosted) {
    const { host } = reached;
    return { client: host.client, hosted: true, call: (m, p) => dispatch(host.ctx, m, p), subscribe: (l) => host.ctx.events.onAny(l), close: () => host.close() };
  }
  const { client } = reached;
  const subscribe: IpcBackend['subscribe'] = (l) => {
    const offs = EVENTS.map((name) => client.on(name, (payload) => l(name, payload)));
    return () => offs.forEach((off) => off());
  };
  return { client, hosted: false, call: (m, p) => (client.call as unknown as RawCall)(m, p), subscribe, close: () => client.close() };
}

/** Electron's notifications behind the notifier port; each is kept until closed, so its click still arrives. */
function electronNotifier(icon: string): Notifier | null {
  if (!Notification.isSupported()) return null;
  const live = new Set<Notification>();
  return {
    show: ({ title, body }, onClick) => {
      const n = new Notification({ title, body, icon });
      live.add(n);
      n.on('click', onClick);
      n.on('close', () => live.delete(n));
      n.show();
    },
  };
}

function trayIcons(assets: string): (state: TrayState) => NativeImage {
  const cache = new Map<TrayState, NativeImage>();
  return (state) => {
    let image = cache.get(state);
    if (!image) {
      image = nativeImage.createFromPath(join(assets, `tray-${state}.png`));
      if (process.platform === 'darwin') image = image.resize({ width: 18, height: 18 });
      cache.set(state, image);
    }
    return image;
  };
}

function electronTray(icon: (state: TrayState) => NativeImage, initial: TrayState): TrayPort {
  const tray = new Tray(icon(initial));
  return {
    setIcon: (state) => tray.setImage(icon(state)),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items, onClick) =>
      tray.setContextMenu(
        Menu.buildFromTemplate(
          items.map((item) =>
            item.type === 'separator'
              ? { type: 'separator' as const }
              : { label: item.label, type: item.type, enabled: item.enabled, checked: item.checked, click: item.action ? () => onClick(item.action!) : undefined },
          ),
        ),
      ),
    onClick: (handler) => tray.on('click', handler),
    destroy: () => tray.destroy(),
  };
}

async function start(): Promise<void> {
  let win: BrowserWindow | null = null;
  let tray: TrayController | null = null;
  let backend: Backend | null = null;
  let quitting = false;
  const startHidden = process.argv.includes('--hidden') || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  const assets = join(app.getAppPath(), 'assets');

  const showWindow = () => {
    if (!win || win.isDestroyed()) win = openWindow(false);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    tray?.refresh();
  };
  const openWindow = (hidden: boolean) => {
    const w = createMainWindow({ preload: join(__dirname, 'preload.cjs'), icon: join(assets, 'icon.png'), hidden });
    w.on('close', (event) => {
      if (quitting) return;
      event.preventDefault(); // closing the window keeps Backroom syncing in the tray
      w.hide();
      tray?.refresh();
    });
    w.on('show', () => tray?.refresh());
    w.on('hide', () => tray?.refresh());
    return w;
  };

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => undefined); // stay in the tray
  app.on('before-quit', () => {
    quitting = true;
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !backend) return;
    event.preventDefault();
    closed = true;
    tray?.destroy();
    void backend.close().finally(() => app.quit());
  });

  await app.whenReady();
  lockDownSession();
  serveRenderer(rendererDirFrom(app.getAppPath()));

  const dataDir = resolveDataDir(undefined, process.env);
  try {
    backend = await openBackend(dataDir);
  } catch (error) {
    dialog.showErrorBox('Backroom cannot start', (error as Error).message);
    app.exit(1);
    return;
  }
  const client = backend.client;
  registerIpc(ipcMain, backend, () => (win && !win.isDestroyed() ? win.webContents : null));

  const loginSupported = process.platform === 'darwin' || process.platform === 'win32';
  const initial = await client.call('engine.state').catch(() => null);
  tray = createTrayController({
    initialState: initial?.state ?? 'ok',
    initialDetail: { paused: initial?.paused },
    createTray: (state) => electronTray(trayIcons(assets), state),
    onState: (listener) => client.on('state', (e) => listener(e.state, { paused: e.paused, reason: e.reason })),
    actions: {
      syncNow: () => client.call('sync.run', {}),
      pause: () => client.call('engine.pause'),
      resume: () => client.call('engine.resume'),
      showWindow,
      hideWindow: () => win?.hide(),
      isWindowVisible: () => Boolean(win && !win.isDestroyed() && win.isVisible()),
      quit: () => app.quit(),
      getStartAtLogin: () => (loginSupported ? app.getLoginItemSettings().openAtLogin : null),
      setStartAtLogin: (on) => {
        if (loginSupported) app.setLoginItemSettings({ openAtLogin: on, args: ['--hidden'] });
      },
      reportError: (error) => dialog.showErrorBox('Backroom', (error as Error).message ?? String(error)),
    },
  });
  // One desktop notification per low-stock crossing (main/low-stock-notify.main.ts decides which).
  createLowStockNotifications({
    fetchAlerts: () => client.call('alerts.list', {}),
    onChanged: (listener) => client.on('changed', (e) => (e.area === 'stock' || e.area === 'issues') && listener()),
    createNotifier: () => electronNotifier(join(assets, 'icon.png')),
    openWindow: showWindow,
    startedAt: new Date(),
  });
  win = openWindow(startHidden);
}

registerAppScheme();
if (!app.requestSingleInstanceLock()) {
  // Another Backroom window already runs for this user: it gets focus (second-instance), this one leaves.
  app.quit();
} else {
  void start();
}
