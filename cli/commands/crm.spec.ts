import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { cli, parseJson, removeTempDirs, tempDir } from '../../test/helpers';

let ac: ActiveCampaignSandbox;
let mc: MailchimpSandbox;
let dir: string;
const run = (...args: string[]) => cli(['--data-dir', dir, ...args]);
const json = async (...args: string[]) => {
  const result = await run('--json', ...args);
  return { code: result.code, doc: parseJson<Record<string, unknown>>(result) };
};

beforeAll(async () => {
  ac = await startActiveCampaignSandbox();
  mc = await startMailchimpSandbox({ key: 'feedfacefeedfacefeedfacefeedface-us21' });
});
afterAll(async () => {
  await ac.close();
  await mc.close();
});
beforeEach(async () => {
  dir = await tempDir('br-crm-');
});
afterEach(removeTempDirs);

describe('backroom crm', () => {
  it('adds, lists, tests and removes an ActiveCampaign connection, keeping the key out of settings and output', async () => {
    const added = await json('crm', 'add', 'activecampaign', '--name', 'Main', '--url', `${ac.accountUrl}/api/3/`, '--key', ac.key);
    expect(added).toEqual({ code: 0, doc: { ok: true, result: { name: 'Main', platform: 'activecampaign', url: ac.accountUrl, addedAt: expect.any(String), hasCredentials: true } } });

    const list = await json('crm', 'list');
    expect(list.code).toBe(0);
    expect(list.doc).toMatchObject({ ok: true, result: [{ name: 'Main', platform: 'activecampaign' }] });
    expect(JSON.stringify(list.doc)).not.toContain(ac.key);
    expect(await readFile(join(dir, 'backroom.json'), 'utf8')).not.toContain(ac.key);

    const tested = await json('crm', 'test', 'Main');
    expect(tested).toEqual({ code: 0, doc: { ok: true, result: { ok: true, platform: 'activecampaign', name: 'Main', account: new URL(ac.accountUrl).host, user: 'admin@sandbox.example', requests: 1 } } });

    const human = await run('crm', 'list');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^CRM\s+PLATFORM\s+WHERE\nMain\s+activecampaign\s+http:\/\/127\.0\.0\.1:\d+\n$/);

    expect(await json('crm', 'remove', 'Main')).toEqual({ code: 0, doc: { ok: true, result: { removed: 'Main' } } });
    expect((await json('crm', 'list')).doc).toEqual({ ok: true, result: [] });
    expect((await json('crm', 'test', 'Main')).code).toBe(2);
  });

  it('adds a Mailchimp audience, deriving the data centre from the key, and tests it', async () => {
    const bad = await json('crm', 'add', 'mailchimp', '--name', 'News', '--key', 'nodatacentre', '--list', mc.listId);
    expect(bad.code).toBe(2);
    expect(bad.doc).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'key' } });

    const derived = await json('crm', 'add', 'mailchimp', '--name', 'Real', '--key', 'abc123abc123-us21', '--list', 'l1', '--no-check');
    expect(derived.doc).toMatchObject({ ok: true, result: { platform: 'mailchimp', server: 'us21', listId: 'l1' } });

    const added = await json('crm', 'add', 'mailchimp', '--name', 'News', '--key', mc.key, '--list', mc.listId, '--server', mc.server);
    expect(added.code).toBe(0);
    const tested = await json('crm', 'test', 'News');
    expect(tested).toEqual({
      code: 0,
      doc: { ok: true, result: { ok: true, platform: 'mailchimp', name: 'News', account: 'Sandbox Shop', user: 'owner@sandbox.example', listName: 'Sandbox Shop Customers', memberCount: 0, requests: 2 } },
    });
    const human = await run('crm', 'test', 'News');
    expect(human.stdout).toBe('CRM "News" (mailchimp) answers: account Sandbox Shop, user owner@sandbox.example, audience "Sandbox Shop Customers" (0 subscribed).\n');
  });

  it('refuses bad input with exit 2 naming the field', async () => {
    const http = await json('crm', 'add', 'activecampaign', '--name', 'A', '--url', 'http://example.api-us1.com', '--key', 'k');
    expect(http).toMatchObject({ code: 2, doc: { ok: false, error: { code: 'bad-input', field: 'url' } } });
    expect((http.doc as { error: { message: string } }).error.message).toMatch(/plain http/);

    await run('crm', 'add', 'activecampaign', '--name', 'A', '--url', ac.accountUrl, '--key', ac.key);
    const dup = await json('crm', 'add', 'mailchimp', '--name', 'a', '--key', mc.key, '--list', 'x');
    expect(dup).toMatchObject({ code: 2, doc: { ok: false, error: { code: 'conflict', field: 'name' } } });

    const missing = await run('crm', 'add', 'activecampaign', '--name', 'B', '--url', ac.accountUrl);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key');

    expect((await json('crm', 'remove', 'Nope')).doc).toMatchObject({ ok: false, error: { code: 'not-found', field: 'name' } });
  });

  it('exits 1 with one plain message and no key when the CRM refuses the key', async () => {
    const wrongKey = 'wrong-key-abcdef123456';
    await run('crm', 'add', 'activecampaign', '--name', 'Old', '--url', ac.accountUrl, '--key', wrongKey, '--no-check');
    const before = ac.log.length;
    const tested = await json('crm', 'test', 'Old');
    expect(tested.code).toBe(1);
    expect(tested.doc).toMatchObject({ ok: false, error: { code: 'failed' } });
    const message = (tested.doc as { error: { message: string } }).error.message;
    expect(message).toMatch(/^CRM "Old": ActiveCampaign answered HTTP 403: the API key was refused/);
    expect(message).not.toContain(wrongKey);
    expect(ac.log.length - before).toBe(1);

    const human = await run('crm', 'test', 'Old');
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).not.toContain(wrongKey);
  });

  it('prints help for every crm command', async () => {
    for (const args of [['crm', '--help'], ['crm', 'add', 'activecampaign', '--help'], ['crm', 'add', 'mailchimp', '--help'], ['crm', 'test', '--help']]) {
      const help = await run(...args);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: backroom crm/);
    }
  });
});
