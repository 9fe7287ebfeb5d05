// "Dependencies point inward" (ARCHITECTURE.md): nothing in core/ may import electron, react,
// react-dom, ink, or a front end (main/, renderer/, cli/). The ESLint rule says the same; this
// test makes it explicit and also catches dynamic import() and require().
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Not from ./helpers: that imports the CLI, and this test must run even when core/ does not build.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const BANNED_PACKAGES = ['electron', 'react', 'react-dom', 'ink'];
const FRONT_ENDS = ['main', 'renderer', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier in a file: static imports/exports, `import type`, import(), require(). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** Why `spec`, imported from `file`, breaks the layering; null when it is fine. */
function violation(file: string, spec: string, root = ROOT): string | null {
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  if (BANNED_PACKAGES.includes(pkg)) return `imports ${spec}`;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = relative(root, resolve(dirname(file), spec));
    const top = target.split(sep)[0]!;
    if (FRONT_ENDS.includes(top)) return `imports the front end ${target}`;
  }
  return null;
}

describe('layering', () => {
  it('the checker catches each kind of forbidden import (so this test can fail)', () => {
    const file = join(ROOT, 'core', 'store', 'x.ts');
    const text = [
      "import { app } from 'electron';",
      "import type { FC } from 'react';",
      "export { render } from 'ink';",
      "const dom = await import('react-dom/client');",
      "const w = require('../../main/window.main');",
      "import { x } from '../../cli/program';",
      "import '../../renderer/app';",
      "import { ok } from '../model';",
      "import { z } from 'zod';",
      "import { inkling } from 'inkling';",
    ].join('\n');
    const problems = specifiers(text).map((s) => violation(file, s)).filter(Boolean);
    expect(problems).toEqual([
      'imports electron',
      'imports react',
      'imports ink',
      expect.stringContaining('cli'),
      expect.stringContaining('renderer'),
      'imports react-dom/client',
      expect.stringContaining('main'),
    ]);
  });

  it('no file in core/ imports electron, react, react-dom, ink, main/, renderer/ or cli/', () => {
    const files = sourceFiles(join(ROOT, 'core'));
    expect(files.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        const why = violation(file, spec);
        if (why) problems.push(`${relative(ROOT, file)} ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
