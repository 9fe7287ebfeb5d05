import type { Command } from 'commander';
import type { CrmView } from '../../core/api/namespaces/crm';
import { action, type CliDeps } from '../context';
import { table } from '../output';
import { ApiError } from '../../core/api/errors';

/** A refused key check says how to save the key anyway. */
async function withNoCheckHint<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const api = ApiError.from(error);
    if (api.code === 'failed' && api.field === 'key') throw new ApiError('failed', `${api.message} To save it without asking the CRM, add --no-check.`, api.field, api.details);
    throw error;
  }
}

function where(c: CrmView): string {
  return c.platform === 'activecampaign' ? `${c.url}${c.allowHttp ? ' (plain http allowed)' : ''}` : `audience ${c.listId}${c.server ? ` (${c.server})` : ''}`;
}

export function registerCrm(program: Command, deps: CliDeps): void {
  const crm = program.command('crm').description('the CRM that receives contacts and tags (ActiveCampaign, Mailchimp)');
  const add = crm.command('add').description('connect a CRM; its API key is kept in the secret store, never in backroom.json');

  add
    .command('activecampaign')
    .description('connect an ActiveCampaign account (API URL and key from Settings › Developer)')
    .option('--name <name>', 'a name for this connection, used by rules and other commands', 'ActiveCampaign')
    .requiredOption('--url <url>', 'the API URL, e.g. https://example.api-us1.com')
    .requiredOption('--key <key>', 'the API key')
    .option('--allow-http', 'allow a plain http:// address off this computer (the key then travels unencrypted)')
    .option('--no-check', 'save the key without first asking ActiveCampaign whether it accepts it')
    .action(action(deps, async ({ api, print }, opts: { name: string; url: string; key: string; allowHttp?: boolean; check: boolean }) => {
      const added = await withNoCheckHint((await api()).call('crm.add', { platform: 'activecampaign', name: opts.name, url: opts.url, key: opts.key, check: opts.check, ...(opts.allowHttp ? { allowHttp: true } : {}) }));
      print.result(added, () => `Added CRM "${added.name}" (ActiveCampaign, ${where(added)}). Check it with: backroom crm test "${added.name}"`);
    }));

  add
    .command('mailchimp')
    .description('connect a Mailchimp audience (API key from Profile › Extras › API keys)')
    .option('--name <name>', 'a name for this connection, used by rules and other commands', 'Mailchimp')
    .requiredOption('--key <key>', 'the API key; it ends with the data centre, e.g. …-us21')
    .requiredOption('--list <id>', 'the audience id (Audience › Settings › Audience name and defaults)')
    .option('--server <dc>', 'the data centre (e.g. us21) when the key does not end with one')
    .option('--no-check', 'save the key without first asking Mailchimp whether it accepts it')
    .action(action(deps, async ({ api, print }, opts: { name: string; key: string; list: string; server?: string; check: boolean }) => {
      const added = await withNoCheckHint((await api()).call('crm.add', { platform: 'mailchimp', name: opts.name, key: opts.key, listId: opts.list, server: opts.server, check: opts.check }));
      print.result(added, () => `Added CRM "${added.name}" (Mailchimp, ${where(added)}). Check it with: backroom crm test "${added.name}"`);
    }));

  crm
    .command('list')
    .description('list CRM connections (keys are never shown)')
    .action(action(deps, async ({ api, print }) => {
      const crms = await (await api()).call('crm.list');
      print.result(crms, () =>
        crms.length ? table(['CRM', 'PLATFORM', 'WHERE'], crms.map((c) => [c.name, c.platform, where(c)])) : 'No CRM yet. Add one: backroom crm add activecampaign --help');
    }));

  crm
    .command('test <name>')
    .description('check the key (and the Mailchimp audience) by asking the CRM')
    .action(action(deps, async ({ api, print }, name: string) => {
      const report = await (await api()).call('crm.test', { name });
      print.result(report, () => {
        const parts = [`account ${report.account}`];
        if (report.user) parts.push(`user ${report.user}`);
        if (report.listName) parts.push(`audience "${report.listName}"${report.memberCount !== undefined ? ` (${report.memberCount} subscribed)` : ''}`);
        return `CRM "${report.name}" (${report.platform}) answers: ${parts.join(', ')}.`;
      });
    }));

  crm
    .command('set <name>')
    .description("change a CRM connection's address or key (asked again before saving)")
    .option('--url <url>', 'ActiveCampaign: the new API URL')
    .option('--key <key>', 'a new API key')
    .option('--list <id>', 'Mailchimp: another audience id')
    .option('--server <dc>', 'Mailchimp: the data centre (e.g. us21)')
    .option('--no-check', 'save without first asking the CRM whether it accepts the key')
    .action(action(deps, async ({ api, print }, name: string, opts: { url?: string; key?: string; list?: string; server?: string; check: boolean }) => {
      const changed = await withNoCheckHint((await api()).call('crm.setConnection', { name, url: opts.url, key: opts.key, listId: opts.list, server: opts.server, check: opts.check }));
      print.result(changed, () => `Updated CRM "${changed.name}" (${where(changed)}).${opts.check ? ' It accepted the key.' : ''}`);
    }));

  crm
    .command('remove <name>')
    .description('disconnect a CRM and delete its stored key')
    .action(action(deps, async ({ api, print }, name: string) => {
      const result = await (await api()).call('crm.remove', { name });
      print.result(result, () => `Removed CRM "${name}" and its key.`);
    }));
}
