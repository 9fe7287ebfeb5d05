// JsonDocument: coalesced, durable saves on a real file (no lowdb preset: it switches to memory under vitest).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../test/helpers';
import { JsonDocument, type DocumentSpec } from './json-document';

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
    await expect(doc.save()).rejects.toThrow(/ENOENT/);
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
