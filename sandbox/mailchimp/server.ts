import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { writeTar } from '../../core/platforms/mailchimp/tar';
import { chunk } from '../../core/platforms/paging';
import { Router, startSandbox, type RouteHandler, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../kit/server';

/**
 * A practice Mailchimp account with one audience: the Marketing API 3.0 subset Backroom uses
 * (root, ping, list, merge fields, members by subscriber hash, member tags, batches) with
 * Mailchimp's shapes — application/problem+json errors, 204 for tag changes — HTTP Basic auth with
 * the key as password, and the limit of 10 simultaneous connections. State lives in memory.
 *
 * Batches behave as Mailchimp's do: `pending`, then `started`, then `finished`; the status reports
 * finished operations (errored ones included) and errored ones; once finished, `response_body_url`
 * points at a tar.gz of JSON files, each an array of `{status_code, operation_id, response}`. Tests
 * can make operations fail and hold batches unfinished (a slow batch).
 */

export type McStatus = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';

export interface McMember {
  id: string;
  email: string;
  status: McStatus;
  mergeFields: Record<string, string>;
  /** Tag names, in the order they were added. */
  tags: string[];
}

export interface McBatch {
  id: string;
  status: 'pending' | 'started' | 'finished';
  operations: { method: string; path: string; body?: string; operation_id?: string }[];
  /** Operations done, errored ones included (as Mailchimp counts them). */
  finished: number;
  errored: number;
  submittedAt: string;
  completedAt: string;
  results: { status_code: number; operation_id: string | null; response: string }[];
}

export interface MailchimpState {
  members: Map<string, McMember>;
  /** The audience's tags (segments of type static), by lower-cased name. */
  tags: Map<string, { id: number; name: string }>;
  mergeFields: { merge_id: number; tag: string; name: string; type: string }[];
  batches: Map<string, McBatch>;
  tagCreations: number;
  /** How often each tag state was set on each member, by `email|tag|active` or `email|tag|inactive`. */
  tagSets: Map<string, number>;
  rateLimited: number;
  /** Most requests ever in flight at once. */
  peakConnections: number;
}

export interface MailchimpSandboxOptions {
  /** The valid API key; its suffix names the data centre (default `0123456789abcdef0123456789abcdef-us21`). */
  key?: string;
  listId?: string;
  listName?: string;
  accountName?: string;
  /** Simultaneous connections allowed (default 10). */
  maxConnections?: number;
  /** Time each request takes, so concurrency can be observed (default 0). */
  latencyMs?: number;
  /** Status polls after which a batch not yet done by itself finishes (default 1). */
  batchPolls?: number;
  port?: number;
}

export interface MailchimpSandbox extends SandboxServer {
  /** The value for Backroom's Mailchimp `server` setting: this sandbox's base URL. */
  server: string;
  key: string;
  listId: string;
  state: MailchimpState;
  addMember(email: string, status?: McStatus, mergeFields?: Record<string, string>): McMember;
  setStatus(email: string, status: McStatus): void;
  member(email: string): McMember | undefined;
  tagsOf(email: string): string[];
  addMergeField(tag: string, name: string): void;
  /** Makes the next batch's first `errored` operations fail with a 400 (their changes are not made). */
  failNextBatch(errored: number): void;
  /** While held, batches stay `started` however often they are polled (a slow batch); release lets them finish. */
  holdBatches(held: boolean): void;
  /** How often this tag was set active (or inactive) on this member, directly or by a batch. */
  tagSetCount(email: string, tag: string, status?: 'active' | 'inactive'): number;
}

const hashOf = (email: string) => createHash('md5').update(email.trim().toLowerCase()).digest('hex');
const ERRORS_DOC = 'https://mailchimp.com/developer/marketing/docs/errors/';

function problem(status: number, title: string, detail: string, errors?: { field: string; message: string }[]): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: { type: ERRORS_DOC, title, status, detail, instance: randomUUID(), ...(errors ? { errors } : {}) },
  };
}

export async function startMailchimpSandbox(options: MailchimpSandboxOptions = {}): Promise<MailchimpSandbox> {
  const key = options.key ?? '0123456789abcdef0123456789abcdef-us21';
  const listId = options.listId ?? 'a1b2c3d4e5';
  const maxConnections = options.maxConnections ?? 10;
  const state: MailchimpState = {
    members: new Map(),
    tags: new Map(),
    mergeFields: [
      { merge_id: 1, tag: 'FNAME', name: 'First Name', type: 'text' },
      { merge_id: 2, tag: 'LNAME', name: 'Last Name', type: 'text' },
      { merge_id: 3, tag: 'ADDRESS', name: 'Address', type: 'address' },
      { merge_id: 4, tag: 'PHONE', name: 'Phone Number', type: 'phone' },
      { merge_id: 5, tag: 'BIRTHDAY', name: 'Birthday', type: 'birthday' },
    ],
    batches: new Map(),
    tagCreations: 0,
    tagSets: new Map(),
    rateLimited: 0,
    peakConnections: 0,
  };
  let nextTagId = 1001;
  let failBatch = 0;
  let held = false;
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, '+00:00');

  const memberJson = (m: McMember) => ({
    id: m.id,
    email_address: m.email,
    unique_email_id: m.id.slice(0, 10),
    full_name: [m.mergeFields.FNAME, m.mergeFields.LNAME].filter(Boolean).join(' '),
    email_type: 'html',
    status: m.status,
    merge_fields: Object.fromEntries(state.mergeFields.map((f) => [f.tag, m.mergeFields[f.tag] ?? ''])),
    vip: false,
    tags_count: m.tags.length,
    tags: m.tags.map((name) => ({ id: state.tags.get(name.toLowerCase())?.id ?? 0, name })),
    list_id: listId,
  });
  const noList = () => problem(404, 'Resource Not Found', 'The requested resource could not be found.');
  const memberFor = (req: SandboxRequest) => (req.params.list === listId ? state.members.get(req.params.hash!) : undefined);

  const routes: [string, string, RouteHandler][] = [
    ['GET', '/3.0', () => ({ body: { account_id: 'sandbox0001', login_id: '1', account_name: 'Sandbox Shop', email: 'owner@sandbox.example', role: 'owner' } })],
    ['GET', '/3.0/ping', () => ({ body: { health_status: "Everything's Chimpy!" } })],
    ['GET', '/3.0/lists/:list', (req) =>
      req.params.list === listId
        ? { body: { id: listId, web_id: 1, name: options.listName ?? 'Sandbox Shop Customers', stats: { member_count: [...state.members.values()].filter((m) => m.status === 'subscribed').length } } }
        : noList()],
    ['GET', '/3.0/lists/:list/merge-fields', (req) =>
      req.params.list === listId ? { body: { merge_fields: state.mergeFields.map((f) => ({ ...f, list_id: listId, required: false })), list_id: listId, total_items: state.mergeFields.length } } : noList()],
    ['GET', '/3.0/lists/:list/members/:hash', (req) => {
      const member = memberFor(req);
      return member ? { body: memberJson(member) } : noList();
    }],
    ['PUT', '/3.0/lists/:list/members/:hash', (req) => {
      if (req.params.list !== listId) return noList();
      const body = (req.body ?? {}) as { email_address?: unknown; status_if_new?: unknown; status?: unknown; merge_fields?: Record<string, unknown> };
      const email = typeof body.email_address === 'string' ? body.email_address.trim() : '';
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return problem(400, 'Invalid Resource', 'Please provide a valid email address.', [{ field: 'email_address', message: 'Invalid email address' }]);
      // Stricter than strictly needed, so a wrong hash in Backroom shows up in tests.
      if (hashOf(email) !== req.params.hash) return problem(400, 'Invalid Resource', 'The subscriber hash does not match the email address.');
      const unknown = Object.keys(body.merge_fields ?? {}).filter((tag) => !state.mergeFields.some((f) => f.tag === tag));
      if (unknown.length) return problem(400, 'Invalid Resource', 'Your merge fields were invalid.', unknown.map((field) => ({ field: `merge_fields.${field}`, message: 'This merge field does not exist in the audience.' })));
      const statuses = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];
      let member = state.members.get(req.params.hash!);
      if (!member || member.status === 'archived') {
        const status = typeof body.status === 'string' ? body.status : body.status_if_new;
        if (typeof status !== 'string' || !statuses.includes(status)) {
          return problem(400, 'Invalid Resource', "The resource submitted could not be validated. For field-specific details, see the 'errors' array.", [{ field: 'status_if_new', message: 'Status is required for new members.' }]);
        }
        member = { id: req.params.hash!, email, status: status as McStatus, mergeFields: member?.mergeFields ?? {}, tags: member?.tags ?? [] };
        state.members.set(member.id, member);
      } else if (typeof body.status === 'string' && statuses.includes(body.status)) {
        member.status = body.status as McStatus;
      }
      for (const [tag, value] of Object.entries(body.merge_fields ?? {})) member.mergeFields[tag] = String(value);
      return { body: memberJson(member) };
    }],
    ['POST', '/3.0/lists/:list/members/:hash/tags', (req) => {
      const member = memberFor(req);
      if (!member) return noList();
      const tags = (req.body as { tags?: unknown } | undefined)?.tags;
      if (!Array.isArray(tags)) return problem(400, 'Invalid Resource', 'Schema describes array, object found instead', [{ field: 'tags', message: 'Required' }]);
      for (const t of tags as { name?: unknown; status?: unknown }[]) {
        const name = typeof t.name === 'string' ? t.name.trim() : '';
        if (!name || (t.status !== 'active' && t.status !== 'inactive')) return problem(400, 'Invalid Resource', 'Each tag needs a name and a status of active or inactive.');
        const lower = name.toLowerCase();
        const setKey = `${member.email.toLowerCase()}|${lower}|${t.status}`;
        state.tagSets.set(setKey, (state.tagSets.get(setKey) ?? 0) + 1);
        if (t.status === 'active') {
          if (!state.tags.has(lower)) {
            state.tags.set(lower, { id: nextTagId++, name });
            state.tagCreations++;
          }
          if (!member.tags.some((n) => n.toLowerCase() === lower)) member.tags.push(state.tags.get(lower)!.name);
        } else {
          member.tags = member.tags.filter((n) => n.toLowerCase() !== lower);
        }
      }
      return { status: 204, raw: '' };
    }],
    ['POST', '/3.0/batches', (req) => {
      const ops = (req.body as { operations?: unknown } | undefined)?.operations;
      if (!Array.isArray(ops)) return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'operations', message: 'Required' }]);
      const batch: McBatch = { id: randomUUID().replace(/-/g, '').slice(0, 10), status: 'pending', operations: ops as McBatch['operations'], finished: 0, errored: 0, submittedAt: now(), completedAt: '', results: [] };
      state.batches.set(batch.id, batch);
      // Like Mailchimp, a batch runs on its own once submitted, whether or not anyone polls it.
      setTimeout(() => void runBatch(batch), 0);
      return { body: batchJson(batch) };
    }],
    ['GET', '/3.0/batches', (req) => {
      const count = Math.min(1000, Number(req.query.get('count') ?? 10) || 10);
      const offset = Number(req.query.get('offset') ?? 0) || 0;
      const all = [...state.batches.values()].reverse();
      return { body: { batches: all.slice(offset, offset + count).map(batchJson), total_items: all.length } };
    }],
    ['GET', '/3.0/batches/:id', async (req) => {
      const batch = state.batches.get(req.params.id!);
      if (!batch) return noList();
      polls.set(batch.id, (polls.get(batch.id) ?? 0) + 1);
      if (batch.status === 'pending') batch.status = 'started';
      else if (batch.status === 'started' && !held && polls.get(batch.id)! > (options.batchPolls ?? 1)) await runBatch(batch);
      return { body: batchJson(batch) };
    }],
  ];

  const polls = new Map<string, number>();
  const batchJson = (b: McBatch) => ({
    id: b.id, status: b.status, total_operations: b.operations.length, finished_operations: b.finished, errored_operations: b.errored,
    submitted_at: b.submittedAt, completed_at: b.completedAt, response_body_url: b.status === 'finished' ? `${base}/batch-results/${b.id}.tar.gz` : '',
  });

  // Batch operations run through the same handlers as direct calls, without the connection limit.
  const inner = new Router();
  for (const [method, path, handler] of routes) inner.on(method, path, handler);
  const running = new Set<string>();
  async function runBatch(batch: McBatch): Promise<void> {
    if (held || batch.status === 'finished' || running.has(batch.id)) return;
    running.add(batch.id);
    let toFail = failBatch;
    failBatch = 0;
    for (const op of batch.operations) {
      let status = 404;
      let response: unknown = { type: ERRORS_DOC, title: 'Resource Not Found', status: 404, detail: 'The requested resource could not be found.' };
      if (toFail > 0) {
        toFail--;
        status = 400;
        response = { type: ERRORS_DOC, title: 'Invalid Resource', status: 400, detail: 'The operation failed (injected by the practice account).' };
      } else {
        const route = inner.match(op.method, `/3.0${op.path}`);
        if (route) {
          const out = await route.handler({ method: op.method, path: `/3.0${op.path}`, params: route.params, query: new URLSearchParams(), headers: {}, body: op.body ? JSON.parse(op.body) : undefined });
          status = out.status ?? 200;
          response = out.body ?? {};
        }
      }
      batch.finished++;
      if (status >= 400) batch.errored++;
      batch.results.push({ status_code: status, operation_id: op.operation_id ?? null, response: JSON.stringify(response) });
    }
    batch.status = 'finished';
    batch.completedAt = now();
  }

  /** The results archive, as Mailchimp serves it from its file store: no credentials needed, gzip'd tar. */
  function resultsArchive(id: string): SandboxResponse {
    const batch = state.batches.get(id);
    if (!batch || batch.status !== 'finished') return { status: 404, raw: 'not found', headers: { 'content-type': 'text/plain' } };
    const files = chunk(batch.results, 100).map((part, i) => ({ name: `${id}/${i}.json`, data: Buffer.from(JSON.stringify(part)) }));
    return { raw: gzipSync(writeTar(files)), headers: { 'content-type': 'application/x-gzip' } };
  }

  let inFlight = 0;
  const limited = (handler: RouteHandler): RouteHandler => async (req) => {
    if (inFlight >= maxConnections) {
      state.rateLimited++;
      return problem(429, 'Too Many Requests', `You have exceeded the limit of ${maxConnections} simultaneous connections.`);
    }
    inFlight++;
    state.peakConnections = Math.max(state.peakConnections, inFlight);
    try {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      return await handler(req);
    } finally {
      inFlight--;
    }
  };
  const router = new Router();
  for (const [method, path, handler] of routes) router.on(method, path, limited(handler));

  const before = (req: SandboxRequest): SandboxResponse | null => {
    const archive = /^\/batch-results\/(\w+)\.tar\.gz$/.exec(req.path);
    if (archive && req.method === 'GET') return resultsArchive(archive[1]!);
    const header = req.headers.authorization ?? '';
    const [scheme, value] = header.split(' ');
    const password = scheme?.toLowerCase() === 'basic' && value ? Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':') : scheme?.toLowerCase() === 'apikey' ? value : undefined;
    if (password !== key) return problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    return null;
  };

  const server = await startSandbox({ router, before, notFound: noList, port: options.port });
  const base = server.url;
  const member = (email: string) => state.members.get(hashOf(email));

  return {
    ...server,
    server: server.url,
    key,
    listId,
    state,
    addMember(email, status = 'subscribed', mergeFields = {}) {
      const m: McMember = { id: hashOf(email), email: email.trim(), status, mergeFields: { ...mergeFields }, tags: [] };
      state.members.set(m.id, m);
      return m;
    },
    setStatus(email, status) {
      const m = member(email);
      if (!m) throw new Error(`sandbox: no member ${email}`);
      m.status = status;
    },
    member,
    tagsOf: (email) => [...(member(email)?.tags ?? [])].sort(),
    addMergeField(tag, name) {
      state.mergeFields.push({ merge_id: state.mergeFields.length + 1, tag, name, type: 'text' });
    },
    failNextBatch(errored) {
      failBatch = errored;
    },
    holdBatches(hold) {
      held = hold;
      if (!held) for (const batch of state.batches.values()) setTimeout(() => void runBatch(batch), 0);
    },
    tagSetCount: (email, tag, status = 'active') => state.tagSets.get(`${email.toLowerCase()}|${tag.toLowerCase()}|${status}`) ?? 0,
  };
}
