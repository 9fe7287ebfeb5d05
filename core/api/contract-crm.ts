import { z } from 'zod';
import { Name } from '../model';
import type { CrmTestReport } from '../platforms/crm-types';
import { method } from './define';
import type { CrmView } from './views';

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

/** CRM connections: added with their key (kept in the secret store), listed, tested, removed. */
export const crmContract = {
  'crm.add': method<CrmView>()(CrmAddParams),
  'crm.list': method<CrmView[]>()(z.object({}).strict()),
  'crm.test': method<CrmTestResult>()(z.object({ name: Name }).strict()),
  'crm.remove': method<{ removed: string }>()(z.object({ name: Name }).strict()),
  'crm.setConnection': method<CrmView>()(CrmConnectionParams),
};
