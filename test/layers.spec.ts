// "Layers point one way" (ARCHITECTURE.md), checked by `npm run lint:layers` on every `npm test`.
// This suite attacks the rules themselves: small trees on disk with random imports between the
// layers, loops of types and front ends reaching into each other, each judged by the real rule set.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, ROOT, tempDir } from './helpers';

afterAll(removeTempDirs);

/** The engine's layers from the ground up, as ARCHITECTURE.md lists them. */
const LAYERS = ['model', 'store', 'platforms', 'runtime', 'jobs', 'engine', 'api', 'host'] as const;

async function rules(): Promise<IConfiguration> {
  const loaded: { default: IConfiguration } = await import(pathToFileURL(join(ROOT, '.dependency-cruiser.mjs')).href);
  return loaded.default;
}

/** Writes the files (path → source) into a fresh folder and returns the rules each import broke, as `rule: from → to`. */
async function broken(files: Record<string, string>): Promise<string[]> {
  const dir = await tempDir('br-layers-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const config = await rules();
  const { output } = await cruise(
    Object.keys(files),
    { ...config.options, tsConfig: undefined, ruleSet: { forbidden: config.forbidden }, validate: true, baseDir: dir, outputType: 'json' },
    { extensions: ['.ts', '.tsx'] },
  );
  const result: { summary: { violations: { rule: { name: string }; from: string; to: string }[] } } = typeof output === 'string' ? JSON.parse(output) : output;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

let imports = 0;
/** One import of `to` from the file `from`, of a value or only of a type, used so it is not dropped. */
const importLine = (kind: 'value' | 'type', from: string, to: string) => {
  const path = `${'../'.repeat(from.split('/').length - 1)}${to.replace(/\.ts$/, '')}`;
  const n = ++imports;
  return kind === 'type'
    ? `import type { Thing as Thing${n} } from '${path}';\nexport type Used${n} = Thing${n};\n`
    : `import { thing as thing${n} } from '${path}';\nexport const used${n} = thing${n};\n`;
};
const leaf = 'export const thing = 1;\nexport type Thing = number;\n';

describe('the layer rules', () => {
  const PAIRS = LAYERS.flatMap((from) => LAYERS.filter((to) => to !== from).map((to) => [from, to] as const));

  test.prop([fc.array(fc.constantFrom('value' as const, 'type' as const), { minLength: PAIRS.length, maxLength: PAIRS.length })], { numRuns: 5 })(
    'refuse every import from a lower layer to a higher one, of a value or only a type, and allow every other',
    async (kinds) => {
      const files: Record<string, string> = Object.fromEntries(LAYERS.map((layer) => [`core/${layer}/leaf.ts`, leaf]));
      PAIRS.forEach(([from, to], i) => (files[`core/${from}/uses-${to}.ts`] = importLine(kinds[i]!, `core/${from}/uses-${to}.ts`, `core/${to}/leaf.ts`)));
      const upward = PAIRS.filter(([from, to]) => LAYERS.indexOf(to) > LAYERS.indexOf(from));
      expect(await broken(files)).toEqual(upward.map(([from, to]) => `${from}-imports-upward: core/${from}/uses-${to}.ts → core/${to}/leaf.ts`).sort());
    },
  );

  test.prop([fc.integer({ min: 2, max: 4 }), fc.constantFrom(...LAYERS), fc.array(fc.constantFrom('value' as const, 'type' as const), { minLength: 4, maxLength: 4 })], { numRuns: 10 })(
    'refuse a loop of imports inside one layer, even when every link is only a type',
    async (length, layer, kinds) => {
      const names = Array.from({ length }, (_, i) => `core/${layer}/m${i}.ts`);
      const files = Object.fromEntries(names.map((name, i) => [name, importLine(kinds[i]!, name, names[(i + 1) % length]!) + leaf]));
      const problems = await broken(files);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.startsWith('no-circular: '))).toBe(true);
    },
  );

  it('keep the front ends apart and the engine away from them; tests may reach anything', async () => {
    const files: Record<string, string> = {
      'main/ipc.ts': importLine('type', 'main/ipc.ts', 'renderer/src/api.ts'),
      'renderer/src/api.ts': leaf + importLine('value', 'renderer/src/api.ts', 'core/api/client.ts'),
      'renderer/src/store-peek.ts': importLine('type', 'renderer/src/store-peek.ts', 'core/store/files.ts'),
      'cli/main.ts': importLine('value', 'cli/main.ts', 'core/host/host.ts'),
      'core/api/client.ts': leaf,
      'core/host/host.ts': leaf,
      'core/store/files.ts': leaf,
      'core/jobs/sandboxed.ts': importLine('value', 'core/jobs/sandboxed.ts', 'sandbox/shop.ts'),
      'core/jobs/sandboxed.spec.ts': importLine('value', 'core/jobs/sandboxed.spec.ts', 'sandbox/shop.ts') + importLine('value', 'core/jobs/sandboxed.spec.ts', 'core/host/host.ts'),
      'core/helpers.ts': importLine('value', 'core/helpers.ts', 'core/model/a.ts'),
      'core/model/a.ts': leaf,
      'sandbox/shop.ts': leaf,
    };
    expect(await broken(files)).toEqual([
      'core-imports-front-end: core/jobs/sandboxed.ts → sandbox/shop.ts',
      'core-outside-layers: core/helpers.ts → core/model/a.ts',
      'main-imports-another-front-end: main/ipc.ts → renderer/src/api.ts',
      'renderer-imports-node-side: renderer/src/store-peek.ts → core/store/files.ts',
    ]);
  });
});
