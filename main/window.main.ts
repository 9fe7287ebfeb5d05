// The desktop window and the protocol its UI is served from. Security as the house style asks:
// context isolation, sandbox, no Node integration, preload only; no new windows, no navigation
// away, no permissions; the UI comes from app://backroom/ (with a path check and a CSP header),
// never from file://.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { BrowserWindow, protocol, session, type Session } from 'electron';
import { staticPath } from '../core/api/http-transport';
import { APP_ORIGIN, APP_SCHEME } from './ipc.shared';

export const WINDOW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Must run before `app.whenReady()`: makes app:// a standard, secure scheme. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves dist/renderer on app://backroom/; anything outside it, or on another host, is a 404. */
export function serveRenderer(rendererDir: string, ses: Session = session.defaultSession): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'backroom' ? staticPath(rendererDir, url.pathname) : null;
    const headers = { 'content-security-policy': WINDOW_CSP, 'x-content-type-options': 'nosniff' };
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { ...headers, 'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' } });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  });
}

/** Denies every permission (camera, notifications, geolocation, …): the UI needs none. */
export function lockDownSession(ses: Session = session.defaultSession): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export interface WindowOptions {
  preload: string;
  icon?: string;
  /** Start hidden (start at login, `--hidden`). */
  hidden?: boolean;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1240,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Backroom',
    backgroundColor: '#f6f5f2',
    icon: options.icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  if (!options.hidden) win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

export const rendererDirFrom = (appPath: string) => join(appPath, 'dist', 'renderer');
