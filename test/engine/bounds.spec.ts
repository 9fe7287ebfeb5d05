// Every setting has a range, checked where it is set, and no timer is armed beyond what the
// runtime can hold — whatever is stored.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fc, test as propTest } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, systemClock, timerClock, type TimerHost } from '../../core/runtime/clock';
import { hostEngine } from '../../core/host/host';
import { cliJson, removeTempDirs, tempDir } from '../helpers';

afterEach(removeTempDirs);

describe('timers', () => {
  it('a delay beyond 2^31−1 ms does not fire at once (Node would turn it into 1 ms)', async () => {
    let fired = 0;
    const cancel = systemClock.setTimer(2 ** 31 + 60_000, () => fired++);
    // Waiting can only make an early fire more likely to be seen, never hide one: no timing assumption.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    cancel();
    expect(fired).toBe(0);
  });

  /** Real-timer semantics on a virtual time line: delays over the cap become 1 ms, as Node does. */
  function virtualHost() {
    let now = 0;
    const armed: { at: number; fn: () => void; ms: number }[] = [];
    const requested: number[] = [];
    const host: TimerHost = {
      setTimeout(fn, ms) {
        requested.push(ms);
        const effective = ms > MAX_TIMER_MS || !Number.isFinite(ms) || ms < 1 ? 1 : ms;
        const timer = { at: now + effective, fn, ms };
        armed.push(timer);
        return timer;
      },
      clearTimeout(handle) {
        const i = armed.indexOf(handle as (typeof armed)[number]);
        if (i >= 0) armed.splice(i, 1);
      },
    };
    const runAll = () => {
      const fires: number[] = [];
      for (let steps = 0; armed.length && steps < 10_000; steps++) {
        armed.sort((a, b) => a.at - b.at);
        const next = armed.shift()!;
        now = next.at;
        next.fn();
        fires.push(now);
      }
      return fires;
    };
    return { host, now: () => now, requested, runAll };
  }

  propTest.prop([fc.oneof(fc.integer({ min: -1000, max: 2 ** 40 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 31, 2 ** 31 - 1))], { numRuns: 500 })(
    'any delay: never arms more than the runtime holds, and fires once, no earlier than asked',
    (ms) => {
      const world = virtualHost();
      let fired = 0;
      let firedAt = -1;
      timerClock(world.host, world.now).setTimer(ms, () => {
        fired++;
        firedAt = world.now();
      });
      world.runAll();
      expect(world.requested.every((r) => r <= MAX_TIMER_MS && r >= 0)).toBe(true);
      // Infinity cannot be waited for; like NaN and negatives it means "as soon as possible".
      const expected = Number.isFinite(ms) && ms > 0 ? ms : 0;
      expect(fired).toBe(1);
      expect(firedAt).toBeGreaterThanOrEqual(expected);
      expect(firedAt).toBeLessThanOrEqual(expected + 1);
    },
  );

  it('a cancelled long timer never fires, even mid-chain', () => {
    const world = virtualHost();
    let fired = 0;
    const cancel = timerClock(world.host, world.now).setTimer(3 * MAX_TIMER_MS, () => fired++);
    cancel();
    world.runAll();
    expect(fired).toBe(0);
  });
});

describe('setting ranges, in the merchant\'s words', () => {
  async function withShop() {
    const dataDir = await tempDir('br-bounds-');
    await cliJson(dataDir, ['init']);
    const added = await cliJson(dataDir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', 'http://127.0.0.1:9', '--key', 'ck_1', '--secret', 'cs_1', '--no-check']);
    expect(added.code).toBe(0);
    return dataDir;
  }

  it('a new shop is polled every 60 s (SPEC), not every 5 minutes', async () => {
    const dataDir = await withShop();
    const list = await cliJson<{ intervals: { ordersSeconds: number } }[]>(dataDir, ['shop', 'list']);
    expect(list.doc.ok && list.doc.result[0]!.intervals.ordersSeconds).toBe(60);
  });

  const outOfRange: [string[], RegExp][] = [
    [['shop', 'set', 'Main', '--poll-seconds', '86401'], /--poll-seconds.*30 seconds to 24 hours/],
    [['shop', 'set', 'Main', '--poll-seconds', '29'], /--poll-seconds.*30 seconds to 24 hours/],
    [['shop', 'set', 'Main', '--reconcile-seconds', '99999999'], /--reconcile-seconds.*1 minute to 7 days/],
    [['shop', 'set', 'Main', '--safety-buffer', '1000001'], /--safety-buffer.*0 units to 1,000,000 units/],
    [['settings', 'carts', '--sweep', '1441'], /--sweep.*1 minute to 24 hours/],
    [['settings', 'carts', '--sweep', '0'], /--sweep.*1 minute to 24 hours/],
    [['settings', 'carts', '--cutoff', '43201'], /--cutoff.*10 minutes to 30 days/],
    [['settings', 'carts', '--recovery-days', '366'], /--recovery-days.*1 day to 365 days/],
    [['settings', 'carts', '--recovery-days', '0'], /--recovery-days.*1 day to 365 days/],
  ];
  it.each(outOfRange)('backroom %j is refused naming the flag and the range', async (args, message) => {
    const dataDir = await withShop();
    const before = await readFile(join(dataDir, 'backroom.json'), 'utf8');
    const { code, doc } = await cliJson(dataDir, args);
    expect(code).toBe(2);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error.message).toMatch(message);
    expect(await readFile(join(dataDir, 'backroom.json'), 'utf8')).toBe(before);
  });

  it('the API refuses an out-of-range value with the setting in words, not its internal name', async () => {
    const dataDir = await tempDir('br-bounds-');
    const host = (await hostEngine({ dataDir }))!;
    try {
      const attempts: [string, Record<string, unknown>, RegExp][] = [
        ['settings.update', { stockPushDebounceMs: 60_001 }, /^Stock push wait after a change must be from 0 milliseconds to 60,000 milliseconds/],
        ['settings.update', { carts: { sweepMinutes: 40 * 24 * 60 } }, /^Cart sweep interval must be from 1 minute to 24 hours \(got 40 days\)/],
        ['settings.update', { carts: { recoveryWindowDays: 'soon' } }, /^Recovery window must be a whole number of days/],
      ];
      for (const [method, params, message] of attempts) {
        const error = await host.client.call(method as 'settings.update', params).then(() => null, (e: Error) => e);
        expect(error?.message).toMatch(message);
        expect(error?.message).not.toMatch(/stockPushDebounceMs|sweepMinutes|recoveryWindowDays|ordersSeconds/);
      }
    } finally {
      await host.close();
    }
  });

  it('a stored value from before the ranges is brought into range with an alert, and the engine opens', async () => {
    const dataDir = await withShop();
    const path = join(dataDir, 'backroom.json');
    const main = JSON.parse(await readFile(path, 'utf8')) as { shops: { intervals: { ordersSeconds: number } }[]; settings: { carts: { sweepMinutes: number } } };
    main.shops[0]!.intervals.ordersSeconds = 40 * 86_400; // beyond what a Node timer holds
    main.settings.carts.sweepMinutes = 0;
    await writeFile(path, JSON.stringify(main));
    const list = await cliJson<{ intervals: { ordersSeconds: number } }[]>(dataDir, ['shop', 'list']);
    expect(list.code).toBe(0);
    expect(list.doc.ok && list.doc.result[0]!.intervals.ordersSeconds).toBe(86_400);
    // Every alert as stored (alerts list shows them grouped, with the newest of each group only).
    const issues = JSON.parse(await readFile(join(dataDir, 'issues.json'), 'utf8')) as { alerts: { message: string }[] };
    const messages = issues.alerts.map((a) => a.message);
    expect(messages.some((m) => /Order pull interval of shop "Main" was 3456000 seconds.*now uses 86400 seconds/.test(m))).toBe(true);
    expect(messages.some((m) => /Cart sweep interval of cart settings was 0 minutes.*now uses 1 minutes/.test(m))).toBe(true);
    expect((JSON.parse(await readFile(path, 'utf8')) as typeof main).shops[0]!.intervals.ordersSeconds).toBe(86_400);
  });
});

describe('enumerations', () => {
  it.each([
    [['rules', 'add', '--on', 'order-status', '--statuses', 'procesing', '--apply', 'X'], "unknown status 'procesing' — did you mean 'processing'?"],
    [['shop', 'set', 'Main', '--statuses', 'processing,on-hld'], "unknown status 'on-hld' — did you mean 'on-hold'?"],
    [['settings', 'carts', '--recovery-statuses', 'complted'], "unknown status 'complted' — did you mean 'completed'?"],
    [['sync', '--job', 'ordres'], "unknown job 'ordres' — did you mean 'orders'?"],
    [['carts', 'list', '--state', 'abandonned'], "unknown state 'abandonned' — did you mean 'abandoned'?"],
    [['rules', 'add', '--on', 'cart-abandonned', '--apply', 'X'], "unknown event 'cart-abandonned' — did you mean 'cart-abandoned'?"],
  ])('backroom %j says: %s', async (args, message) => {
    const dataDir = await tempDir('br-enum-');
    await cliJson(dataDir, ['init']);
    await cliJson(dataDir, ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', 'http://127.0.0.1:9', '--key', 'ck_1', '--secret', 'cs_1', '--no-check']);
    const before = await readFile(join(dataDir, 'backroom.json'), 'utf8');
    const { code, doc } = await cliJson(dataDir, args);
    expect(code).toBe(2);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error.message).toContain(message);
    expect(await readFile(join(dataDir, 'backroom.json'), 'utf8')).toBe(before);
  });

  it('a custom status that is no typo of a known one is accepted (an upsell\'s main-order-accepted)', async () => {
    const dataDir = await tempDir('br-enum-');
    const { code } = await cliJson(dataDir, ['rules', 'add', '--on', 'order-status', '--statuses', 'wcf-main-order', '--apply', 'Upsell']);
    expect(code).toBe(0);
  });
});
