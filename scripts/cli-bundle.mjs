// How the CLI is bundled, shared by scripts/build.mjs and the tests' ensureCliBuilt (test/helpers.ts),
// so the binary the tests run is built exactly like the one `npm run build` makes.
//
// The CLI is split: dist/cli.mjs plus dist/chunks/. The terminal UI is loaded with a dynamic import
// and lives in its own chunk, so other commands never load it. Dependencies stay external
// (resolved from node_modules at run time) except the terminal UI's: Ink, React, react-reconciler
// and the small packages they import are bundled into the TUI chunk. Loading them from
// node_modules meant resolving and reading some hundred files and running React's CommonJS through
// the ESM loader, which was most of the TUI's launch time.
import { join } from 'node:path';

/** Packages bundled into the TUI chunk, together with everything they import. */
// TanStack Query is here too: loaded from node_modules it would import a second React beside the bundled one.
export const TUI_PACKAGES = ['ink', 'react', 'react-reconciler', 'scheduler', '@tanstack/react-query', '@tanstack/query-core'];

/**
 * Never bundled, even when a bundled package imports them: Ink's developer tools (loaded only with
 * DEV=true; react-devtools-core is not installed) and ws with its optional native add-ons.
 */
const ALWAYS_EXTERNAL = ['react-devtools-core', 'ws', 'bufferutil', 'utf-8-validate'];

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const fromNodeModules = (path) => /[\\/]node_modules[\\/]/.test(path);

/** esbuild plugin: bare imports are external, unless they are a TUI package or imported from one. */
export const bundleTuiPackages = {
  name: 'bundle-tui-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
      const name = packageName(args.path);
      if (ALWAYS_EXTERNAL.includes(name)) return { path: args.path, external: true };
      if (TUI_PACKAGES.includes(name) || fromNodeModules(args.importer)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

// Bundled CommonJS (react, signal-exit, …) may require() Node built-ins; an ES module has no
// require of its own, so each output file gets one.
const REQUIRE_BANNER = "import { createRequire as __backroomCreateRequire } from 'node:module'; const require = __backroomCreateRequire(import.meta.url);";

/** esbuild options for the CLI: entry `cli` (cli/main.ts) → `${outdir}/cli.mjs` and `${outdir}/chunks/`. */
export function cliBuildOptions(root, outdir = join(root, 'dist')) {
  return {
    entryPoints: { cli: join(root, 'cli', 'main.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [bundleTuiPackages],
    // React's production build: the development one is several times larger and slower to render.
    // Only bundled code sees this; nothing in Backroom's own sources reads NODE_ENV.
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: REQUIRE_BANNER },
    sourcemap: true,
    logLevel: 'warning',
  };
}
