// kill -9 in the middle of a write loop: the data file must always parse and hold a committed
// state (the last value the child reported as saved, or a later one), never a torn or empty file.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, spawnTs, tempDir } from '../helpers';

afterAll(removeTempDirs);

interface LoopData {
  schemaVersion: number;
  counter: number;
  payload: string[];
}

async function readCommitted(file: string): Promise<LoopData> {
  const text = await readFile(file, 'utf8');
  expect(text.length).toBeGreaterThan(0);
  const data = JSON.parse(text) as LoopData;
  // Every line of the payload was written together with the counter: a mixed file would show here.
  expect(data.payload).toHaveLength(1500);
  for (const line of data.payload) expect(line.startsWith(`${data.counter}:`)).toBe(true);
  return data;
}

describe('kill -9 mid-write', () => {
  it('leaves a file that parses and holds a committed state, across several kills', async () => {
    const dir = await tempDir();
    const file = join(dir, 'loop.json');
    let lastSaved = 0;
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const child = spawnTs('test/fixtures/write-loop.ts', [file]);
      const start = Number((await child.waitForLine((l) => l.startsWith('start '))).slice(6));
      // The child resumes from what is on disk: at least everything it reported as saved before.
      expect(start).toBeGreaterThanOrEqual(lastSaved);
      const target = start + 3 + Math.floor(Math.random() * 30);
      await child.waitForLine((l) => l.startsWith('saved ') && Number(l.slice(6)) >= target);
      // Kill at a random moment within the following writes (the loop is always mid-save).
      await new Promise((r) => setTimeout(r, Math.random() * 25));
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal).toBe('SIGKILL');
      const saved = child.lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.slice(6)));
      lastSaved = Math.max(...saved);
      const data = await readCommitted(file);
      expect(data.counter).toBeGreaterThanOrEqual(lastSaved);
    }
    // Killed writers leave at most their temp files beside the data file, never in its place.
    const names = await readdir(dir);
    expect(names).toContain('loop.json');
  }, 120_000);
});
