// End to end: the real `backroom` binary in tmux (80×24), attached to a `backroom daemon` that syncs a
// sandbox WooCommerce shop. A 401 on the order pull leaves an error; the merchant opens Errors,
// retries it, and sees it resolved; a checkout left open shows up on Carts when it is captured.
// Assertions are on the text tmux captures from the pane.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { BIN, ROOT, cliJson, ensureCliBuilt, okResult, removeTempDirs, tempDir, waitFor } from '../helpers';

const TMUX = '/usr/bin/tmux';
const hasTmux = existsSync(TMUX);
const run = promisify(execFile);
const socket = `backroom-e2e-${process.pid}`;
const session = 'tui';

const tmux = async (...args: string[]) => (await run(TMUX, ['-L', socket, ...args])).stdout;
const pane = () => tmux('capture-pane', '-p', '-t', session);
async function waitForPane(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
  let last = '';
  try {
    await waitFor(async () => {
      last = await pane();
      return typeof text === 'string' ? last.includes(text) : text.test(last);
    }, timeoutMs, String(text));
  } catch {
    throw new Error(`the pane never showed ${String(text)}; it shows:\n${last}`);
  }
  return last;
}
/**
 * Presses one key (its own send-keys, so tmux never sends it together with another as a paste).
 * Each press is followed by waiting for what it shows on the pane, never by waiting a while.
 */
async function press(key: string): Promise<void> {
  await tmux('send-keys', '-t', session, key);
}

describe.skipIf(!hasTmux)('backroom TUI in tmux against a daemon and the sandbox', () => {
  let shop: WooSandbox;
  let daemon: ChildProcess;
  let dir: string;
  let daemonOut = '';

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = await tempDir('br-tui-e2e-');
    shop = await startWooSandbox({ seed: { products: 3, orders: 2 } });
    daemon = spawn(process.execPath, [BIN, '--data-dir', dir, 'daemon'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout!.on('data', (d: Buffer) => (daemonOut += d.toString()));
    daemon.stderr!.on('data', (d: Buffer) => (daemonOut += d.toString()));
    await waitFor(() => daemonOut.includes('Backroom engine running'), 15_000, 'the daemon to start');
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
    await shop?.close();
    await removeTempDirs();
  });

  it('navigates to Errors, retries one, and sees it resolved; q leaves the daemon running', async () => {
    // The shop refuses the first order pull: the daemon's first scheduled pull records an error.
    shop.inject({ kind: 'status', status: 401, times: 1, match: /\/orders(\?|$)/ });
    okResult((await cliJson(dir, ['shop', 'add', 'woocommerce', '--name', 'Sandbox', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret])).doc);
    await waitFor(async () => okResult((await cliJson<unknown[]>(dir, ['errors', 'list'])).doc).length === 1, 15_000, 'the pull error');

    await tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `cd ${ROOT} && BACKROOM_SECRETS=file NO_COLOR=1 ${process.execPath} ${BIN} --data-dir ${dir}; echo "exit $?"; sleep 30`);
    const dashboard = await waitForPane(/Sandbox\s+woocommerce WO\s+Needs attention/);
    expect(dashboard).toContain('[1 Dashboard]');
    expect(dashboard).toMatch(/attached to engine pid \d+ \(q leaves it running\)/);
    expect(dashboard).toContain('2 Errors (1)');

    await press('2');
    const errors = await waitForPane('Open errors (1)');
    expect(errors).toMatch(/› .*shop Sandbox/);
    await press('Enter');
    await waitForPane(/Message:\s+\S/);
    await press('r');
    await waitForPane('Done: retry worked');
    await press('Escape');
    const after = await waitForPane('Open errors (0)');
    expect(after).toContain('No open errors. Everything is in step.');
    expect(after).toContain('[2 Errors]');
    expect(okResult((await cliJson<unknown[]>(dir, ['errors', 'list'])).doc)).toHaveLength(0);

    // Carts: a checkout left open is captured by a cart sweep run from another terminal; the screen
    // shows it through the engine's change event, without a key press.
    await press('6');
    await waitForPane(/Carts: \d+/);
    shop.addOrder({ status: 'checkout-draft', email: 'left-open@example.com' });
    okResult((await cliJson(dir, ['sync', '--once', '--job', 'carts'])).doc);
    expect(await waitForPane(/capturing\s+left-open@example\.com/)).toMatch(/f next state/);

    await press('1');
    await waitForPane(/Sandbox\s+woocommerce WO\s+(OK|Syncing)/);

    await press('q');
    const bye = await waitForPane('exit 0');
    expect(bye).toContain('Left the Backroom engine running.');
    expect(daemon.exitCode).toBeNull();
    const status = okResult((await cliJson<{ engine: { pid: number } | null }>(dir, ['status'])).doc);
    expect(status.engine?.pid).toBe(daemon.pid);
  });

  it('hosts the engine itself when none runs, says so, and q stops it cleanly', async () => {
    const own = await tempDir('br-tui-e2e-host-');
    await tmux('new-session', '-d', '-s', 'host', '-x', '80', '-y', '24', `cd ${ROOT} && BACKROOM_SECRETS=file ${process.execPath} ${BIN} --data-dir ${own}; echo "exit $?"; sleep 30`);
    const capture = () => tmux('capture-pane', '-p', '-t', 'host');
    await waitFor(async () => (await capture()).includes('engine hosted here (q stops it)'), 15_000, 'the hosted TUI');
    await tmux('send-keys', '-t', 'host', 'q');
    await waitFor(async () => (await capture()).includes('exit 0'), 15_000, 'the TUI to exit');
    expect(await capture()).toContain('Backroom engine stopped; everything is saved.');
    // The lock is released: a plain command now opens the store directly.
    const status = okResult((await cliJson<{ engine: unknown; via: string }>(own, ['status'])).doc);
    expect(status.engine).toBeNull();
  });
});

describe.skipIf(hasTmux)('backroom TUI in tmux', () => {
  it.skip('tmux is not installed at /usr/bin/tmux, so the end-to-end TUI test was skipped', () => undefined);
});
