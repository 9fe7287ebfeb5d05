import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/engine/clock';
import { hostEngine } from '../../core/engine/host';
import { removeTempDirs, tempDir } from '../helpers';

afterEach(removeTempDirs);

const days = async (dir: string) => (await readdir(join(dir, 'backups'))).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();

describe('daily backups of a long-running engine', () => {
  it('takes one on opening and one each new day, keeping the last 7', async () => {
    const dir = await tempDir();
    // A first engine writes the files, so there is something to back up.
    const first = (await hostEngine({ dataDir: dir, serve: false }))!;
    await first.client.call('location.add', { name: 'WH' });
    await first.close();

    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const host = (await hostEngine({ dataDir: dir, serve: true, clock }))!;
    try {
      expect(await days(dir)).toEqual(['2026-03-01']);
      await clock.advance(3_600_000);
      await new Promise((r) => setTimeout(r, 50));
      expect(await days(dir)).toEqual(['2026-03-01']);
      for (let hour = 0; hour < 9 * 24; hour++) {
        await clock.advance(3_600_000);
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 100));
      const kept = await days(dir);
      expect(kept).toHaveLength(7);
      expect(kept.at(-1)).toBe('2026-03-10');
    } finally {
      await host.close();
    }
  });
});
