// A full disk or a folder where a file should be: the merchant reads what happened and that the
// old contents are intact; no temp file stays behind.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../core/store/atomic-write';
import { cliJson, removeTempDirs, tempDir } from '../helpers';

const mounted: string[] = [];
afterEach(async () => {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
  await removeTempDirs();
});

/** A 256 KB tmpfs at a fresh folder, or null (with the reason) where this machine will not mount one. */
async function tinyDisk(): Promise<{ dir: string } | { skip: string }> {
  const dir = await tempDir('br-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return { skip: `cannot mount a small tmpfs here (${(error as Error).message.split('\n')[0]})` };
  }
  mounted.push(dir);
  return { dir };
}

describe('write failures', () => {
  it('disk full: the message says so in words, the old file is intact and no temp file is left', async (ctx) => {
    const disk = await tinyDisk();
    if ('skip' in disk) return ctx.skip(disk.skip);
    const path = join(disk.dir, 'stock.json');
    await writeFileAtomic(path, '{"old":true}');
    const error = await writeFileAtomic(path, 'x'.repeat(512 * 1024)).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^Could not save stock\.json in .*: the disk is full\. Nothing was saved: the file still holds what it held before\. Free some space/);
    expect(error?.message).not.toMatch(/ENOSPC/);
    expect(await readFile(path, 'utf8')).toBe('{"old":true}');
    expect(await readdir(disk.dir)).toEqual(['stock.json']);
  });

  it('a folder where the file should be: said in words, nothing left behind', async () => {
    const dir = await tempDir('br-eisdir-');
    await mkdir(join(dir, 'carts.json'));
    const error = await writeFileAtomic(join(dir, 'carts.json'), '{}').then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^Could not save carts\.json in .*: there is a folder of that name where the file should be\. Nothing was saved/);
    expect(await readdir(dir)).toEqual(['carts.json']);
  });

  it('the CLI on a full disk: exit 1, the reason in words, the stored stock unchanged', async (ctx) => {
    const disk = await tinyDisk();
    if ('skip' in disk) return ctx.skip(disk.skip);
    const dataDir = join(disk.dir, 'data');
    expect((await cliJson(dataDir, ['location', 'add', 'WH'])).code).toBe(0);
    expect((await cliJson(dataDir, ['stock', 'set', 'A', '1', '--location', 'WH'])).code).toBe(0);
    const before = await readFile(join(dataDir, 'stock.json'), 'utf8');
    const csvDir = await tempDir('br-csv-');
    const rows = Array.from({ length: 8000 }, (_, i) => `SKU-${String(i).padStart(6, '0')}-WITH-A-LONG-NAME,WH,${i}`);
    await writeFile(join(csvDir, 'stock.csv'), `sku,location,quantity\n${rows.join('\n')}\n`);
    const { code, doc } = await cliJson(dataDir, ['stock', 'import', join(csvDir, 'stock.csv')]);
    expect(code).toBe(1);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error.message).toMatch(/the disk is full\. Nothing was saved/);
    expect(await readFile(join(dataDir, 'stock.json'), 'utf8')).toBe(before);
    expect((await readdir(dataDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
