// JsonDocument: coalesced, durable saves on a real file (no lowdb preset: it switches to memory under vitest).
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers';
import { JsonDocument, removeStaleTempFiles, type DocumentSpec } from './json-document';

afterAll(removeTempDirs);

interface Counter {
  schemaVersion: number;
  n: number;
  log: number[];
}
const spec: DocumentSpec<Counter> = { label: 'counter.json', version: 1, create: () => ({ schemaVersion: 1, n: 0, log: [] }) };

async function onDisk(path: string): Promise<Counter> {
  return JSON.parse(await readFile(path, 'utf8')) as Counter;
}

describe('JsonDocument.save', () => {
  it('coalesces 1,000 synchronous changes into at most 2 writes, and every change is on disk', async () => {
    const path = join(await tempDir(), 'counter.json');
    const { doc } = await JsonDocument.open(path, spec);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 1000; i++) {
      doc.data.n = i;
      doc.data.log.push(i);
      saves.push(doc.save());
    }
    await Promise.all(saves);
    expect(doc.writes).toBeLessThanOrEqual(2);
    expect(doc.writes).toBeGreaterThanOrEqual(1);
    const disk = await onDisk(path);
    expect(disk.n).toBe(1000);
    expect(disk.log).toHaveLength(1000);
  });

  it('has each awaited save on disk when it resolves, also for changes made while a write runs', async () => {
    const path = join(await tempDir(), 'counter.json');
    const { doc } = await JsonDocument.open(path, spec);
    for (let i = 1; i <= 20; i++) {
      doc.data.n = i;
      await doc.save();
      expect((await onDisk(path)).n).toBe(i);
    }
    // A change made while a write is in flight must not be lost with the in-flight write.
    doc.data.n = 100;
    const first = doc.save();
    await new Promise((r) => setImmediate(r)); // let the first write start
    doc.data.n = 101;
    const second = doc.save();
    await first;
    expect((await onDisk(path)).n).toBeGreaterThanOrEqual(100);
    await second;
    expect((await onDisk(path)).n).toBe(101);
  });

  it('reports a failed write to the caller and still writes the next save', async () => {
    const dir = await tempDir();
    const path = join(dir, 'sub', 'counter.json');
    const { doc } = await JsonDocument.open(path, spec);
    doc.data.n = 1;
    await expect(doc.save()).rejects.toThrow(/its folder no longer exists/);
    await mkdir(join(dir, 'sub'));
    doc.data.n = 2;
    await doc.save();
    expect((await onDisk(path)).n).toBe(2);
  });

  it('reopens what it wrote', async () => {
    const path = join(await tempDir(), 'counter.json');
    const { doc } = await JsonDocument.open(path, spec);
    doc.data.n = 7;
    await doc.save();
    const again = await JsonDocument.open(path, spec);
    expect(again.existed).toBe(true);
    expect(again.doc.data.n).toBe(7);
  });
});

describe('JsonDocument spec.serialize', () => {
  it('writes what serialize returns, as text or as UTF-8 bytes, and reads it back', async () => {
    const dir = await tempDir();
    for (const asBytes of [false, true]) {
      const path = join(dir, `counter-${asBytes}.json`);
      let calls = 0;
      const custom: DocumentSpec<Counter> = { ...spec, serialize: (data) => (calls++, asBytes ? Buffer.from(JSON.stringify(data), 'utf8') : JSON.stringify(data)) };
      const { doc } = await JsonDocument.open(path, custom);
      doc.data.n = 3;
      await doc.save();
      expect(calls).toBe(1);
      expect(await readFile(path, 'utf8')).toBe(JSON.stringify(doc.data));
      expect((await JsonDocument.open(path, custom)).doc.data.n).toBe(3);
    }
  });
});

describe('JsonDocument spec.serialize in parts', () => {
  it('writes the parts one after another, byte for byte, whatever their sizes', async () => {
    const dir = await tempDir();
    const path = join(dir, 'parts.json');
    interface Padded {
      schemaVersion: number;
      n: number;
      pad: string;
    }
    // Parts smaller than the write buffer, larger than it, and filling it exactly; a character split between parts.
    const big = 'x'.repeat(300 * 1024);
    const data: Padded = { schemaVersion: 1, n: 7, pad: `${big}ü${'y'.repeat(256 * 1024)}` };
    const text = Buffer.from(JSON.stringify(data), 'utf8');
    const cuts = [0, 1, 5, 9, 100, 100 + 256 * 1024, 120 + 256 * 1024, 40 + 300 * 1024, text.indexOf(0xc3) + 1, text.length].sort((a, b) => a - b);
    const parts = cuts.slice(1).map((end, i) => text.subarray(cuts[i], end));
    const custom: DocumentSpec<Padded> = { label: 'parts.json', version: 1, create: () => ({ schemaVersion: 1, n: 0, pad: '' }), serialize: () => parts };
    const { doc } = await JsonDocument.open(path, custom);
    Object.assign(doc.data, data);
    await doc.save();
    expect((await readFile(path)).equals(text)).toBe(true);
    expect((await JsonDocument.open(path, custom)).doc.data).toEqual(data);
  });
});

/** The pid of a process that has exited (and so is not alive). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('stale temp files', () => {
  it('on open, removes temp files of dead writers beside the file and keeps those of live ones', async () => {
    const dir = await tempDir();
    const path = join(dir, 'counter.json');
    await writeFile(path, JSON.stringify({ schemaVersion: 1, n: 5, log: [] }));
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const dead = await deadPid();
      const names = {
        dead: `.counter.json.${dead}.0a1b2c3d.tmp`,
        live: `.counter.json.${sleeper.pid!}.deadbeef.tmp`,
        ours: `.counter.json.${process.pid}.01234567.tmp`,
        otherFile: `.other.json.${dead}.0a1b2c3d.tmp`,
        notOurs: `.counter.json.backup.tmp`,
      };
      for (const name of Object.values(names)) await writeFile(join(dir, name), '{"torn');
      const { doc } = await JsonDocument.open(path, spec);
      expect(doc.data.n).toBe(5);
      const left = await readdir(dir);
      expect(left).not.toContain(names.dead);
      expect(left).toEqual(expect.arrayContaining([names.live, names.ours, names.otherFile, names.notOurs, 'counter.json']));
      // The other file's stale temp goes when that file is opened.
      expect(await removeStaleTempFiles(join(dir, 'other.json'))).toEqual([names.otherFile]);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('removes a dead writer\'s temp when its file was never committed, and copes with a missing directory', async () => {
    const dir = await tempDir();
    const stale = `.new.json.${await deadPid()}.00000000.tmp`;
    await writeFile(join(dir, stale), '{"sch');
    const { existed } = await JsonDocument.open(join(dir, 'new.json'), spec);
    expect(existed).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    expect(await removeStaleTempFiles(join(dir, 'missing', 'x.json'))).toEqual([]);
  });
});
