// The tray tells the same health as the window, the TUI and `status`: a real engine with a shop
// whose keys are refused, its `state` events wired to the tray controller as main.ts wires them.
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../test/helpers';
import { openWorld, type World } from '../test/sync/world';
import { createTrayController, type TrayAction, type TrayMenuItem, type TrayState } from './tray.main';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('tray health', () => {
  it('shows a refused shop as needing attention with the reason, and still offers Resume while paused', async () => {
    world = await openWorld({ shops: [{ name: 'Refused' }] });
    const api = world.host.client;
    const sandbox = world.shops.get('Refused')!;
    await api.call('shop.remove', { name: 'Refused' });
    await api.call('shop.add', { platform: 'woocommerce', name: 'Refused', url: sandbox.url, key: sandbox.credentials.key, secret: 'cs_0000000000000000000000000000000000000bad', combined: true });

    const port = { icon: 'ok' as TrayState, tooltip: '', menu: [] as TrayMenuItem[] };
    const initial = await api.call('engine.state');
    createTrayController({
      initialState: initial.state,
      initialDetail: { paused: initial.paused },
      onState: (listener) => api.on('state', (e) => listener(e.state, { paused: e.paused, reason: e.reason })),
      createTray: () => ({
        setIcon: (s) => void (port.icon = s),
        setToolTip: (t) => void (port.tooltip = t),
        setMenu: (items) => void (port.menu = items),
        onClick: () => undefined,
        destroy: () => undefined,
      }),
      actions: {
        syncNow: async () => undefined, pause: async () => undefined, resume: async () => undefined, showWindow: () => undefined, hideWindow: () => undefined,
        isWindowVisible: () => false, quit: () => undefined, getStartAtLogin: () => null, setStartAtLogin: () => undefined, reportError: () => undefined,
      },
    });
    await api.call('sync.run', {});
    expect(port.icon).toBe('errors');
    expect(port.tooltip).toMatch(/^Backroom: needs attention — Refused: the shop refused Backroom's keys/);
    expect(port.tooltip.length).toBeLessThanOrEqual(127);

    await api.call('engine.pause');
    expect(port.icon).toBe('errors');
    const action = (a: TrayAction) => port.menu.find((i) => i.action === a);
    expect(action('resume')?.label).toBe('Resume syncing');
    expect(action('pause')).toBeUndefined();
    expect(port.tooltip).toMatch(/^Backroom: needs attention \(syncing paused\) — Refused: /);
  });
});
