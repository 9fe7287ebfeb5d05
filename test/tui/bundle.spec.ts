// The CLI bundle as `npm run build` makes it (scripts/cli-bundle.mjs): Ink and React are bundled
// into the terminal UI's chunk with React's production build, and no other command loads that chunk;
// the other dependencies are bundled too, except the native and optional ones.
// Checked on esbuild's metafile, so the test does not depend on timing.
import { builtinModules } from 'node:module';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuildOptions, NEVER_BUNDLED } from '../../scripts/cli-bundle.mjs';
import { ROOT } from '../helpers';

let meta: Metafile;
beforeAll(async () => {
  const result = await build({ ...cliBuildOptions(ROOT, `${ROOT}/dist-bundle-check`), absWorkingDir: ROOT, write: false, metafile: true, logLevel: 'silent' });
  meta = result.metafile!;
}, 60_000);

const outputs = () => Object.entries(meta.outputs).filter(([path]) => path.endsWith('.mjs'));
const entry = () => outputs().find(([path]) => path.endsWith('dist-bundle-check/cli.mjs'))!;
const tuiChunk = () => outputs().find(([, out]) => out.entryPoint === 'cli/tui/index.ts')!;
const fromPackage = (input: string, name: string) => input.includes(`node_modules/${name}/`);
/** A package, not one of Node's built-ins (bundled CommonJS names them without `node:`). */
const isPackage = (path: string) => !path.startsWith('node:') && !builtinModules.includes(path.split('/')[0]!);

/** Every output that loading dist/cli.mjs loads without a dynamic import. */
function staticClosure(start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    for (const imp of meta.outputs[queue.shift()!]!.imports) {
      if (imp.external || imp.kind !== 'import-statement' || seen.has(imp.path)) continue;
      seen.add(imp.path);
      queue.push(imp.path);
    }
  }
  return seen;
}

describe('the CLI bundle', () => {
  it('bundles Ink, React, react-reconciler and scheduler: no output imports them from node_modules', () => {
    for (const [path, out] of outputs()) {
      const bare = out.imports.filter((i) => i.external).map((i) => i.path);
      for (const name of ['ink', 'react', 'react/jsx-runtime', 'react-reconciler', 'scheduler', 'yoga-layout']) expect(bare, path).not.toContain(name);
    }
    const inputs = Object.keys(tuiChunk()[1].inputs);
    for (const name of ['ink', 'react', 'react-reconciler', 'scheduler', 'yoga-layout']) expect(inputs.some((i) => fromPackage(i, name)), name).toBe(true);
  });

  it("uses React's production build, never the development one", () => {
    const inputs = outputs().flatMap(([, out]) => Object.keys(out.inputs));
    expect(inputs).toContain('node_modules/react/cjs/react.production.js');
    expect(inputs).toContain('node_modules/react-reconciler/cjs/react-reconciler.production.js');
    expect(inputs.filter((i) => i.includes('.development.'))).toEqual([]);
  });

  it('bundles the other dependencies too, except the native and optional ones (keychain, ws, pg, pg-boss)', () => {
    const bare = new Set(outputs().flatMap(([, out]) => out.imports.filter((i) => i.external && isPackage(i.path)).map((i) => i.path)));
    for (const name of ['commander', 'zod', 'lowdb', 'proper-lockfile', 'got']) expect([...bare], name).not.toContain(name);
    expect([...bare].filter((name) => !NEVER_BUNDLED.some((n) => name === n || name.startsWith(`${n}/`)))).toEqual([]);
    const inputs = outputs().flatMap(([, out]) => Object.keys(out.inputs));
    for (const name of ['zod', 'commander', 'lowdb', 'got']) expect(inputs.some((i) => fromPackage(i, name)), name).toBe(true);
    // zod's English messages are kept, its other translations left out.
    expect(inputs).toContain('node_modules/zod/v4/locales/en.js');
    expect(inputs.filter((i) => /node_modules\/zod\/v4\/locales\/(?!en\.js|index\.js)/.test(i))).toEqual([]);
  });

  it('loads what only some commands need through dynamic imports: pg, pg-boss and ws are not in the entry\'s static closure', () => {
    const closure = staticClosure(entry()[0]);
    const bare = [...closure].flatMap((path) => meta.outputs[path]!.imports.filter((i) => i.external && i.kind === 'import-statement' && isPackage(i.path)).map((i) => i.path));
    expect(bare).toEqual([]);
  });

  it('loads the TUI chunk only through a dynamic import: other commands never load Ink or React', () => {
    const [entryPath] = entry();
    const [tuiPath] = tuiChunk();
    const closure = staticClosure(entryPath);
    expect(closure.has(tuiPath)).toBe(false);
    for (const path of closure) {
      const inputs = Object.keys(meta.outputs[path]!.inputs);
      const front = ['ink', 'react', 'react-reconciler', 'scheduler', 'yoga-layout', '@tanstack/react-query'];
      expect(inputs.filter((i) => front.some((name) => fromPackage(i, name)) || i.startsWith('cli/tui/')), path).toEqual([]);
    }
    expect(meta.outputs[entryPath]!.imports.some((i) => i.path === tuiPath && i.kind === 'dynamic-import')).toBe(true);
  });
});
