// The lockfile must install on Windows, macOS and Linux alike: `npm ci` installs only what it
// lists, so a native package for one of those platforms missing from it would be missing from that
// platform's install (and the desktop build made there). Checked from the lockfile itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  integrity?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
  link?: boolean;
}
const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const packages = lock.packages;

/** Where Node would find `name` from the package at `from` (its own node_modules, then each parent's). */
function resolveFrom(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('node_modules/');
    base = at <= 0 ? '' : base.slice(0, at - 1);
  }
}

const PLATFORMS = [
  { os: 'win32', cpu: 'x64' },
  { os: 'darwin', cpu: 'arm64' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'linux', cpu: 'x64' },
] as const;

describe('package-lock.json', () => {
  it('is a lockfile npm ci reads (version 3)', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('lists every optional dependency of every package, with its integrity, for every platform', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const found = resolveFrom(path, name);
        if (!found || !packages[found]!.integrity) missing.push(`${path || 'the project'} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  // The native parts the build, the tests and the keychain need, on each platform the app ships for.
  for (const { os, cpu } of PLATFORMS) {
    it(`has the native builds of esbuild, rollup and the keychain module for ${os}-${cpu}`, () => {
      for (const parent of ['node_modules/esbuild', 'node_modules/rollup', 'node_modules/@napi-rs/keyring']) {
        const optional = Object.keys(packages[parent]?.optionalDependencies ?? {});
        const fits = optional.map((name) => resolveFrom(parent, name)!).filter((p) => packages[p]!.os?.includes(os) && packages[p]!.cpu?.includes(cpu));
        expect(fits.length, `${parent} for ${os}-${cpu}`).toBeGreaterThan(0);
      }
    });
  }
});
