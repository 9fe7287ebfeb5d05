#!/usr/bin/env node
// Entry point for the `backroom` command. The CLI is bundled to dist/ by `npm run build`
// (run automatically by `npm install`), so start-up does not pay for a TypeScript loader.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('backroom: the CLI is not built yet. Run `npm install` (or `npm run build`) in the project folder.\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
