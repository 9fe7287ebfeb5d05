import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, tempDir, waitFor } from '../helpers';

let shop: WooSandbox | undefined;
let ac: ActiveCampaignSandbox | undefined;
let mc: MailchimpSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  await ac?.close();
  await mc?.close();
  shop = undefined;
  ac = undefined;
  mc = undefined;
  await removeTempDirs();
});

/** `backroom sync --once` in a real child process, killable at any moment. */
function startSync(dir: string) {
  const child = spawn(process.execPath, [BIN, '--data-dir', dir, 'sync', '--once'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

async function setUp(contacts: number, crmArgs: string[]) {
  await ensureCliBuilt();
  shop = await startWooSandbox({ seed: { products: 3 } });
  const emails = Array.from({ length: contacts }, (_, i) => `bulkkill${i}@example.com`);
  for (const email of emails) shop.addOrder({ status: 'processing', email });
  const dir = await tempDir('br-crm-bulk-kill-');
  for (const args of [
    ['shop', 'add', 'woocommerce', '--name', 'Main', '--url', shop.url, '--key', shop.credentials.key, '--secret', shop.credentials.secret],
    crmArgs,
    ['rules', 'add', '--on', 'order-status', '--statuses', 'processing', '--apply', 'Customer'],
  ]) {
    const run = await runBin(['--data-dir', dir, ...args]);
    expect(run.code, run.stderr).toBe(0);
  }
  return { dir, emails };
}

describe('bulk contact upserts across a crash', () => {
  it('ActiveCampaign: SIGKILLed while its import runs, the restart polls that import instead of importing again: each contact tagged once', async () => {
    ac = await startActiveCampaignSandbox();
    const { dir, emails } = await setUp(40, ['crm', 'add', 'activecampaign', '--name', 'AC', '--url', ac.accountUrl, '--key', ac.key]);
    const infoReads = (from = 0) => ac!.log.slice(from).filter((l) => l.method === 'GET' && l.path.startsWith('/api/3/import/info')).length;
    const submits = (from = 0) => ac!.log.slice(from).filter((l) => l.method === 'POST' && l.path === '/api/3/import/bulk_import').length;

    ac.holdImports(true);
    const first = startSync(dir);
    await waitFor(() => infoReads() >= 1, 60_000, 'the first run to read its import status');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(submits()).toBe(1);

    const mark = ac.log.length;
    const second = startSync(dir);
    await waitFor(() => infoReads(mark) >= 1 || submits(mark) >= 1, 60_000, 'the restart to pick up the CRM work');
    ac.holdImports(false);
    expect((await second.exited).code).toBe(0);

    expect(ac.state.imports.size).toBe(1);
    for (const email of emails) {
      expect(ac.tagsOf(email), email).toEqual(['Customer']);
      const contact = ac.contactByEmail(email)!;
      expect(ac.state.applications.filter((a) => a.contact === contact.id), email).toHaveLength(1);
    }
    expect(ac.tagCount('Customer')).toBe(1);
  }, 180_000);

  it('Mailchimp: SIGKILLed while its member-upsert batch runs, the restart upserts again (harmless) and sets each tag once', async () => {
    mc = await startMailchimpSandbox();
    const { dir, emails } = await setUp(60, ['crm', 'add', 'mailchimp', '--name', 'MC', '--key', mc.key, '--list', mc.listId, '--server', mc.server]);
    const polls = (from = 0) => mc!.log.slice(from).filter((l) => l.method === 'GET' && /^\/3\.0\/batches\/\w+/.test(l.path)).length;
    const submits = (from = 0) => mc!.log.slice(from).filter((l) => l.method === 'POST' && l.path === '/3.0/batches').length;

    mc.holdBatches(true);
    const first = startSync(dir);
    await waitFor(() => polls() >= 1, 60_000, 'the first run to poll its upsert batch');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(submits()).toBe(1);
    expect(emails.every((e) => mc!.tagsOf(e).length === 0)).toBe(true);

    const mark = mc.log.length;
    const second = startSync(dir);
    await waitFor(() => submits(mark) >= 1, 60_000, 'the restart to submit its upserts');
    mc.holdBatches(false);
    expect((await second.exited).code).toBe(0);

    for (const email of emails) {
      expect(mc.tagsOf(email), email).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
  }, 180_000);
});
