// Builds what runs outside the test runner: the CLI bundle, the Electron main and preload
// bundles. Dependencies stay external (resolved from node_modules) so builds take well under a second.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };

const targets = [
  { ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.mjs', format: 'esm' },
  { ...common, entryPoints: ['main/main.ts'], outfile: 'dist/main/main.cjs', format: 'cjs', external: ['electron'] },
  { ...common, entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs', format: 'cjs', external: ['electron'] },
];
await Promise.all(targets.filter((t) => existsSync(t.entryPoints[0])).map((t) => build(t)));
