// The chart recorder's first sample of every SKU is taken by an engine host (daemon, desktop,
// terminal UI, web), never by a one-off command such as `status`, which shows no picture; a command
// that changes stock still has its change sampled.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chartHistoryOf } from '../../core/api/chart-recorder';
import { hostEngine } from '../../core/host/host';
import { removeTempDirs, tempDir } from '../helpers';

afterEach(removeTempDirs);

/** A data folder with stock and no chart history yet. */
async function folderWithStock(): Promise<string> {
  const dataDir = await tempDir('br-first-sample-');
  const host = (await hostEngine({ dataDir }))!;
  await host.client.call('location.add', { name: 'WH' });
  await host.client.call('stock.import', { csv: 'sku,location,quantity\nA-1,WH,5\nB-2,WH,7' });
  await host.close();
  // Start without history, as a folder from before the pictures.
  await rm(join(dataDir, 'charts.json'), { force: true });
  return dataDir;
}

describe('the first stock sample', () => {
  it('a one-off command (direct host) takes none, and writes no chart history', async () => {
    const dataDir = await folderWithStock();
    const host = (await hostEngine({ dataDir }))!;
    expect(await host.client.call('status')).toBeTruthy();
    expect(Object.keys((await chartHistoryOf(host.ctx))!.stock)).toEqual([]);
    await host.close();
    await expect(readFile(join(dataDir, 'charts.json'), 'utf8')).rejects.toThrow();
  });

  it('a one-off command that changes stock still records the change', async () => {
    const dataDir = await folderWithStock();
    const host = (await hostEngine({ dataDir }))!;
    await host.client.call('stock.set', { sku: 'A-1', quantity: 9, location: 'WH' });
    expect((await chartHistoryOf(host.ctx))!.stock['A-1']!.at(-1)![1]).toBe(9);
    await host.close();
  });

  it('an engine host (serving, or running the scheduler) samples every SKU at start', async () => {
    for (const options of [{ serve: true }, { schedule: true }]) {
      const dataDir = await folderWithStock();
      const host = (await hostEngine({ dataDir, ...options }))!;
      expect(Object.keys((await chartHistoryOf(host.ctx))!.stock).sort()).toEqual(['A-1', 'B-2']);
      await host.close();
    }
  });
});
