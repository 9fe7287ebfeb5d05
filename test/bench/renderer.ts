// Renderer bench (issue 13): the window's initial bundle (what index.html loads before anything
// else: its scripts, module preloads and style sheets, gzip-compressed as a server would send them)
// and the first meaningful paint of the dashboard in Chromium: from navigation to the Dashboard
// heading with its figures, against a real engine and sandbox shop (test/browser/serve.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { ROOT } from '../helpers';
import type { ServeInfo } from '../browser/serve';
import { median, type Bench } from './types';

const RUNS = 7;
const DIST = join(ROOT, 'dist', 'renderer');

/** The files index.html loads up front (lazy chunks are left out: they load when their screen opens). */
export function initialFiles(html: string): string[] {
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]!);
  return refs.filter((ref) => !/^(data:|https?:)/.test(ref)).map((ref) => ref.replace(/^\.?\//, ''));
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; info: ServeInfo }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'browser', 'serve.ts'), dataDir], {
      cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file', NODE_ENV: 'production' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve({ child, info: JSON.parse(out.slice(0, newline)) as ServeInfo });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve.ts exited with ${code}: ${err.slice(-1000)}`)));
  });
}

export const rendererBench: Bench = {
  name: 'renderer',
  description: 'the window UI: initial bundle (gzip) and first meaningful paint of the dashboard in Chromium',
  async run(report, log) {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const files = initialFiles(html);
    let raw = Buffer.byteLength(html);
    let gzip = gzipSync(html).length;
    for (const file of files) {
      const bytes = readFileSync(join(DIST, file));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    log(`initial files: index.html, ${files.join(', ')}`);
    report({ label: 'renderer initial bundle (gzip)', value: gzip / 1024, unit: 'kB', target: 400, note: `${(raw / 1024).toFixed(0)} kB uncompressed` });

    const root = await mkdtemp(join(tmpdir(), 'backroom-bench-renderer-'));
    let server: ChildProcess | null = null;
    // The system Chromium, as the browser tests use (CHROMIUM_PATH overrides); never a download.
    const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    const browser = await chromium.launch({ executablePath: existsSync(executable) ? executable : undefined, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] }).catch((error: Error) => {
      log(`first paint not measured: Chromium could not start (${error.message.split('\n')[0]})`);
      return null;
    });
    try {
      if (!browser) return;
      const started = await startServer(join(root, 'data'));
      server = started.child;
      const paints: number[] = [];
      const contentful: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // A fresh context each time: nothing cached, as on opening the window.
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(started.info.pageUrl);
        await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor({ state: 'visible', timeout: 60_000 });
        // The dashboard's figures are in: its shop is named on the page.
        await page.getByText(started.info.shop).first().waitFor({ state: 'visible', timeout: 60_000 });
        const timing = await page.evaluate(() => ({
          now: performance.now(),
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        }));
        if (i > 0) {
          // The first run warms the server's file cache and Chromium's start-up; not counted.
          paints.push(timing.now);
          contentful.push(timing.fcp);
        }
        await context.close();
      }
      log(`dashboard with its figures, each run: ${paints.map((t) => t.toFixed(0)).join(', ')} ms after navigation`);
      report({ label: 'dashboard first meaningful paint in Chromium: median', value: median(paints), unit: 'ms', decimals: 0, note: `information (no target set); first contentful paint ${median(contentful).toFixed(0)} ms; ${paints.length} cold loads` });
    } finally {
      await browser?.close();
      if (server && server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server!.once('exit', resolve));
      }
      await rm(root, { recursive: true, force: true });
    }
  },
};
