// Builds what runs outside the test runner: the CLI bundle, the Electron main and preload
// bundles, and the renderer (Vite, about 3 s; skip it with --no-renderer). The CLI bundles its
// dependencies so a short command does not load them file by file (see scripts/cli-bundle.mjs).
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { cliBuildOptions } from './cli-bundle.mjs';

const common = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };

const targets = [
  // Split so the terminal UI (Ink and React), loaded with a dynamic import, lives in its own chunk and
  // other commands' cold start never loads it. The entry stays dist/cli.mjs; chunks go to dist/chunks/.
  cliBuildOptions('.', 'dist'),
  // The Electron main process is CommonJS, and several dependencies (lowdb, got, p-queue, env-paths)
  // are ESM only: they are bundled in. Electron and native/optional modules stay external.
  { ...common, packages: undefined, entryPoints: ['main/main.ts'], outfile: 'dist/main/main.cjs', format: 'cjs', external: ['electron', '@napi-rs/keyring', 'bufferutil', 'utf-8-validate'] },
  { ...common, entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs', format: 'cjs', external: ['electron'] },
];
const entryOf = (t) => (Array.isArray(t.entryPoints) ? t.entryPoints[0] : Object.values(t.entryPoints)[0]);
await Promise.all(targets.filter((t) => existsSync(entryOf(t))).map((t) => build(t)));

// The window's UI (renderer/ → dist/renderer): served by `backroom web`, the desktop app and the browser tests.
if (!process.argv.includes('--no-renderer') && existsSync('renderer/vite.config.ts')) {
  const vite = await import('vite').catch(() => null);
  if (vite) await vite.build({ configFile: 'renderer/vite.config.ts' });
  else console.warn('build: vite is not installed (production install?); the window UI in dist/renderer was not rebuilt.');
}
