// When each CRM connection last worked through its queue is a progress marker like a shop's cursor:
// it lives in cursors.json and moves only through store.checkpoint, after the queue it speaks of is
// on disk. A settings save never writes it, and a data folder that kept it in backroom.json has it
// carried over to cursors.json.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const read = async (dir: string, file: string) => JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;

describe('a CRM connection\'s last successful run', () => {
  it('is moved by the checkpoint into cursors.json, never by a settings save, and forgotten with null', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await store.checkpoint({ crm: 'AC', lastSuccessAt: '2026-11-20T08:00:00.000Z' });
    expect(store.cursors.crmLastRun('AC')).toBe('2026-11-20T08:00:00.000Z');
    await store.main.save();
    expect(await read(dir, 'cursors.json')).toMatchObject({ crmLastRun: { AC: '2026-11-20T08:00:00.000Z' } });
    expect((await read(dir, 'backroom.json')).crmLastRun).toBeUndefined();
    expect((await openStore(dir)).cursors.crmLastRun('AC')).toBe('2026-11-20T08:00:00.000Z');

    await store.checkpoint({ crm: 'AC', lastSuccessAt: null });
    expect(store.cursors.crmLastRun('AC')).toBeUndefined();
    expect((await read(dir, 'cursors.json')).crmLastRun).toEqual({});
  });

  it('kept in backroom.json by an earlier version, it is carried into cursors.json', async () => {
    const dir = await tempDir();
    const first = await openStore(dir);
    await first.flush();
    const main = await read(dir, 'backroom.json');
    await writeFile(join(dir, 'backroom.json'), JSON.stringify({ ...main, crmLastRun: { AC: '2026-11-19T08:00:00.000Z', MC: '2026-11-18T08:00:00.000Z' } }));
    const store = await openStore(dir);
    expect(store.cursors.crmLastRun('AC')).toBe('2026-11-19T08:00:00.000Z');
    expect(store.cursors.crmLastRun('MC')).toBe('2026-11-18T08:00:00.000Z');
    await store.flush();
    expect(await read(dir, 'cursors.json')).toMatchObject({ crmLastRun: { AC: '2026-11-19T08:00:00.000Z', MC: '2026-11-18T08:00:00.000Z' } });
    expect((await read(dir, 'backroom.json')).crmLastRun).toBeUndefined();
  });
});
