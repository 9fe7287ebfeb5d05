import { randomUUID } from 'node:crypto';
import { Router, startSandbox, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../kit/server';

/**
 * A practice ActiveCampaign account: the API v3 subset Backroom uses (contact sync, contacts,
 * tags, contact tags, contact lists, custom fields, users/me, and the bulk contact import with its
 * limits: 250 contacts and 399,999 bytes a call, 100 calls a minute, per-contact failures reported
 * by email in /import/info) with ActiveCampaign's shapes —
 * string ids, `meta.total` as a string, `{errors:[…]}` bodies — its Api-Token check and its
 * limit of 5 requests per rolling second. State lives in memory; tests reach it through the handle.
 */

export interface AcContact {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  cdate: string;
  udate: string;
  /** Custom field values by field id. */
  fieldValues: Map<string, string>;
}
export interface AcTag { id: string; tag: string; tagType: string; description: string; cdate: string }
export interface AcContactTag { id: string; contact: string; tag: string; cdate: string }
/** Status: 0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced. */
export interface AcContactList { id: string; contact: string; list: string; status: '0' | '1' | '2' | '3' }
export interface AcField { id: string; title: string; perstag: string; type: string }

export interface ActiveCampaignState {
  contacts: Map<string, AcContact>;
  tags: Map<string, AcTag>;
  contactTags: Map<string, AcContactTag>;
  contactLists: AcContactList[];
  lists: Map<string, { id: string; name: string }>;
  fields: Map<string, AcField>;
  /** Tags created through the API (not through the handle): a test's duplicate-tag detector. */
  tagCreations: number;
  /** Requests refused with 429. */
  rateLimited: number;
  /**
   * Every accepted tag application (POST contactTags or an import), also of a tag the contact already
   * had: a test's double-tagging detector. ActiveCampaign itself answers such a repeat with the link it
   * has, so this is stricter than the account: it holds Backroom to sending a tag once (SPEC), which
   * is what keeps a tag removed meanwhile from coming back. `tagsOf` gives what the account would show.
   */
  applications: { contact: string; tag: string }[];
  /** Bulk imports by batch id, in the order they were submitted. */
  imports: Map<string, AcImport>;
}

/** A bulk import: waiting until it runs (on its own, right after it is submitted, unless held), then completed. */
export interface AcImport {
  batchId: string;
  status: 'waiting' | 'active' | 'completed';
  contacts: AcImportContact[];
  /** Ids of contacts the import created. */
  success: string[];
  /** Emails the import could not import. */
  failure: string[];
}
export interface AcImportContact { email?: unknown; first_name?: unknown; last_name?: unknown; phone?: unknown; tags?: unknown; fields?: unknown }

export interface ActiveCampaignSandboxOptions {
  /** The valid Api-Token (default `sandbox-ac-key-0001`). */
  key?: string;
  /** Enforce 5 requests per rolling second (default true). */
  rateLimit?: boolean;
  requestsPerSecond?: number;
  port?: number;
  /**
   * The clock the account counts requests and imports on (default: real time). A test hands in the
   * clock its connector paces on, so what is counted never depends on how fast the machine is.
   */
  now?: () => number;
}

export interface ActiveCampaignSandbox extends SandboxServer {
  /** The account URL to configure in Backroom (the client adds /api/3). */
  accountUrl: string;
  key: string;
  state: ActiveCampaignState;
  addTags(names: string[]): AcTag[];
  addField(title: string, perstag: string): AcField;
  addContact(contact: { email: string; firstName?: string; lastName?: string; phone?: string }): AcContact;
  /** Sets the contact's status on the default list (created as list 1), as the merchant or the contact would. */
  setListStatus(email: string, status: 'subscribed' | 'unsubscribed' | 'bounced' | 'unconfirmed'): void;
  contactByEmail(email: string): AcContact | undefined;
  /** Tag names on the contact. */
  tagsOf(email: string): string[];
  /** Values of the contact's custom fields by perstag. */
  fieldsOf(email: string): Record<string, string>;
  /** Count of tags with this name (case-insensitive): more than 1 means a duplicate was created. */
  tagCount(name: string): number;
  /** While held, imports stay waiting however often they are read; release lets them run. */
  holdImports(held: boolean): void;
  /** Puts an email on the account's exclusion list: imports report it as a failure. */
  excludeEmail(email: string): void;
}

/** ActiveCampaign's bulk import limits: 250 contacts and 399,999 bytes a call; 100 calls a minute (20 for one contact). */
export const AC_IMPORT_LIMITS = { contacts: 250, bytes: 399_999, perMinute: 100, singlePerMinute: 20 } as const;

const LIST_STATUS = { unconfirmed: '0', subscribed: '1', unsubscribed: '2', bounced: '3' } as const;

export async function startActiveCampaignSandbox(options: ActiveCampaignSandboxOptions = {}): Promise<ActiveCampaignSandbox> {
  const key = options.key ?? 'sandbox-ac-key-0001';
  const perSecond = options.requestsPerSecond ?? 5;
  const state: ActiveCampaignState = {
    contacts: new Map(),
    tags: new Map(),
    contactTags: new Map(),
    contactLists: [],
    lists: new Map([['1', { id: '1', name: 'Master Contact List' }]]),
    fields: new Map(),
    tagCreations: 0,
    applications: [],
    imports: new Map(),
    rateLimited: 0,
  };
  let nextId = 1;
  const id = () => String(nextId++);
  const clockMs = options.now ?? Date.now;
  const now = () => new Date(clockMs()).toISOString().replace(/\.\d+Z$/, '-00:00');
  const lower = (s: string) => s.trim().toLowerCase();
  let base = '';

  const contactJson = (c: AcContact) => ({
    email: c.email, phone: c.phone, firstName: c.firstName, lastName: c.lastName, cdate: c.cdate, udate: c.udate, orgid: '0', deleted: '0', id: c.id,
    links: { contactTags: `${base}/api/3/contacts/${c.id}/contactTags`, contactLists: `${base}/api/3/contacts/${c.id}/contactLists` },
  });
  const tagJson = (t: AcTag) => ({ tagType: t.tagType, tag: t.tag, description: t.description, cdate: t.cdate, id: t.id, links: { contactGoalTags: `${base}/api/3/tags/${t.id}/contactGoalTags` } });
  const contactTagJson = (ct: AcContactTag) => ({ contact: ct.contact, tag: ct.tag, cdate: ct.cdate, created_timestamp: ct.cdate, updated_timestamp: ct.cdate, created_by: null, updated_by: null, id: ct.id, links: { contact: `${base}/api/3/contactTags/${ct.id}/contact`, tag: `${base}/api/3/contactTags/${ct.id}/tag` } });
  const fieldValuesJson = (c: AcContact) => [...c.fieldValues].map(([field, value]) => ({ contact: c.id, field, value, cdate: c.udate, udate: c.udate, id: `${c.id}-${field}`, owner: c.id }));
  const error = (status: number, title: string, code: string, pointer: string, detail = ''): SandboxResponse => ({
    status, body: { errors: [{ title, detail, code, source: { pointer } }] },
  });
  const page = <T>(items: T[], req: SandboxRequest) => {
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 20) || 20, 1), 100);
    const offset = Math.max(Number(req.query.get('offset') ?? 0) || 0, 0);
    return { items: items.slice(offset, offset + limit), meta: { total: String(items.length), page_input: { limit, offset } } };
  };

  const addContact: ActiveCampaignSandbox['addContact'] = (input) => {
    const at = now();
    const contact: AcContact = { id: id(), email: input.email.trim(), firstName: input.firstName ?? '', lastName: input.lastName ?? '', phone: input.phone ?? '', cdate: at, udate: at, fieldValues: new Map() };
    state.contacts.set(contact.id, contact);
    return contact;
  };
  const contactByEmail = (email: string) => [...state.contacts.values()].find((c) => lower(c.email) === lower(email));
  const addTag = (name: string, description = ''): AcTag => {
    const tag: AcTag = { id: id(), tag: name.trim(), tagType: 'contact', description, cdate: now() };
    state.tags.set(tag.id, tag);
    return tag;
  };
  const tagByName = (name: string) => [...state.tags.values()].find((t) => lower(t.tag) === lower(name));

  let importsHeld = false;
  const excluded = new Set<string>();
  /** Arrival times of accepted imports over the last minute, for the import's own limit. */
  let importStarts: { at: number; single: boolean }[] = [];
  const validEmail = (email: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email);

  function runImport(job: AcImport): void {
    if (importsHeld || job.status === 'completed') return;
    job.status = 'active';
    for (const input of job.contacts) {
      const email = typeof input.email === 'string' ? input.email.trim() : '';
      if (!validEmail(email) || excluded.has(lower(email))) {
        job.failure.push(email);
        continue;
      }
      let contact = contactByEmail(email);
      if (!contact) {
        contact = addContact({ email });
        job.success.push(contact.id);
      }
      if (typeof input.first_name === 'string') contact.firstName = input.first_name;
      if (typeof input.last_name === 'string') contact.lastName = input.last_name;
      if (typeof input.phone === 'string') contact.phone = input.phone;
      for (const f of Array.isArray(input.fields) ? (input.fields as { id?: unknown; value?: unknown }[]) : []) {
        if (state.fields.has(String(f.id))) contact.fieldValues.set(String(f.id), String(f.value ?? ''));
      }
      for (const name of Array.isArray(input.tags) ? input.tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '') : []) {
        let tag = tagByName(name);
        if (!tag) {
          tag = addTag(name);
          state.tagCreations++;
        }
        state.applications.push({ contact: contact.id, tag: tag.id });
        const linked = contact.id;
        if (![...state.contactTags.values()].some((ct) => ct.contact === linked && ct.tag === tag.id)) {
          const ct: AcContactTag = { id: id(), contact: contact.id, tag: tag.id, cdate: now() };
          state.contactTags.set(ct.id, ct);
        }
      }
      contact.udate = now();
    }
    job.status = 'completed';
  }

  const router = new Router()
    .on('POST', '/api/3/import/bulk_import', (req) => {
      const contacts = (req.body as { contacts?: unknown } | undefined)?.contacts;
      if (!Array.isArray(contacts) || contacts.length === 0) return { status: 400, body: { success: 0, message: "'contacts' is a required field and must be a non-empty array.", failureReasons: [] } };
      if (contacts.length > AC_IMPORT_LIMITS.contacts) return { status: 400, body: { success: 0, message: `A maximum of ${AC_IMPORT_LIMITS.contacts} contacts may be imported per request.`, failureReasons: [] } };
      const bytes = Buffer.byteLength(JSON.stringify(req.body));
      if (bytes > AC_IMPORT_LIMITS.bytes) return { status: 413, body: { success: 0, message: `The payload may be at most ${AC_IMPORT_LIMITS.bytes} bytes.`, failureReasons: [] } };
      const invalid = (contacts as AcImportContact[]).map((c, i) => ({ i, email: c?.email })).filter((c) => typeof c.email !== 'string' || c.email.trim() === '');
      if (invalid.length) return { status: 400, body: { success: 0, message: 'Some contacts failed validation.', failureReasons: invalid.map((c) => ({ contact: c.i, failureReasons: ['email is required'] })) } };
      const at = clockMs();
      importStarts = importStarts.filter((s) => at - s.at < 60_000);
      const single = contacts.length === 1;
      if (importStarts.filter((s) => s.single === single).length >= (single ? AC_IMPORT_LIMITS.singlePerMinute : AC_IMPORT_LIMITS.perMinute)) {
        state.rateLimited++;
        return { status: 429, headers: { 'retry-after': '60' }, body: { message: 'Too Many Requests' } };
      }
      importStarts.push({ at, single });
      const job: AcImport = { batchId: randomUUID(), status: 'waiting', contacts: contacts as AcImportContact[], success: [], failure: [] };
      state.imports.set(job.batchId, job);
      // Like ActiveCampaign, an import runs on its own once queued, whether or not anyone reads its status.
      setTimeout(() => runImport(job), 0);
      return { body: { success: 1, queued_contacts: contacts.length, batchId: job.batchId, message: 'Contact import queued' } };
    })
    .on('GET', '/api/3/import/info', (req) => {
      const batchId = req.query.get('batchId');
      if (!batchId) return { status: 400, body: { success: 0, message: "'batchId' is a required field." } };
      const job = state.imports.get(batchId);
      if (!job) return { status: 404, body: { message: `No Result found for import with batchId ${batchId}` } };
      return { body: { status: job.status, success: job.status === 'completed' ? job.success : [], failure: job.status === 'completed' ? job.failure : [] } };
    })
    .on('GET', '/api/3/import/bulk_import', () => {
      const all = [...state.imports.values()];
      const day = new Date(clockMs()).toISOString().slice(0, 10);
      const summary = (jobs: AcImport[]) => (jobs.length ? [{ forDate: day, batches: String(jobs.length), contacts: String(jobs.reduce((n, j) => n + j.contacts.length, 0)) }] : []);
      return { body: { outstanding: summary(all.filter((j) => j.status !== 'completed')), recentlyCompleted: summary(all.filter((j) => j.status === 'completed')) } };
    })

    .on('GET', '/api/3/users/me', () => ({ body: { user: { username: 'admin', firstName: 'Sandbox', lastName: 'Admin', email: 'admin@sandbox.example', id: '1' } } }))

    .on('POST', '/api/3/contact/sync', (req) => {
      const input = (req.body as { contact?: Record<string, unknown> } | undefined)?.contact;
      const email = typeof input?.email === 'string' ? input.email.trim() : '';
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return error(422, 'Contact Email Address is not valid.', 'email_invalid', '/data/attributes/email');
      const values = Array.isArray(input?.fieldValues) ? (input.fieldValues as { field?: unknown; value?: unknown }[]) : [];
      for (const fv of values) {
        if (!state.fields.has(String(fv.field))) return error(422, 'Field not found', 'field_invalid', '/data/attributes/fieldValues', `There is no field with id ${String(fv.field)}`);
      }
      let contact = contactByEmail(email);
      const created = !contact;
      contact ??= addContact({ email });
      for (const key of ['firstName', 'lastName', 'phone'] as const) if (typeof input?.[key] === 'string') contact[key] = input[key];
      for (const fv of values) contact.fieldValues.set(String(fv.field), String(fv.value ?? ''));
      contact.udate = now();
      return { status: created ? 201 : 200, body: { fieldValues: fieldValuesJson(contact), contact: contactJson(contact) } };
    })

    .on('GET', '/api/3/contacts', (req) => {
      const email = req.query.get('email');
      const all = [...state.contacts.values()].filter((c) => !email || lower(c.email) === lower(email));
      const { items, meta } = page(all, req);
      return { body: { scoredContacts: [], contacts: items.map(contactJson), meta } };
    })
    .on('GET', '/api/3/contacts/:id', (req) => {
      const contact = state.contacts.get(req.params.id!);
      if (!contact) return { status: 404, body: { message: `No Result found for Subscriber with id ${req.params.id}` } };
      return { body: { contact: contactJson(contact), fieldValues: fieldValuesJson(contact) } };
    })
    .on('GET', '/api/3/contacts/:id/contactTags', (req) => {
      if (!state.contacts.has(req.params.id!)) return { status: 404, body: { message: `No Result found for Subscriber with id ${req.params.id}` } };
      return { body: { contactTags: [...state.contactTags.values()].filter((ct) => ct.contact === req.params.id).map(contactTagJson) } };
    })
    .on('GET', '/api/3/contacts/:id/contactLists', (req) => {
      if (!state.contacts.has(req.params.id!)) return { status: 404, body: { message: `No Result found for Subscriber with id ${req.params.id}` } };
      return { body: { contactLists: state.contactLists.filter((cl) => cl.contact === req.params.id).map((cl) => ({ contact: cl.contact, list: cl.list, status: cl.status, id: cl.id })) } };
    })

    .on('GET', '/api/3/tags', (req) => {
      const search = req.query.get('search');
      const all = [...state.tags.values()].filter((t) => !search || lower(t.tag).includes(lower(search)));
      const { items, meta } = page(all, req);
      return { body: { tags: items.map(tagJson), meta } };
    })
    .on('GET', '/api/3/tags/:id', (req) => {
      const tag = state.tags.get(req.params.id!);
      return tag ? { body: { tag: tagJson(tag) } } : { status: 404, body: { message: 'No Result found for Tag with id ' + req.params.id } };
    })
    .on('POST', '/api/3/tags', (req) => {
      const input = (req.body as { tag?: { tag?: unknown; description?: unknown } } | undefined)?.tag;
      const name = typeof input?.tag === 'string' ? input.tag.trim() : '';
      if (!name) return error(422, 'Tag name is required', 'field_missing', '/data/attributes/tag');
      if (tagByName(name)) return error(422, 'Duplicate tag', 'duplicate', '/data/attributes/tag', 'A tag with this name already exists');
      state.tagCreations++;
      return { status: 201, body: { tag: tagJson(addTag(name, typeof input?.description === 'string' ? input.description : '')) } };
    })

    .on('POST', '/api/3/contactTags', (req) => {
      const input = (req.body as { contactTag?: { contact?: unknown; tag?: unknown } } | undefined)?.contactTag;
      const contact = String(input?.contact ?? '');
      const tag = String(input?.tag ?? '');
      if (!state.contacts.has(contact)) return error(422, 'Contact not found', 'related_missing', '/data/attributes/contact');
      if (!state.tags.has(tag)) return error(422, 'Tag not found', 'related_missing', '/data/attributes/tag');
      state.applications.push({ contact, tag });
      const existing = [...state.contactTags.values()].find((ct) => ct.contact === contact && ct.tag === tag);
      if (existing) return { status: 201, body: { contactTag: contactTagJson(existing) } };
      const ct: AcContactTag = { id: id(), contact, tag, cdate: now() };
      state.contactTags.set(ct.id, ct);
      return { status: 201, body: { contacts: [contactJson(state.contacts.get(contact)!)], contactTag: contactTagJson(ct) } };
    })
    .on('DELETE', '/api/3/contactTags/:id', (req) => {
      if (!state.contactTags.delete(req.params.id!)) return { status: 404, body: { message: `No Result found for ContactTag with id ${req.params.id}` } };
      return { status: 200, body: {} };
    })

    .on('GET', '/api/3/fields', (req) => {
      const { items, meta } = page([...state.fields.values()], req);
      return { body: { fieldOptions: [], fieldRels: [], fields: items.map((f) => ({ ...f, descript: '', isrequired: '0', visible: '1', ordernum: f.id })), meta } };
    })
    .on('GET', '/api/3/lists', (req) => {
      const { items, meta } = page([...state.lists.values()], req);
      return { body: { lists: items.map((l) => ({ ...l, stringid: l.name.toLowerCase().replace(/\W+/g, '-') })), meta } };
    });

  // Arrival times of accepted requests over the last second (a rolling window, as ActiveCampaign counts).
  let recent: number[] = [];
  const before = (req: SandboxRequest): SandboxResponse | null => {
    if (req.headers['api-token'] !== key) return { status: 403, body: { message: 'You are not authorized to access this resource' } };
    if (options.rateLimit !== false) {
      const at = clockMs();
      recent = recent.filter((t) => at - t < 1000);
      if (recent.length >= perSecond) {
        state.rateLimited++;
        return { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too Many Requests' } };
      }
      recent.push(at);
    }
    return null;
  };

  const server = await startSandbox({ router, before, notFound: () => ({ status: 404, body: { message: 'No Result found' } }), port: options.port, now: clockMs });
  base = server.url;

  return {
    ...server,
    accountUrl: server.url,
    key,
    state,
    addTags: (names) => names.map((n) => addTag(n)),
    addField(title, perstag) {
      const field: AcField = { id: id(), title, perstag, type: 'text' };
      state.fields.set(field.id, field);
      return field;
    },
    addContact,
    setListStatus(email, status) {
      const contact = contactByEmail(email);
      if (!contact) throw new Error(`sandbox: no contact ${email}`);
      const entry = state.contactLists.find((cl) => cl.contact === contact.id && cl.list === '1');
      if (entry) entry.status = LIST_STATUS[status];
      else state.contactLists.push({ id: id(), contact: contact.id, list: '1', status: LIST_STATUS[status] });
    },
    contactByEmail,
    tagsOf(email) {
      const contact = contactByEmail(email);
      if (!contact) return [];
      return [...state.contactTags.values()].filter((ct) => ct.contact === contact.id).map((ct) => state.tags.get(ct.tag)!.tag).sort();
    },
    fieldsOf(email) {
      const contact = contactByEmail(email);
      if (!contact) return {};
      return Object.fromEntries([...contact.fieldValues].map(([field, value]) => [state.fields.get(field)!.perstag, value]));
    },
    tagCount: (name) => [...state.tags.values()].filter((t) => lower(t.tag) === lower(name)).length,
    holdImports(held) {
      importsHeld = held;
      if (!held) for (const job of state.imports.values()) setTimeout(() => runImport(job), 0);
    },
    excludeEmail: (email) => void excluded.add(lower(email)),
  };
}
