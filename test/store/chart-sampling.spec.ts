import { afterEach, describe, expect, it } from 'vitest';
import { chartHistoryOf } from '../../core/api/chart-recorder';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { MAX_SKUS } from '../../core/store/chart-history';
import { removeTempDirs, tempDir } from '../helpers';

let host: EngineHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
  await removeTempDirs();
});

describe('stock pictures with more SKUs than they keep', () => {
  it('a change to one SKU re-samples that SKU only, not every SKU that was dropped from the history', async () => {
    process.env.BACKROOM_SECRETS = 'file';
    host = (await hostEngine({ dataDir: await tempDir('br-charts-') }))!;
    const api = host.client;
    await api.call('location.add', { name: 'WH' });
    const skus = Array.from({ length: MAX_SKUS + 50 }, (_, i) => `C-${String(i).padStart(5, '0')}`);
    await api.call('stock.import', { csv: ['sku,location,quantity', ...skus.map((sku) => `${sku},WH,5`)].join('\n') });
    const history = (await chartHistoryOf(host.ctx))!;
    const before = Object.keys(history.stock);
    const arrays = new Map(before.map((sku) => [sku, history.stock[sku]]));
    expect(before.length).toBe(MAX_SKUS);
    const changed = before.at(-1)!;
    await api.call('stock.set', { sku: changed, quantity: 6, location: 'WH' });
    await chartHistoryOf(host.ctx); // the change sampled
    const after = Object.keys(history.stock);
    // Nothing else changed: the same SKUs keep their history.
    expect(new Set(after)).toEqual(new Set(before));
    // …and were not dropped and recorded afresh on the way (each SKU's points are the very same array).
    const remade = before.filter((sku) => sku !== changed && history.stock[sku] !== arrays.get(sku));
    expect(remade.length).toBe(0);
    expect(history.stock[changed]!.at(-1)![1]).toBe(6);
  });
});
