// CRM connections: added with their key (kept in the secret store, asked first), listed, tested, changed, removed.
import { z } from 'zod';
import { CrmConnection, Name } from '../../model';
import type { CrmTestReport } from '../../platforms/crm-types';
import { PlatformError } from '../../platforms/errors';
import { mailchimpBase } from '../../platforms/mailchimp/address';
import { dataCenterOf } from '../../platforms/mailchimp/wire';
import { isRefusedPlainHttp, type HttpPermission } from '../../platforms/url-policy';
import type { ApiContext } from '../context';
import { method, type WithoutSecretRef } from '../define';
import { ApiError, badInput, conflict, notFound, parseOrBadInput } from '../errors';
import { forgetIssuesIn } from '../forget-issues';
import { namespace } from '../namespace';

export type CrmView = WithoutSecretRef<CrmConnection>;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const CrmAddParams = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('activecampaign'),
    name: Name,
    /** The account's API URL (Settings › Developer), e.g. https://example.api-us1.com */
    url: nonEmpty,
    key: nonEmpty,
    /** Allow a plain-http address off this computer (the key then travels unencrypted). */
    allowHttp: z.boolean().optional(),
    /** Ask the CRM with this key before saving anything (the CLI, the window and the TUI do). */
    check: z.boolean().default(false),
  }).strict(),
  z.object({
    platform: z.literal('mailchimp'),
    name: Name,
    /** The key ends with its data centre (`…-us21`), which gives the API address. */
    key: nonEmpty,
    /** The audience id (Audience › Settings › Audience name and defaults). */
    listId: nonEmpty,
    /** A data centre (`us21`) when the key has none, or a sandbox URL on this computer. */
    server: nonEmpty.optional(),
    check: z.boolean().default(false),
  }).strict(),
]);

/** A CRM connection's address and key; what is left out stays. Re-tested unless `check` is false. */
export const CrmConnectionParams = z.object({
  name: Name,
  url: nonEmpty.optional(),
  key: nonEmpty.optional(),
  listId: nonEmpty.optional(),
  server: nonEmpty.optional(),
  check: z.boolean().default(true),
}).strict();
export type CrmAddParams = z.input<typeof CrmAddParams>;

export type CrmTestResult = CrmTestReport & { name: string; requests: number };

const contract = {
  'crm.add': method<CrmView>()(CrmAddParams),
  'crm.list': method<CrmView[]>()(z.object({}).strict()),
  'crm.test': method<CrmTestResult>()(z.object({ name: Name }).strict()),
  'crm.remove': method<{ removed: string }>()(z.object({ name: Name }).strict()),
  'crm.setConnection': method<CrmView>()(CrmConnectionParams),
};

export function crmView(crm: CrmConnection): CrmView {
  const { secretRef: _secretRef, ...rest } = crm;
  return { ...rest, hasCredentials: true };
}

/**
 * Checks an ActiveCampaign account URL. The key travels in a header, so plain http is refused
 * unless the account is on this computer (the sandbox). Returns the URL without /api/3 or a trailing slash.
 */
export function checkActiveCampaignUrl(input: string, permission: HttpPermission = {}): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(`"${input}" is not a URL; use the API URL from Settings › Developer in ActiveCampaign, e.g. https://example.api-us1.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${input}" must start with https://`);
  if (isRefusedPlainHttp(url, permission)) {
    throw new Error(`"${input}" uses plain http; Backroom only sends the API key over https, as anyone on the way could read it over plain http. Use the https:// address, or allow plain http for this account (--allow-http) if you accept that risk`);
  }
  if (url.username || url.password) throw new Error('the URL must not contain a user name or password; give the key with --key');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '').replace(/\/api\/3$/, '');
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Asks the CRM with this key before anything is saved: a refused key is one clear message now, not an error on every contact later. */
async function checkKey(crm: CrmConnection, credentials: { key: string }, what: string): Promise<void> {
  const { createCrmConnector } = await import('../../platforms/crm');
  try {
    await createCrmConnector(crm, credentials).test();
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    throw new ApiError('failed', `${what}: ${error.message} Nothing was saved.`, 'key');
  }
}

/** Saves a changed connection in the place of the one with its name (read in the unit, so other changes stay). */
async function replaceCrm(ctx: ApiContext, crm: CrmConnection): Promise<void> {
  await ctx.repos.write(async (w) => w.settings.update({ crms: (await w.settings.get()).crms.map((c) => (c.name === crm.name ? crm : c)) }));
}

export const crm = namespace(contract, {
  async 'crm.add'(params, ctx) {
    const main = await ctx.repos.settings.get();
    if (main.crms.some((c) => c.name.toLowerCase() === params.name.toLowerCase())) throw conflict('name', `A CRM connection called "${params.name}" already exists.`);
    const secretRef = `crm:${params.name}`;
    const base = { name: params.name, secretRef, addedAt: ctx.clock.now().toISOString() };
    let candidate: unknown;
    if (params.platform === 'activecampaign') {
      let url: string;
      try {
        url = checkActiveCampaignUrl(params.url, params);
      } catch (error) {
        throw badInput('url', message(error));
      }
      candidate = { ...base, platform: 'activecampaign', url, ...(params.allowHttp ? { allowHttp: true } : {}) };
    } else {
      const field = params.server ? 'server' : 'key';
      try {
        mailchimpBase(params.key, params.server);
      } catch (error) {
        throw badInput(field, `${field}: ${message(error)}`);
      }
      candidate = { ...base, platform: 'mailchimp', listId: params.listId, server: params.server ?? dataCenterOf(params.key) };
    }
    const valid = parseOrBadInput(CrmConnection, candidate);
    if (params.check) await checkKey(valid, { key: params.key }, `CRM "${valid.name}" was not added`);
    // Credentials first: if storing them fails, no settings entry points at a missing key.
    await ctx.repos.secrets.set(secretRef, { key: params.key });
    await ctx.repos.write(async (w) => w.settings.update({ crms: [...(await w.settings.get()).crms, valid] }));
    ctx.events.emit('changed', { area: 'settings' });
    return crmView(valid);
  },

  async 'crm.list'(_params, ctx) {
    return (await ctx.repos.settings.get()).crms.map(crmView);
  },

  async 'crm.test'({ name }, ctx) {
    const main = await ctx.repos.settings.get();
    const crm = main.crms.find((c) => c.name === name);
    if (!crm) throw notFound('name', `There is no CRM connection called "${name}". Known: ${main.crms.map((c) => c.name).join(', ') || 'none'}.`);
    const credentials = await ctx.repos.secrets.get(crm.secretRef);
    if (!credentials?.key) throw new ApiError('failed', `CRM "${name}" has no stored API key; remove it and add it again.`);
    // Loaded on use, so commands that never reach a CRM do not load the HTTP client.
    const { createCrmConnector } = await import('../../platforms/crm');
    const connector = createCrmConnector(crm, credentials);
    try {
      const report = await connector.test();
      return { ...report, name, requests: connector.stats.requests };
    } catch (error) {
      if (error instanceof PlatformError) throw new ApiError('failed', `CRM "${name}": ${error.message}`);
      throw error;
    }
  },

  async 'crm.remove'({ name }, ctx) {
    // The connection, its issues and its last run go in one unit (settings and issues durable before
    // the marker moves); its key only after, so a crash between leaves an unused key, never a CRM without one.
    const crm = await ctx.repos.write(async (w) => {
      const main = await w.settings.get();
      const found = main.crms.find((c) => c.name === name);
      if (!found) throw notFound('name', `There is no CRM connection called "${name}". Known: ${main.crms.map((c) => c.name).join(', ') || 'none'}.`);
      const rules = main.rules.filter((r) => r.crm === name);
      if (rules.length) throw conflict('name', `Rules ${rules.map((r) => r.id).join(', ')} send tags to "${name}"; remove them first (backroom rules remove ID).`);
      await w.settings.update({ crms: main.crms.filter((c) => c !== found) });
      await forgetIssuesIn(w.issues, { kind: 'crm', name });
      return found;
    }, [{ crm: name, lastSuccessAt: null }]);
    await ctx.repos.secrets.delete(crm.secretRef);
    ctx.events.emit('changed', { area: 'settings' });
    ctx.events.emit('changed', { area: 'issues' });
    return { removed: name };
  },

  async 'crm.setConnection'(params, ctx) {
    const main = await ctx.repos.settings.get();
    const index = main.crms.findIndex((c) => c.name === params.name);
    if (index < 0) throw notFound('name', `There is no CRM connection called "${params.name}". Known: ${main.crms.map((c) => c.name).join(', ') || 'none'}.`);
    const crm = main.crms[index]!;
    const key = params.key ?? (await ctx.repos.secrets.get(crm.secretRef))?.key;
    if (!key) throw badInput('key', `No API key is stored for CRM "${crm.name}"; give one with --key.`);
    let candidate: unknown;
    if (crm.platform === 'activecampaign') {
      const foreign = params.listId !== undefined ? 'listId' : params.server !== undefined ? 'server' : null;
      if (foreign) throw badInput(foreign, `CRM "${crm.name}" is ActiveCampaign: change its API URL with --url and its key with --key.`);
      if (params.url === undefined && params.key === undefined) throw badInput('key', `Give --url or --key for CRM "${crm.name}".`);
      let url = crm.url;
      if (params.url !== undefined) {
        try {
          url = checkActiveCampaignUrl(params.url);
        } catch (error) {
          throw badInput('url', message(error));
        }
      }
      candidate = { ...crm, url };
    } else {
      if (params.url !== undefined) throw badInput('url', `CRM "${crm.name}" is Mailchimp: change its key with --key, its audience with --list and its data centre with --server.`);
      if (params.key === undefined && params.listId === undefined && params.server === undefined) throw badInput('key', `Give --key, --list or --server for CRM "${crm.name}".`);
      const server = params.server ?? (params.key ? dataCenterOf(params.key) ?? crm.server : crm.server);
      try {
        mailchimpBase(key, server);
      } catch (error) {
        throw badInput(params.server ? 'server' : 'key', message(error));
      }
      candidate = { ...crm, listId: params.listId ?? crm.listId, server };
    }
    const valid = parseOrBadInput(CrmConnection, candidate);
    if (params.check) await checkKey(valid, { key }, `CRM "${crm.name}" was not changed`);
    await ctx.repos.secrets.set(crm.secretRef, { key });
    await replaceCrm(ctx, valid);
    ctx.events.emit('changed', { area: 'settings' });
    return crmView(valid);
  },
});
