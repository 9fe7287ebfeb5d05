// Test helpers for the terminal UI: render the real app (or one screen) through ink-testing-library
// with a chosen terminal size, against a real engine on a temp data directory.
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterEach, beforeEach } from 'vitest';
import { typedClient, type ApiClient } from '../../../core/api/client';
import { dispatch } from '../../../core/api/server';
import { hostEngine, type EngineHost } from '../../../core/host/host';
import type { Cart, Order } from '../../../core/model';
import { applyCommitmentIn } from '../../../core/jobs/commitments';
import { removeTempDirs, tempDir } from '../../../test/helpers';
import { App } from '../app';
import { Providers } from '../root';

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

export interface RenderOptions {
  client: ApiClient;
  hosted?: boolean;
  columns?: number;
  rows?: number;
  color?: boolean;
  label?: string;
}

export interface Rendered {
  frame(): string;
  /** Types keys one at a time, letting the UI settle after each. */
  press(...keys: string[]): Promise<void>;
  /** Waits until the frame contains `text` (or matches it); fails with the last frame. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  unmount(): void;
  quit: { count: number };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A frame whose screen has its data (no "Loading…" left) and shows the help line. Wait for this,
 * not for a while: on a busy machine or a slow engine a fixed wait checks a half-drawn screen.
 */
export const LOADED = /^(?![\s\S]*Loading…)[\s\S]*q quit/;

/**
 * Lets the UI finish what a key started, in event-loop turns rather than milliseconds: Ink hands a
 * lone escape on at the next turn and React renders on later ones, so the frame is read once it
 * has stayed the same for a few turns in a row (at most a few hundred turns; nothing timed). Work
 * that waits on the engine is not covered: the tests wait for what it shows with `waitFor`.
 */
async function settle(frame: () => string): Promise<void> {
  let last = frame();
  let still = 0;
  for (let i = 0; i < 500 && still < 5; i++) {
    await turn();
    const now = frame();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

/** Renders `ui` (default: the whole app) inside the app's providers, at `columns`×`rows`. */
export function renderTui(options: RenderOptions, ui?: ReactElement): Rendered {
  const quit = { count: 0 };
  const tree = (
    <Providers connection={{ client: options.client, hosted: options.hosted ?? true, label: options.label }} theme={{ color: options.color ?? false }}>
      {ui ?? <App onQuit={() => void quit.count++} />}
    </Providers>
  );
  const instance = render(tree);
  const stdout = instance.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  const size = { columns: options.columns ?? 80, rows: options.rows ?? 24 };
  Object.defineProperty(stdout, 'columns', { get: () => size.columns, configurable: true });
  Object.defineProperty(stdout, 'rows', { get: () => size.rows, configurable: true });
  stdout.emit('resize');
  const frame = () => instance.lastFrame() ?? '';
  return {
    frame,
    quit,
    async press(...keys) {
      for (const key of keys) {
        instance.stdin.write(key);
        await settle(frame);
      }
    },
    async waitFor(text, timeoutMs = 4000) {
      // The budget is this process's CPU time, not the wall clock: on a busy machine the UI gets the
      // CPU it needs later, not less of it. A UI that sits idle without ever showing the text still
      // fails, after five budgets of wall time (well inside the test's own limit).
      const cpuMs = () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      };
      const cpuStart = cpuMs();
      const wallDeadline = Date.now() + 5 * timeoutMs;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (cpuMs() - cpuStart > timeoutMs || Date.now() > wallDeadline) throw new Error(`the frame never showed ${String(text)}; last frame:\n${current}`);
        await tick(10);
      }
    },
    resize(columns, rows) {
      size.columns = columns;
      size.rows = rows;
      stdout.emit('resize');
    },
    unmount: () => instance.unmount(),
  };
}

/** A real engine (no socket, no scheduler) on a fresh temp data directory. */
export async function testEngine(): Promise<EngineHost> {
  const host = await hostEngine({ dataDir: await tempDir('br-tui-'), serve: false });
  if (!host) throw new Error('could not host a test engine');
  return host;
}

/** The engine and the frames of one test, from `seededEngine`. */
export interface TuiFixture {
  /** The running test's engine (a fresh one for every test). */
  readonly host: EngineHost;
  /** `renderTui` on the engine's client (unless another is given); unmounted when the test ends. */
  render(options?: Partial<RenderOptions>, ui?: ReactElement): Rendered;
  /** Closed when the test ends, before the engine, last given first: sandboxes, worlds, a second engine. */
  closeAfter<T extends { close(): Promise<unknown> }>(thing: T): T;
}

/**
 * The set-up every terminal UI test shares, as hooks of the file (or describe block) that calls it:
 * before each test a real engine on a fresh folder, seeded (unless `seed: false`); after it, every
 * frame rendered is unmounted and everything handed to `closeAfter` closed, then the engine, then
 * the temporary folders — in that order, so no frame polls an engine that is gone.
 */
export function seededEngine(options: { seed?: boolean } = {}): TuiFixture {
  let current: EngineHost | undefined;
  const rendered: Rendered[] = [];
  const closers: { close(): Promise<unknown> }[] = [];
  beforeEach(async () => {
    current = await testEngine();
    if (options.seed ?? true) await seed(current);
  });
  afterEach(async () => {
    for (const ui of rendered.splice(0)) ui.unmount();
    for (const thing of closers.splice(0).reverse()) await thing.close();
    await current?.close();
    current = undefined;
    await removeTempDirs();
  });
  return {
    get host() {
      if (!current) throw new Error('the test engine exists only while a test runs');
      return current;
    },
    render(renderOptions = {}, ui) {
      const frame = renderTui({ ...renderOptions, client: renderOptions.client ?? this.host.client }, ui);
      rendered.push(frame);
      return frame;
    },
    closeAfter(thing) {
      closers.push(thing);
      return thing;
    },
  };
}

/**
 * The engine's API with a gate in front of every call: `gate` may hold a call (a slow engine, a
 * busy machine) until the test lets it through, so what the UI shows meanwhile is tested on purpose
 * instead of by the luck of timing.
 */
export function gatedClient(host: EngineHost, gate: (method: string, params: unknown) => Promise<void>): ApiClient {
  return typedClient(
    'direct',
    async (method, params) => {
      await gate(method, params);
      return structuredClone(await dispatch(host.ctx, method, params));
    },
    (listener) => host.ctx.events.onAny(listener),
    async () => undefined,
  );
}

/** Seeds a location, stock, a shop (no network is touched), errors, alerts and orders. */
export async function seed(host: EngineHost): Promise<void> {
  const api = host.client;
  await api.call('location.add', { name: 'Warehouse' });
  await api.call('location.add', { name: 'Shop floor' });
  await api.call('stock.set', { sku: 'TS-RED-M', location: 'Warehouse', quantity: 12 });
  await api.call('stock.set', { sku: 'TS-RED-M', location: 'Shop floor', quantity: 3 });
  await api.call('stock.set', { sku: 'MUG-01', location: 'Warehouse', quantity: 40 });
  await api.call('shop.add', { platform: 'woocommerce', name: 'Main shop', url: 'https://shop.example.com', key: 'ck_test', secret: 'cs_test', location: 'Warehouse' });
  const main = host.store.main.data;
  await host.store.checkpoint({ shop: 'Main shop', lastRun: { orders: new Date(Date.now() - 120_000).toISOString() }, lastSent: { 'TS-RED-M': 11 } });

  const at = new Date(Date.now() - 60_000).toISOString();
  host.store.issues.data.errors.push(
    { id: 'e1', source: { kind: 'shop', name: 'Main shop' }, operation: { kind: 'test-op', args: { fix: 'e1' } }, object: 'SKU TS-RED-M', message: 'stock push rejected: 500 Internal Server Error', firstAt: at, lastAt: at, attempts: 3, dismissed: false },
    { id: 'e2', source: { kind: 'shop', name: 'Main shop' }, operation: { kind: 'test-op', args: { fix: 'never' } }, object: 'order WO:1001', message: 'order import failed: 401 Unauthorized', firstAt: at, lastAt: at, attempts: 1, dismissed: false },
  );
  host.store.issues.data.alerts.push({ id: 'a1', key: 'unknown-sku:X', source: { kind: 'shop', name: 'Main shop' }, kind: 'unknown-sku', message: 'Order WO:1002 has SKU NOPE-1, which is not in the catalogue', count: 2, firstAt: at, lastAt: at, dismissed: false });
  await host.store.issues.save();
  // A retry handler for the seeded errors: `fix: e1` succeeds, anything else still fails.
  host.ctx.engine.retryHandlers.set('test-op', async (args) => {
    const errors = host.store.issues.data.errors;
    if (args.fix === 'never') {
      errors.find((e) => e.id === 'e2')!.attempts++;
      return;
    }
    host.store.issues.data.errors = errors.filter((e) => e.id !== args.fix);
  });

  const shop = main.shops[0]!;
  for (const [n, sku, status] of [[1001, 'TS-RED-M', 'processing'], [1002, 'MUG-01', 'completed']] as const) {
    const created = new Date(Date.now() - (1003 - n) * 3_600_000).toISOString();
    const order: Order = {
      shop: 'Main shop', remoteId: String(n), number: `WO:${n}`, remoteNumber: String(n), status, currency: 'EUR', total: '24.90',
      customer: { email: `anna${n}@example.com`, firstName: 'Anna', lastName: `Schmidt${n}`, phone: '', company: '' },
      lines: [{ lineId: `${n}1`, sku, name: sku === 'MUG-01' ? 'Ceramic mug' : 'Organic cotton T-shirt', quantity: 2, refundedQuantity: 0, productId: '1', total: '19.90' }],
      meta: {}, createdAt: created, modifiedAt: created, importedAt: created, fulfilment: 'unfulfilled', shipments: [],
    };
    await host.store.orders.put(order);
    await host.ctx.repos.write(async (w) => applyCommitmentIn(w, (await w.settings.get()).catalogue, order, shop, { at: new Date(), cause: 'order-edit' }));
    await host.store.checkpoint({ shop: 'Main shop', ordersImported: 1 });
  }
  await host.store.stock.save();
  await host.store.main.save();
}

/** Moves the selection to the top, then down until the selected line contains `text`. */
export async function selectRow(ui: Rendered, text: string, maxMoves = 60): Promise<void> {
  const selected = () => ui.frame().split('\n').find((l) => l.startsWith('›')) ?? '';
  if (!selected().includes(text)) await ui.press(KEYS.pageUp, KEYS.pageUp, KEYS.pageUp);
  for (let i = 0; i < maxMoves; i++) {
    if (selected().includes(text)) return;
    await ui.press(KEYS.down);
  }
  throw new Error(`no row containing "${text}" could be selected; frame:\n${ui.frame()}`);
}

/** Puts a cart into the engine's store, as the cart sweep would, `minutesOld` after its last activity. */
export async function putCart(host: EngineHost, cart: Partial<Cart> & { email: string }, minutesOld = 20): Promise<Cart> {
  const at = new Date(Date.now() - minutesOld * 60_000).toISOString();
  const id = cart.id ?? `Main shop#${Object.keys(host.store.carts.data.carts).length + 1}`;
  const full: Cart = {
    id, shop: 'Main shop', remoteId: id.split('#')[1] ?? '1', name: '', items: [], total: '10.00', currency: 'EUR', cartUrl: '',
    capturedAt: at, updatedAt: at, state: 'capturing', stateChangedAt: at, crmBlocked: false, crmChecks: {}, history: false, ...cart,
  };
  host.store.carts.data.carts[id] = full;
  await host.store.carts.save();
  return full;
}
