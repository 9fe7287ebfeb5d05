// How the CLI is bundled, shared by scripts/build.mjs and the tests' ensureCliBuilt (test/helpers.ts),
// so the binary the tests run is built exactly like the one `npm run build` makes.
//
// The CLI is split: dist/cli.mjs plus dist/chunks/. What only some commands need (the terminal UI,
// the shop and CRM connectors, the practice shops) is loaded with a dynamic import and lives in its
// own chunks, so other commands never load it. Dependencies are bundled in too: loaded from
// node_modules, a short command such as `status` resolved, read and compiled some hundred files
// one by one through the ESM loader (zod alone is ninety), which was a third of its run. Only the
// packages in NEVER_BUNDLED are resolved from node_modules at run time.
import { join } from 'node:path';

/**
 * Resolved from node_modules at run time: native add-ons and the packages with optional native
 * parts (the OS keychain binding; ws with bufferutil and utf-8-validate; pg with pg-native, and
 * pg-boss on it), Ink's developer tools (loaded only with DEV=true; react-devtools-core is not
 * installed) and Electron. Only commands that use them load them (keychain, `web`, `migrate`).
 */
export const NEVER_BUNDLED = ['@napi-rs/keyring', 'ws', 'bufferutil', 'utf-8-validate', 'pg', 'pg-boss', 'pg-native', 'react-devtools-core', 'electron'];

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * esbuild plugin: bare imports are bundled, except NEVER_BUNDLED. zod's sixty translations of its
 * messages are left out (Backroom words its messages in English; zod's English default is kept):
 * `z.locales` holds them all, and it is one namespace object, so it cannot be tree-shaken.
 */
export const bundleDependencies = {
  name: 'bundle-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
      if (NEVER_BUNDLED.includes(packageName(args.path))) return { path: args.path, external: true };
      return undefined;
    });
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";\n', loader: 'js' }));
  },
};

// Bundled CommonJS (react, commander, proper-lockfile, …) may require() Node built-ins; an ES module
// has no require of its own, so each output file gets one.
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
    plugins: [bundleDependencies],
    // React's production build: the development one is several times larger and slower to render.
    // Only bundled code sees this; nothing in Backroom's own sources reads NODE_ENV.
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: REQUIRE_BANNER },
    sourcemap: true,
    logLevel: 'warning',
  };
}
