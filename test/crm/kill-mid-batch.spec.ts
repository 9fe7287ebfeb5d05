import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, tempDir, waitFor } from '../helpers';

let shop: WooSandbox | undefined;
let mc: MailchimpSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  await mc?.close();
  shop = undefined;
  mc = undefined;
  await removeTempDirs();
});

/** `backroom sync --once` in a real child process, killable at any moment. */
function startSync(dir: string) {
  const child = spawn(process.execPath, [BIN, '--data-dir', dir, 'sync', '--once'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

const polls = (sandbox: MailchimpSandbox, from = 0) => sandbox.log.slice(from).filter((l) => l.method === 'GET' && /^\/3\.0\/batches\/\w+/.test(l.path)).length;
const submits = (sandbox: MailchimpSandbox, from = 0) => sandbox.log.slice(from).filter((l) => l.method === 'POST' && l.path === '/3.0/batches').length;

describe('Mailchimp batches across a crash', () => {
  it('SIGKILLed while its batch runs, the restart polls that batch instead of submitting it again: each contact is tagged once', async () => {
    await ensureCliBuilt();
    shop = await startWooSandbox({ seed: { products: 3 } });
    mc = await startMailchimpSandbox();
    const emails = Array.from({ length: 20 }, (_, i) => `k${i}@example.com`);
    for (const email of emails) shop.addOrder({ status: 'processing', email });
    const dir = await tempDir('br-mc-kill-');
    for (const args of [
      ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret],
      ['crm', 'add', 'mailchimp', '--name', 'MC', '--key', mc.key, '--list', mc.listId, '--server', mc.server],
      ['rules', 'add', '--on', 'order-status', '--statuses', 'processing', '--apply', 'Customer'],
    ]) {
      const run = await runBin(['--data-dir', dir, ...args]);
      expect(run.code, run.stderr).toBe(0);
    }

    // A slow batch: the first run submits it and is killed while it polls.
    mc.holdBatches(true);
    const first = startSync(dir);
    await waitFor(() => polls(mc!) >= 1, 60_000, 'the first run to poll its batch');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(submits(mc)).toBe(1);

    const mark = mc.log.length;
    const second = startSync(dir);
    // Let the restart act on the batch (poll it, or submit another) before the batch may finish.
    await waitFor(() => polls(mc!, mark) >= 1 || submits(mc!, mark) >= 1, 60_000, 'the restart to pick up the CRM work');
    mc.holdBatches(false);
    expect((await second.exited).code).toBe(0);

    expect(mc.state.batches.size).toBe(1);
    for (const email of emails) {
      expect(mc.tagsOf(email)).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
  });
});
