import { Router, startSandbox, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../kit/server';

/**
 * A practice ActiveCampaign account: the API v3 subset Backroom uses (contact sync, contacts,
 * tags, contact tags, contact lists, custom fields, users/me) with ActiveCampaign's shapes —
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
  /** Every accepted tag application (POST contactTags), also of a tag the contact already had: a test's double-tagging detector. */
  applications: { contact: string; tag: string }[];
}

export interface ActiveCampaignSandboxOptions {
  /** The valid Api-Token (default `sandbox-ac-key-0001`). */
  key?: string;
  /** Enforce 5 requests per rolling second (default true). */
  rateLimit?: boolean;
  requestsPerSecond?: number;
  port?: number;
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
}

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
    rateLimited: 0,
  };
  let nextId = 1;
  const id = () => String(nextId++);
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, '-00:00');
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

  const router = new Router()
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
      const at = Date.now();
      recent = recent.filter((t) => at - t < 1000);
      if (recent.length >= perSecond) {
        state.rateLimited++;
        return { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too Many Requests' } };
      }
      recent.push(at);
    }
    return null;
  };

  const server = await startSandbox({ router, before, notFound: () => ({ status: 404, body: { message: 'No Result found' } }), port: options.port });
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
  };
}
