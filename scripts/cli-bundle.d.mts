import type { BuildOptions, Plugin } from 'esbuild';

/** Packages bundled into the terminal UI's chunk, with everything they import. */
export declare const TUI_PACKAGES: readonly string[];
/** esbuild plugin: bare imports are external, unless they are a TUI package or imported from one. */
export declare const bundleTuiPackages: Plugin;
/** esbuild options for the CLI: dist/cli.mjs and dist/chunks/ (the terminal UI in its own chunk). */
export declare function cliBuildOptions(root: string, outdir?: string): BuildOptions & { outdir: string };
