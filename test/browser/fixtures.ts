// Playwright fixtures: each test gets its own Backroom (engine + sandbox shop + HTTP transport on a
// fresh temp data directory), started as a child process from serve.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import type { ServeInfo } from './serve';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENS = join(ROOT, 'test-results', 'screens');

export interface Backroom {
  info: ServeInfo;
  /** Calls the API over HTTP as another front end would (the CLI, a second window). */
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** Opens the page with the one-time key in the fragment and waits for the dashboard. */
  open(page: Page): Promise<void>;
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; info: ServeInfo }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'browser', 'serve.ts'), dataDir], {
      cwd: ROOT,
      env: { ...process.env, BACKROOM_SECRETS: 'file', NODE_ENV: 'production' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) resolvePromise({ child, info: JSON.parse(out.slice(0, newline)) as ServeInfo });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('exit', (code) => reject(new Error(`serve.ts exited with ${code} before it was ready:\n${err}`)));
  });
}

export const test = base.extend<{ backroom: Backroom }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function asks for from its first parameter
  backroom: async ({}, use) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'br-pw-'));
    const { child, info } = await startServer(dataDir);
    const call = async <T,>(method: string, params: unknown = {}): Promise<T> => {
      const res = await fetch(`${info.url}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${info.token}` },
        body: JSON.stringify(params),
      });
      const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
      if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
      return body.result as T;
    };
    const open = async (page: Page) => {
      await page.goto(info.pageUrl);
      await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
    };
    await use({ info, call, open });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  },
});

export { expect };
