// The engine and the scheduler see the store only through the repositories they are given (the
// seam `backroom daemon --store postgres://` needs): here the repositories are over one data folder
// and the legacy Store handed on to the jobs is another, empty one. Health, the state word, a retry
// and the scheduler's plan must all come from the repositories' folder.
import { afterEach, describe, expect, it } from 'vitest';
import { Shop } from '../../core/model';
import { Engine } from '../../core/engine/engine';
import { Scheduler } from '../../core/engine/scheduler';
import { FakeClock } from '../../core/runtime/clock';
import { EventBus } from '../../core/runtime/events';
import { clearErrorIn, recordErrorIn } from '../../core/runtime/issues';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterEach(removeTempDirs);

const refuse = () => Promise.reject(new Error('no platform in this test'));

describe('the engine over its repositories only', () => {
  it('reads shops, markers and errors through `repos`, never the Store it hands on', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const repos = jsonRepositories(await openStore(await tempDir('br-repos-')));
    const legacy = await openStore(await tempDir('br-legacy-'));
    const operation = { kind: 'test-op', args: { shop: 'Main' } };
    await repos.write(async (w) => {
      const main = Shop.parse({ name: 'Main', prefix: 'WO', platform: 'woocommerce', url: 'https://shop.example.com', statuses: ['processing'], location: { kind: 'combined' }, secretRef: 'shop-main', addedAt: '2026-01-01T00:00:00.000Z' });
      await w.settings.update({ shops: [main] });
      await recordErrorIn(w.issues, clock.now(), { source: { kind: 'shop', name: 'Main' }, operation, object: 'a test operation', message: 'HTTP 503' });
    }, [{ shop: 'Main', lastRun: { orders: '2026-03-02T07:00:00.000Z' } }]);

    const events = new EventBus();
    const engine = new Engine({ repos, store: legacy, clock, events, connectorFactory: refuse, crmConnectorFactory: refuse });
    await engine.ready;
    const health = await engine.health();
    expect(health.shops.map((s) => [s.name, s.state, s.lastSuccessAt])).toEqual([['Main', 'attention', '2026-03-02T07:00:00.000Z']]);
    expect(engine.overallState()).toBe('errors');

    // A retry finds the error where it is stored and reads the outcome back from there.
    engine.retryHandlers.set('test-op', async () => void (await repos.write((w) => clearErrorIn(w.issues, operation))));
    const [entry] = await repos.issues.errors();
    expect(await engine.retryError(entry!.id)).toEqual({ resolved: true });
    expect(engine.overallState(), 'the state word follows the retry').toBe('ok');

    const scheduler = new Scheduler(engine, clock, events, () => 2000);
    await scheduler.start();
    try {
      expect(scheduler.nextRuns.map((n) => `${n.job}:${n.target}`).sort()).toEqual(['carts:Main', 'orders:Main', 'reconcile:Main']);
    } finally {
      await scheduler.stop();
    }
    expect(legacy.main.data.shops, 'the Store handed on is left alone').toEqual([]);
  });
});
