// The desktop packaging configuration, checked without building (the Electron binary cannot be
// fetched on build machines): electron-builder's own schema check, the per-OS targets and the
// macOS notarisation settings, and that every file it names exists.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void> };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  win: { target: string; icon: string };
  mac: { target: string; icon: string; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; notarize: boolean };
  linux: { target: string; icon: string };
}
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { author?: { name?: string; email?: string }; license?: string; scripts: Record<string, string> };

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration check', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('builds an NSIS installer on Windows, a dmg on macOS and an AppImage on Linux, under one app id', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe('Backroom');
    expect([config.win.target, config.mac.target, config.linux.target]).toEqual(['nsis', 'dmg', 'AppImage']);
  });

  it('signs macOS builds with the hardened runtime and an entitlements file, as notarisation needs', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const plist = readFileSync(join(ROOT, file), 'utf8');
      expect(plist).toContain('<!DOCTYPE plist');
      expect(plist).toContain('com.apple.security.cs.allow-jit');
    }
  });

  it('uses the app icon from assets/, large enough for the .icns and .ico made from it', () => {
    for (const icon of [config.win.icon, config.mac.icon, config.linux.icon]) {
      expect(icon.startsWith('assets/')).toBe(true);
      const { width, height } = pngSize(join(ROOT, icon));
      expect(width).toBe(height);
      expect(width).toBeGreaterThanOrEqual(512);
    }
    for (const state of ['ok', 'syncing', 'errors', 'paused']) expect(existsSync(join(ROOT, 'assets', `tray-${state}.png`))).toBe(true);
  });

  it('has the author and license the installers show, and the dist script', () => {
    expect(pkg.author?.name).toBeTruthy();
    expect(pkg.author?.email).toMatch(/@/);
    expect(pkg.license).toBeTruthy();
    expect(pkg.scripts.dist).toContain('electron-builder');
  });
});
