import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { hostEngine } from '../../core/host/host';
import { removeTempDirs, tempDir, waitFor } from '../helpers';

afterEach(removeTempDirs);

const days = async (dir: string) => (await readdir(join(dir, 'backups'))).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();

describe('daily backups of a long-running engine', () => {
  it('takes one on opening and one each new day, keeping the last 7, however slowly the disk answers', async () => {
    const dir = await tempDir();
    // A first engine writes the files, so there is something to back up.
    const first = (await hostEngine({ dataDir: dir, serve: false }))!;
    await first.client.call('location.add', { name: 'WH' });
    await first.close();

    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const host = (await hostEngine({ dataDir: dir, serve: true, clock }))!;
    try {
      expect(await days(dir)).toEqual(['2026-03-01']);
      // Nine days pass in hourly steps, each step faster than any backup can be written (no real
      // wait between them, as on a busy machine where the disk lags far behind the clock). The
      // hourly check must still be planned for every hour, so no day is skipped.
      for (let hour = 0; hour < 9 * 24; hour++) await clock.advance(3_600_000);
      // The backups themselves take real time: wait (generously) for the last day's, and its pruning.
      const settled = async () => {
        const kept = await days(dir);
        return kept.at(-1) === '2026-03-10' && kept.length <= 7;
      };
      await waitFor(settled, 30_000, 'the backup of 2026-03-10 and the pruning of older ones');
      const kept = await days(dir);
      expect(kept).toEqual(['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    } finally {
      await host.close();
    }
  }, 120_000);
});
