import type { BuildOptions, Plugin } from 'esbuild';

/** Packages resolved from node_modules at run time; every other dependency is bundled. */
export declare const NEVER_BUNDLED: readonly string[];
/** esbuild plugin: bare imports are bundled, except NEVER_BUNDLED (and zod's translations are left out). */
export declare const bundleDependencies: Plugin;
/** esbuild options for the CLI: dist/cli.mjs and dist/chunks/ (the terminal UI in its own chunk). */
export declare function cliBuildOptions(root: string, outdir?: string): BuildOptions & { outdir: string };
