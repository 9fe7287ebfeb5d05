import type { z } from 'zod';
import { applyIndividually } from '../crm-bulk';
import type { CrmConnector, CrmContactInput, CrmContactRef, CrmImporting, CrmImportOutcome, CrmLimits, CrmSubscription, CrmTagChange } from '../crm-types';
import { registerSecret } from '../../store/redact';
import { createHttpClient, PlatformError, type HttpClient, type PlatformLimits } from '../http';
import { createPacer, type Pacer, type PacerClock } from '../pacer';
import {
  BulkImportInfo,
  BulkImportQueued,
  ContactList,
  ContactListsResponse,
  ContactSyncResponse,
  ContactTagCreated,
  ContactTagList,
  describeActiveCampaignError,
  Empty,
  FieldList,
  Me,
  TagCreated,
  TagList,
  type Field,
  type Tag,
} from './wire';

/**
 * ActiveCampaign allows 5 requests per second per account, counted over a rolling second: a sixth
 * start waits until the fifth-last is 1.2 s old (0.2 s for latency and timer jitter), so no
 * rolling second at ActiveCampaign's end can hold six, retries included.
 */
export const ACTIVECAMPAIGN_LIMITS: PlatformLimits = {
  concurrency: 5,
  requestsPerSecond: 5,
  rollingWindow: { requests: 5, windowMs: 1000, marginMs: 200 },
  timeoutMs: 30_000,
  retries: 4,
  maxRetryAfterMs: 60_000,
};

/**
 * The bulk contact import (`POST /import/bulk_import`): at most 250 contacts and 399,999 bytes per
 * call, 100 calls per minute (20 for single-contact calls, which Backroom never makes), and meant
 * for more than 10 contacts at a time: fewer go through contact/sync, as ActiveCampaign advises.
 */
export const ACTIVECAMPAIGN_IMPORT = {
  maxContacts: 250,
  maxBytes: 399_999,
  perMinute: 100,
  minContacts: 11,
} as const;

/** `GET /tags` and `GET /fields` return at most 100 per page. */
export const ACTIVECAMPAIGN_PAGE_SIZE = 100;

export interface ActiveCampaignOptions {
  /** The account's API URL, e.g. https://example.api-us1.com (with or without /api/3). */
  url: string;
  key: string;
  limits?: Partial<PlatformLimits>;
  /** The merchant allowed plain http to this account (`--allow-http`). */
  allowHttp?: boolean;
  /** What the pacing (5 a second, 100 imports a minute) runs on; default real time. */
  clock?: PacerClock;
  /** The account's 5 a second kept by a window shared with other workers instead of this process alone. */
  pacer?: Pacer;
}

/** The API base for an account URL: `https://example.api-us1.com` → `https://example.api-us1.com/api/3`. */
export function activeCampaignBase(url: string): string {
  return `${url.replace(/\/+$/, '').replace(/\/api\/3$/, '')}/api/3`;
}

const norm = (name: string) => name.trim().toLowerCase();

/** A contact's standing from its list memberships (status 1 active, 2 unsubscribed, 3 bounced, 0 unconfirmed). */
export function subscriptionFromLists(statuses: readonly string[]): CrmSubscription {
  const has = new Set(statuses);
  if (has.has('1')) return 'subscribed';
  if (has.has('2')) return 'unsubscribed';
  if (has.has('3')) return 'cleaned';
  if (has.has('0')) return 'pending';
  return 'transactional';
}

interface TagIndex {
  byName: Map<string, Tag>;
  byId: Map<string, Tag>;
}

export function createActiveCampaignConnector(options: ActiveCampaignOptions): CrmConnector {
  const limits = { ...ACTIVECAMPAIGN_LIMITS, ...options.limits };
  // Keys handed in directly (sandbox, demo) are masked too, not only those read from the secret store.
  registerSecret(options.key);
  const http: HttpClient = createHttpClient({
    baseUrl: `${activeCampaignBase(options.url)}/`,
    headers: { 'Api-Token': options.key },
    limits,
    describeError: describeActiveCampaignError,
    platformName: 'ActiveCampaign',
    allowHttp: options.allowHttp,
    clock: options.clock,
    pacer: options.pacer,
  });
  const get = async <T>(path: string, schema: z.ZodType<T>, searchParams?: Record<string, string | number | undefined>) =>
    (await http.request({ path, schema, searchParams })).body;

  /** Reads every page of a listing: a missed page would mean creating a tag that exists (a duplicate). */
  async function readAll<B extends { meta: { total: number } }, T>(path: string, schema: z.ZodType<B>, items: (body: B) => T[], search?: string): Promise<T[]> {
    const page = (offset: number) => get(path, schema, { limit: ACTIVECAMPAIGN_PAGE_SIZE, offset, search });
    const first = await page(0);
    const firstCount = items(first).length;
    // meta.total says how many there are; the remaining pages are then read side by side (the client paces them).
    const offsets: number[] = [];
    for (let offset = firstCount; firstCount > 0 && offset < first.meta.total; offset += ACTIVECAMPAIGN_PAGE_SIZE) offsets.push(offset);
    const rest = await Promise.all(offsets.map(page));
    return [first, ...rest].flatMap(items);
  }

  // The tag id map is read once per connector and kept up to date as tags are created.
  let tagIndex: Promise<TagIndex> | null = null;
  const creating = new Map<string, Promise<Tag>>();
  function tags(): Promise<TagIndex> {
    tagIndex ??= readAll('tags', TagList, (b) => b.tags).then(
      (list) => {
        const index: TagIndex = { byName: new Map(), byId: new Map() };
        for (const tag of list) remember(index, tag);
        return index;
      },
      (error: unknown) => {
        tagIndex = null;
        throw error;
      },
    );
    return tagIndex;
  }
  function remember(index: TagIndex, tag: Tag): void {
    if (!index.byName.has(norm(tag.tag))) index.byName.set(norm(tag.tag), tag);
    index.byId.set(tag.id, tag);
  }

  async function createTag(index: TagIndex, name: string): Promise<Tag> {
    try {
      const { body } = await http.request({
        method: 'POST',
        path: 'tags',
        json: { tag: { tag: name.trim(), tagType: 'contact', description: 'Created by Backroom' } },
        schema: TagCreated,
      });
      remember(index, body.tag);
      return body.tag;
    } catch (error) {
      // Someone (another app, or an earlier attempt whose answer was lost) created it meanwhile.
      if (!(error instanceof PlatformError) || error.status !== 422) throw error;
      const found = (await readAll('tags', TagList, (b) => b.tags, name.trim())).find((t) => norm(t.tag) === norm(name));
      if (!found) throw error;
      remember(index, found);
      return found;
    }
  }

  async function tagIds(names: readonly string[]): Promise<string[]> {
    const index = await tags();
    const unique = [...new Map(names.map((n) => [norm(n), n])).values()];
    return Promise.all(
      unique.map(async (name) => {
        const known = index.byName.get(norm(name));
        if (known) return known.id;
        let pending = creating.get(norm(name));
        if (!pending) {
          pending = createTag(index, name).finally(() => creating.delete(norm(name)));
          creating.set(norm(name), pending);
        }
        return (await pending).id;
      }),
    );
  }

  let fieldList: Promise<Field[]> | null = null;
  function fields(): Promise<Field[]> {
    fieldList ??= readAll('fields', FieldList, (b) => b.fields).catch((error: unknown) => {
      fieldList = null;
      throw error;
    });
    return fieldList;
  }
  function findField(all: readonly Field[], key: string): Field | undefined {
    const k = norm(key).replace(/^%|%$/g, '');
    return all.find((f) => f.id === key.trim()) ?? all.find((f) => norm(f.perstag ?? '') === k) ?? all.find((f) => norm(f.title) === k);
  }

  /** Mapped fields as ActiveCampaign field ids, and the keys the account has no field for. */
  async function fieldValuesFor(input: CrmContactInput): Promise<{ fieldValues: { field: string; value: string }[]; unknownFields: string[] }> {
    const wanted: [string, string][] = Object.entries(input.fields ?? {}).filter(([, v]) => v !== '');
    if (input.company) wanted.push(['COMPANY', input.company]);
    const unknownFields: string[] = [];
    const fieldValues: { field: string; value: string }[] = [];
    if (wanted.length) {
      const all = await fields();
      for (const [key, value] of wanted) {
        const field = findField(all, key);
        if (field) fieldValues.push({ field: field.id, value });
        else unknownFields.push(key === 'COMPANY' && input.company === value ? 'company' : key);
      }
    }
    return { fieldValues, unknownFields };
  }

  // The import's own limit (100 calls a rolling minute), on top of the account's 5 per second.
  const importPacer = createPacer({ requests: ACTIVECAMPAIGN_IMPORT.perMinute, windowMs: 60_000, marginMs: 1000 }, options.clock);

  /** One contact as the bulk import takes it: snake_case names, field ids, tag names (created when missing). */
  async function importContact(input: CrmContactInput, tags: readonly string[]) {
    const { fieldValues, unknownFields } = await fieldValuesFor(input);
    const contact = {
      email: input.email.trim(),
      ...(input.firstName ? { first_name: input.firstName } : {}),
      ...(input.lastName ? { last_name: input.lastName } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      ...(tags.length ? { tags: [...tags] } : {}),
      ...(fieldValues.length ? { fields: fieldValues.map((f) => ({ id: Number(f.field), value: f.value })) } : {}),
    };
    return { contact, unknownFields };
  }

  const imports: CrmImporting = {
    maxContacts: ACTIVECAMPAIGN_IMPORT.maxContacts,
    minContacts: ACTIVECAMPAIGN_IMPORT.minContacts,
    appliesTags: true,
    reportsStatus: false,

    async fit(contacts) {
      // `{"contacts":[` … `]}` plus a comma between contacts.
      let bytes = 15;
      let count = 0;
      for (const c of contacts.slice(0, ACTIVECAMPAIGN_IMPORT.maxContacts)) {
        bytes += Buffer.byteLength(JSON.stringify((await importContact(c.input, c.tags)).contact)) + 1;
        if (bytes > ACTIVECAMPAIGN_IMPORT.maxBytes) break;
        count++;
      }
      return count;
    },

    async submit(contacts) {
      if (contacts.length === 0 || contacts.length > ACTIVECAMPAIGN_IMPORT.maxContacts) {
        throw new PlatformError('rejected', `An ActiveCampaign import takes 1 to ${ACTIVECAMPAIGN_IMPORT.maxContacts} contacts; Backroom tried ${contacts.length}.`);
      }
      const built = await Promise.all(contacts.map((c) => importContact(c.input, c.tags)));
      const json = { contacts: built.map((b) => b.contact) };
      const bytes = Buffer.byteLength(JSON.stringify(json));
      if (bytes > ACTIVECAMPAIGN_IMPORT.maxBytes) {
        throw new PlatformError('rejected', `An ActiveCampaign import is at most ${ACTIVECAMPAIGN_IMPORT.maxBytes} bytes; these ${contacts.length} contacts make ${bytes}.`);
      }
      await importPacer.acquire();
      // Not repeated on a lost answer (the import may have been queued): the caller settles those contacts one by one.
      const { body } = await http.request({ method: 'POST', path: 'import/bulk_import', json, schema: BulkImportQueued });
      return { batchId: body.batchId, unknownFields: [...new Set(built.flatMap((b) => b.unknownFields))] };
    },

    async progress(batchId, contacts) {
      const { status: state, failure } = await get('import/info', BulkImportInfo, { batchId });
      if (state !== 'completed' && state !== 'failed' && state !== 'interrupted') return { state: 'running' };
      const failed = new Set((failure ?? []).map(norm));
      const results = new Map<string, CrmImportOutcome>();
      for (const c of contacts) {
        if (failed.has(norm(c.email))) results.set(c.operationId, { ok: false, error: new PlatformError('rejected', 'ActiveCampaign could not import this contact (an invalid or excluded email address).') });
        // A failed or interrupted import does not say which contacts it updated: those are made again
        // one by one, which reads each contact's tags first and sends only what is missing.
        else if (state !== 'completed') results.set(c.operationId, { ok: false, error: new PlatformError('transient', `ActiveCampaign import ${batchId} ended ${state}.`) });
        else results.set(c.operationId, { ok: true });
      }
      return { state: 'finished', results };
    },
  };

  async function status(contactId: string): Promise<CrmSubscription> {
    const lists = await get(`contacts/${encodeURIComponent(contactId)}/contactLists`, ContactListsResponse);
    return subscriptionFromLists(lists.contactLists.map((l) => l.status));
  }

  async function contactTags(contactId: string) {
    return (await get(`contacts/${encodeURIComponent(contactId)}/contactTags`, ContactTagList)).contactTags;
  }

  const connector: CrmConnector = {
    platform: 'activecampaign',
    limits: { concurrency: limits.concurrency, requestsPerSecond: limits.requestsPerSecond, batchSize: 0, batchThreshold: Infinity } satisfies CrmLimits,
    stats: http.stats,

    async test() {
      const me = await get('users/me', Me);
      return { ok: true, platform: 'activecampaign', account: new URL(options.url).host, user: me.user.email ?? me.user.username ?? undefined };
    },

    async upsertContact(input: CrmContactInput) {
      const { fieldValues, unknownFields } = await fieldValuesFor(input);
      const contact = {
        email: input.email.trim(),
        ...(input.firstName ? { firstName: input.firstName } : {}),
        ...(input.lastName ? { lastName: input.lastName } : {}),
        ...(input.phone ? { phone: input.phone } : {}),
        ...(fieldValues.length ? { fieldValues } : {}),
      };
      // contact/sync is an upsert by email, so repeating it after a lost answer is safe.
      const res = await http.request({ method: 'POST', path: 'contact/sync', json: { contact }, schema: ContactSyncResponse, idempotent: true });
      const ref: CrmContactRef = { id: res.body.contact.id, email: res.body.contact.email };
      const created = res.status === 201;
      // A contact contact/sync has just created is on no list yet (contact/sync does not subscribe),
      // so its standing is known without reading its list memberships: one request less per new contact.
      return { ref, status: created ? subscriptionFromLists([]) : await status(ref.id), created, unknownFields };
    },

    async getContact(email) {
      const found = await get('contacts', ContactList, { email: email.trim() });
      const contact = found.contacts.find((c) => norm(c.email) === norm(email));
      if (!contact) return null;
      const [cached, links, subscription] = await Promise.all([tags(), contactTags(contact.id), status(contact.id)]);
      let index = cached;
      // A tag id the cached index lacks was created in the CRM since it was read: read the index again.
      if (links.some((l) => !index.byId.has(l.tag))) {
        tagIndex = null;
        index = await tags();
      }
      const names = links.map((l) => index.byId.get(l.tag)?.tag).filter((n): n is string => n !== undefined);
      return { ref: { id: contact.id, email: contact.email }, status: subscription, tags: names };
    },

    async applyTags(ref, names) {
      if (!names.length) return;
      const ids = await tagIds(names);
      // Adding a tag a contact already has answers with the existing link, so a repeat is harmless.
      await Promise.all(ids.map((tag) => http.request({ method: 'POST', path: 'contactTags', json: { contactTag: { contact: ref.id, tag } }, schema: ContactTagCreated, idempotent: true })));
    },

    async removeTags(ref, names) {
      if (!names.length) return;
      let index = await tags();
      // The job removes only tags it saw on the contact, so a name missing from the cached index is
      // a tag created in the CRM since it was read (by the merchant, by hand): read the index again.
      if (names.some((n) => !index.byName.has(norm(n)))) {
        tagIndex = null;
        index = await tags();
      }
      const ids = new Set(names.map((n) => index.byName.get(norm(n))?.id).filter((id): id is string => id !== undefined));
      if (!ids.size) return; // The CRM has none of these tags, so no contact can have them.
      const links = (await contactTags(ref.id)).filter((l) => ids.has(l.tag));
      await Promise.all(
        links.map(async (link) => {
          try {
            await http.request({ method: 'DELETE', path: `contactTags/${encodeURIComponent(link.id)}`, schema: Empty });
          } catch (error) {
            if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error;
          }
        }),
      );
    },

    async applyTagChanges(changes) {
      // ActiveCampaign has no bulk tag endpoint that saves requests: one contact at a time, paced.
      const one = async (change: CrmTagChange) => {
        await connector.applyTags(change.ref, change.apply);
        await connector.removeTags(change.ref, change.remove);
      };
      return { batched: 0, ...(await applyIndividually(one, changes)) };
    },

    imports,
  };
  return connector;
}
