// What a short command loads: the real binary is run with a module-loading hook that writes down
// every module Node loads, and the source maps of the bundle's files say which of Backroom's
// sources and which packages each holds. `status`, `orders list` and `--help` must load neither a
// front end (the terminal UI with Ink and React, the web server with ws, the renderer) nor what
// only other commands use (the connectors, the practice shops, the PostgreSQL store), and nothing
// from node_modules file by file.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, tempDir } from '../helpers';

/** Registered with --import: each module URL Node loads is appended to the file BACKROOM_LOAD_LOG names. */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (!url.startsWith('node:')) appendFileSync(process.env.BACKROOM_LOAD_LOG, url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** Sources a short command must never load (paths as the source maps name them, from the repository root). */
const NEVER_AT_START = [
  /(^|\/)node_modules\/(ink|react|react-dom|react-reconciler|scheduler|@tanstack|ws|pg|pg-boss|got|graphql|uplot)\//,
  /^cli\/tui\//,
  /^renderer\//,
  /^sandbox\//,
  /^core\/api\/http-transport\.ts$/,
  /^core\/store\/postgres\//,
  // The connectors and the HTTP client under them (a CRM's address rules may be read: they are a few lines).
  /^core\/platforms\/(woocommerce|shopify|activecampaign|mailchimp)\/(connector|bulk|graphql|queries|map|tar)\.ts$/,
  /^core\/platforms\/http\.ts$/,
];

async function modulesLoadedBy(args: string[]): Promise<{ urls: string[]; sources: string[] }> {
  const dir = await tempDir('br-loads-');
  const log = join(dir, 'loads.txt');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, BACKROOM_SECRETS: 'file', BACKROOM_LOAD_LOG: log },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  expect(code, `backroom ${args.join(' ')}`).toBe(0);
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const sources = new Set<string>();
  for (const url of urls) {
    const path = fileURLToPath(url);
    if (path.includes('/node_modules/') && !path.startsWith(join(ROOT, 'dist'))) {
      sources.add(path.slice(ROOT.length + 1));
      continue;
    }
    const map = JSON.parse(await readFile(`${path}.map`, 'utf8').catch(() => '{"sources":[]}')) as { sources: string[] };
    // The maps name sources relative to dist/ or dist/chunks/.
    for (const source of map.sources) sources.add(source.replace(/^(\.\.\/)+/, ''));
  }
  return { urls, sources: [...sources] };
}

describe('a short command loads only what it uses', () => {
  let dataDir: string;
  beforeAll(async () => {
    await ensureCliBuilt();
    dataDir = await tempDir('br-loads-data-');
    expect((await runBin(['--data-dir', dataDir, 'init', '--json'])).code).toBe(0);
  }, 120_000);
  afterAll(removeTempDirs);

  for (const args of [['status', '--json'], ['orders', 'list', '--json'], ['--help']]) {
    it(`backroom ${args.join(' ')}`, async () => {
      const { urls, sources } = await modulesLoadedBy(['--data-dir', dataDir, ...args]);
      // The bundle's own files, not packages read one by one from node_modules.
      expect(urls.filter((u) => u.includes('/node_modules/'))).toEqual([]);
      expect(sources.length).toBeGreaterThan(10);
      expect(sources.some((s) => s === 'core/host/host.ts' || s === 'cli/program.ts')).toBe(true);
      expect(sources.filter((s) => NEVER_AT_START.some((pattern) => pattern.test(s)))).toEqual([]);
    }, 60_000);
  }
});
