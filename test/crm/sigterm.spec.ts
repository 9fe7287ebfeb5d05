import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, tempDir, waitFor } from '../helpers';

let shop: WooSandbox | undefined;
let ac: ActiveCampaignSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  await ac?.close();
  shop = undefined;
  ac = undefined;
  await removeTempDirs();
});

const tagPosts = (sandbox: ActiveCampaignSandbox) => sandbox.log.filter((l) => l.method === 'POST' && l.path === '/api/3/contactTags' && l.status < 300).length;

describe('stopping the daemon during a long CRM backlog', () => {
  it('SIGTERM stops it between requests instead of draining the backlog, and the restart does the rest exactly once', async () => {
    await ensureCliBuilt();
    shop = await startWooSandbox({ seed: { products: 3 } });
    ac = await startActiveCampaignSandbox();
    // At ActiveCampaign's 5 requests a second, 60 new contacts (upsert + tag each) take about 25 s.
    // The rule also removes a tag: removals go one contact at a time (the bulk import only adds tags),
    // so this backlog is worked request by request and there is a "between requests" to stop at.
    const emails = Array.from({ length: 60 }, (_, i) => `t${i}@example.com`);
    for (const email of emails) shop.addOrder({ status: 'processing', email });
    const dir = await tempDir('br-sigterm-');
    for (const args of [
      ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret],
      ['crm', 'add', 'activecampaign', '--name', 'AC', '--url', ac.accountUrl, '--key', ac.key],
      ['rules', 'add', '--on', 'order-status', '--statuses', 'processing', '--apply', 'Customer', '--remove', 'Prospect'],
    ]) {
      const run = await runBin(['--data-dir', dir, ...args]);
      expect(run.code, run.stderr).toBe(0);
    }

    const daemon = spawn(process.execPath, [BIN, '--data-dir', dir, 'daemon'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => tagPosts(ac!) >= 3, 90_000, 'the CRM backlog to be under way');
    } catch (error) {
      daemon.kill('SIGKILL');
      throw error;
    }
    const sentAt = Date.now();
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stopSeconds = (Date.now() - sentAt) / 1000;
    // Service managers kill after 90 s; Backroom promises 10 s. Measured generously: a busy machine
    // may be slow, but draining the backlog would take tens of seconds more than this bound.
    expect(stopSeconds).toBeLessThan(30);
    const tagged = tagPosts(ac);
    expect(tagged).toBeLessThan(emails.length);
    console.info(`SIGTERM to exit: ${stopSeconds.toFixed(1)} s, ${tagged} of ${emails.length} contacts tagged before stopping`);

    // The restart picks up where the queue was left: every contact tagged, none twice.
    const rest = await runBin(['--data-dir', dir, 'sync', '--once', '--job', 'crm']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(tagPosts(ac)).toBe(emails.length);
    for (const email of emails) expect(ac.tagsOf(email), email).toEqual(['Customer']);
  }, 240_000);
});
