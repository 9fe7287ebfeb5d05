// Playwright suites (README: `npm test` runs them after vitest).
// - browser: the renderer in real Chromium, through the HTTP/WebSocket transport, against a real
//   engine and a WooCommerce sandbox (test/browser/serve.ts). Uses the system Chromium
//   (apt-get install chromium); never downloads a browser.
// - electron: the desktop app through Playwright's _electron; skips itself, saying so, where the
//   Electron binary is not installed (build machines cannot download it).
import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Say once, in the runner (not in each worker), why the desktop suite will skip.
const electronPath = 'node_modules/electron/path.txt';
const electronPresent = existsSync(electronPath) && existsSync(`node_modules/electron/dist/${readFileSync(electronPath, 'utf8').trim()}`);
if (!electronPresent && process.env.TEST_WORKER_INDEX === undefined) {
  process.stderr.write('Playwright project "electron": SKIPPED — the Electron binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD). The renderer is covered by the "browser" project.\n');
}

export default defineConfig({
  testDir: 'test/browser',
  outputDir: 'test-results/playwright',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  forbidOnly: Boolean(process.env.CI),
  projects: [
    {
      name: 'browser',
      testMatch: /.*\.browser\.pw\.ts$/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 860 },
        launchOptions: {
          executablePath: existsSync(chromium) ? chromium : undefined,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
        trace: 'off',
        screenshot: 'only-on-failure',
      },
    },
    {
      name: 'electron',
      testMatch: /.*\.electron\.pw\.ts$/,
    },
  ],
});
