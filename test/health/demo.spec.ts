// The demo is a merchant's first look: it must not raise alerts of its own making (fields its
// practice CRM lacks, statuses or SKUs its own seed data trips over). A real demo world: practice
// shops and CRM on 127.0.0.1, a throwaway data folder, full sync passes.
import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoWorld } from '../../cli/commands/demo';
import { removeTempDirs, tempDir } from '../helpers';

let demo: DemoWorld | undefined;
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
  await removeTempDirs();
});

describe('backroom demo', () => {
  it('raises no alert and no error of its own making', async () => {
    demo = await startDemo({ dataDir: await tempDir('br-demo-'), orderEveryMs: 3_600_000, schedule: false });
    const api = demo.host.client;
    await api.call('sync.run', {});
    await api.call('sync.run', {});
    const alerts = await api.call('alerts.list', {});
    expect(alerts.map((a) => a.message)).toEqual([]);
    expect((await api.call('errors.list', {})).map((e) => e.message)).toEqual([]);
    expect((await api.call('status')).health.overall).toBe('ok');
  }, 120_000);
});
