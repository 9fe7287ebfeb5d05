import { gunzipSync } from 'node:zlib';
import { applyIndividually } from '../crm-bulk';
import type { CrmBatching, CrmBatchProgress, CrmBulkResult, CrmConnector, CrmContactInput, CrmContactRef, CrmImporting, CrmImportOutcome, CrmLimits, CrmSubscription } from '../crm-types';
import { registerSecret } from '../../store/redact';
import type { PacerClock } from '../pacer';
import { createHttpClient, describeSchemaProblem, PlatformError, type HttpClient, type PlatformLimits } from '../http';
import { isLoopbackHost } from '../url-policy';
import { mailchimpBase } from './address';
import { readTar } from './tar';
import { Batch, BatchList, BatchResults, describeMailchimpError, List, Member, MergeFields, NoContent, Root, subscriberHash, type Member as WireMember } from './wire';

/** Mailchimp allows at most 10 simultaneous connections per account and answers 429 beyond that. */
export const MAILCHIMP_LIMITS: PlatformLimits = {
  concurrency: 10,
  timeoutMs: 30_000,
  retries: 4,
  maxRetryAfterMs: 60_000,
};

/** A batch costs a submit plus at least one status poll, so it pays off only for larger bulks. */
export const MAILCHIMP_BATCH_THRESHOLD = 10;
/**
 * Operations per batch. Mailchimp documents no cap on operations (only 500 batches pending at
 * once); 1,000 keeps one batch's results archive at about a megabyte.
 */
export const MAILCHIMP_BATCH_SIZE = 1000;
/**
 * Fewer contacts than this are upserted with one PUT each: ten connections make 50 PUTs in about
 * five round trips, sooner than a batch (a submit, status reads seconds apart, the results archive)
 * whose answers the tag changes must wait for. From 50 on, the batch saves 45 requests or more.
 */
export const MAILCHIMP_UPSERT_BATCH_THRESHOLD = 50;

export interface MailchimpOptions {
  key: string;
  /** The audience (list) id. */
  listId: string;
  /** The data centre (`us21`); derived from the key when omitted. A loopback http URL points at a sandbox. */
  server?: string;
  limits?: Partial<PlatformLimits>;
  /** What Retry-After holds run on; default real time. */
  clock?: PacerClock;
}

/** Largest results archive read (compressed, and unpacked): a 500-operation batch's is a few hundred KB. */
const MAX_RESULTS_BYTES = 20 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
/** A batch submitted this long before Backroom noted its intent still counts as a candidate (clock skew). */
const FIND_SKEW_MS = 5 * 60_000;

/** Archived members get no mail until re-added, which is how an upsert treats them. */
function subscription(status: WireMember['status']): CrmSubscription {
  return status === 'archived' ? 'transactional' : status;
}

const norm = (s: string) => s.trim().toLowerCase();

/** One operation's result in a finished batch: its HTTP status, the platform's message, and the answer. */
interface BatchOutcome {
  status: number;
  detail: string;
  body: unknown;
}

/** An operation's failed outcome as the error the job records. */
function batchFailure(outcome: BatchOutcome): PlatformError {
  const kind = outcome.status === 404 ? 'not-found' : outcome.status === 429 || outcome.status >= 500 ? 'transient' : 'rejected';
  return new PlatformError(kind, `Mailchimp answered HTTP ${outcome.status} in a batch: ${outcome.detail}`, outcome.status);
}

/**
 * Reads a finished batch's results archive. It lives on Mailchimp's file store, not the API host, so
 * it is fetched without the key; https only (plain http only on this computer), with a timeout and
 * a size limit. Returns each operation's HTTP status by operation id.
 */
async function readBatchResults(url: string, timeoutMs: number): Promise<Map<string, BatchOutcome>> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PlatformError('malformed', `Mailchimp gave a batch results address that is not a URL: ${url.slice(0, 100)}`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    throw new PlatformError('malformed', 'Mailchimp gave a batch results address that is not https; Backroom does not read it.');
  }
  let response: Response;
  try {
    response = await fetch(parsed, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new PlatformError('network', `Could not read the Mailchimp batch results (${(error as Error).message}).`);
  }
  if (!response.ok || !response.body) throw new PlatformError(response.status >= 500 ? 'transient' : 'rejected', `Mailchimp batch results answered HTTP ${response.status}.`, response.status);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESULTS_BYTES) {
      await reader.cancel();
      throw new PlatformError('malformed', `The Mailchimp batch results are larger than ${MAX_RESULTS_BYTES / 1024 / 1024} MB; Backroom does not read them.`);
    }
    chunks.push(Buffer.from(value));
  }
  const outcomes = new Map<string, BatchOutcome>();
  let archive: Buffer;
  try {
    archive = gunzipSync(Buffer.concat(chunks), { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw new PlatformError('malformed', `The Mailchimp batch results could not be unpacked (${(error as Error).message}).`);
  }
  for (const entry of readTar(archive)) {
    if (!entry.name.endsWith('.json')) continue;
    let json: unknown;
    try {
      json = JSON.parse(entry.data.toString('utf8'));
    } catch {
      throw new PlatformError('malformed', `The Mailchimp batch results file ${entry.name} is not valid JSON.`);
    }
    const results = BatchResults.safeParse(json);
    if (!results.success) throw new PlatformError('malformed', `The Mailchimp batch results file ${entry.name} is not as expected: ${describeSchemaProblem(results.error)}`);
    for (const r of results.data) {
      if (!r.operation_id) continue;
      let detail = '';
      let body: unknown;
      try {
        body = JSON.parse(r.response ?? '{}') as unknown;
        detail = r.status_code >= 200 && r.status_code < 300 ? '' : describeMailchimpError(r.status_code, body).message;
      } catch {
        detail = 'no details';
      }
      outcomes.set(r.operation_id, { status: r.status_code, detail, body });
    }
  }
  return outcomes;
}

export function createMailchimpConnector(options: MailchimpOptions): CrmConnector {
  const limits = { ...MAILCHIMP_LIMITS, ...options.limits };
  // Keys handed in directly (sandbox, demo) are masked too, not only those read from the secret store.
  registerSecret(options.key);
  const http: HttpClient = createHttpClient({
    baseUrl: `${mailchimpBase(options.key, options.server)}/`,
    // Mailchimp takes HTTP Basic with any user name and the key as the password.
    basicAuth: { username: 'backroom', password: options.key },
    limits,
    describeError: describeMailchimpError,
    platformName: 'Mailchimp',
    clock: options.clock,
  });
  const list = `lists/${encodeURIComponent(options.listId)}`;
  const memberPath = (ref: CrmContactRef) => `${list}/members/${ref.id}`;
  const refFor = (email: string): CrmContactRef => ({ id: subscriberHash(email), email: email.trim() });
  const tagsBody = (apply: readonly string[], remove: readonly string[]) => ({
    tags: [...apply.map((name) => ({ name, status: 'active' })), ...remove.map((name) => ({ name, status: 'inactive' }))],
  });

  // Sending a merge field the audience lacks fails the whole upsert, so the audience's fields are read once.
  let mergeTags: Promise<Map<string, string>> | null = null;
  function audienceFields(): Promise<Map<string, string>> {
    mergeTags ??= http.request({ path: `${list}/merge-fields`, searchParams: { count: 1000 }, schema: MergeFields }).then(
      ({ body }) => {
        const byKey = new Map<string, string>();
        for (const f of body.merge_fields) byKey.set(norm(f.name), f.tag);
        for (const f of body.merge_fields) byKey.set(norm(f.tag), f.tag);
        return byKey;
      },
      (error: unknown) => {
        mergeTags = null;
        throw error;
      },
    );
    return mergeTags;
  }

  /** The member PUT for a contact: by subscriber hash, mapped merge fields, and the status a new member gets. */
  async function memberUpsert(input: CrmContactInput) {
    const wanted: [string, string][] = [];
    if (input.firstName) wanted.push(['FNAME', input.firstName]);
    if (input.lastName) wanted.push(['LNAME', input.lastName]);
    if (input.phone) wanted.push(['PHONE', input.phone]);
    if (input.company) wanted.push(['COMPANY', input.company]);
    for (const [key, value] of Object.entries(input.fields ?? {})) if (value !== '') wanted.push([key, value]);
    const unknownFields: string[] = [];
    const merge_fields: Record<string, string> = {};
    if (wanted.length) {
      const known = await audienceFields();
      for (const [key, value] of wanted) {
        const tag = known.get(norm(key));
        if (tag) merge_fields[tag] = value;
        // The standard name fields are quietly skipped when an audience has deleted them.
        else if (!['FNAME', 'LNAME', 'PHONE'].includes(key) || Object.hasOwn(input.fields ?? {}, key)) unknownFields.push(key === 'COMPANY' && input.company === value ? 'company' : key);
      }
    }
    const ref = refFor(input.email);
    // status_if_new only applies to new members: an unsubscribed member stays unsubscribed.
    const json = { email_address: ref.email, status_if_new: input.marketingConsent === false ? 'transactional' : 'subscribed', merge_fields };
    return { ref, json, unknownFields };
  }

  const imports: CrmImporting = {
    maxContacts: MAILCHIMP_BATCH_SIZE,
    minContacts: MAILCHIMP_UPSERT_BATCH_THRESHOLD,
    appliesTags: false,
    reportsStatus: true,
    fit: async (contacts) => Math.min(contacts.length, MAILCHIMP_BATCH_SIZE),

    async submit(contacts) {
      const built = await Promise.all(contacts.map(async (c) => ({ operationId: c.operationId, ...(await memberUpsert(c.input)) })));
      const body = { operations: built.map((b) => ({ method: 'PUT', path: `/${memberPath(b.ref)}`, operation_id: b.operationId, body: JSON.stringify(b.json) })) };
      // A member PUT is an upsert, so a batch whose answer was lost can simply be sent again.
      const { body: batch } = await http.request({ method: 'POST', path: 'batches', json: body, schema: Batch });
      return { batchId: batch.id, unknownFields: [...new Set(built.flatMap((b) => b.unknownFields))] };
    },

    async progress(batchId, contacts) {
      const { body: batch } = await http.request({ path: `batches/${encodeURIComponent(batchId)}`, schema: Batch });
      if (batch.status !== 'finished') return { state: 'running' };
      const outcomes = batch.response_body_url ? await readBatchResults(batch.response_body_url, limits.timeoutMs) : new Map<string, BatchOutcome>();
      const results = new Map<string, CrmImportOutcome>();
      for (const c of contacts) {
        const outcome = outcomes.get(c.operationId);
        if (!outcome) {
          results.set(c.operationId, { ok: false, error: new PlatformError('transient', `Mailchimp batch ${batchId} reported nothing for this contact.`) });
          continue;
        }
        if (outcome.status < 200 || outcome.status >= 300) {
          results.set(c.operationId, { ok: false, error: batchFailure(outcome) });
          continue;
        }
        const member = Member.safeParse(outcome.body);
        if (!member.success) {
          results.set(c.operationId, { ok: false, error: new PlatformError('malformed', `Mailchimp batch ${batchId} answered for ${c.email} with a member that is not as expected: ${describeSchemaProblem(member.error)}`) });
          continue;
        }
        results.set(c.operationId, { ok: true, result: { ref: refFor(c.email), status: subscription(member.data.status), tags: member.data.tags.map((t) => t.name), unknownFields: [] } });
      }
      return { state: 'finished', results };
    },
  };

  async function tagOne(ref: CrmContactRef, apply: readonly string[], remove: readonly string[]): Promise<void> {
    if (!apply.length && !remove.length) return;
    // One call sets every tag; Mailchimp creates tags it does not have. Setting a state twice is harmless.
    await http.request({ method: 'POST', path: `${memberPath(ref)}/tags`, json: tagsBody(apply, remove), schema: NoContent, idempotent: true });
  }

  const batches: CrmBatching = {
    async submit(operations) {
      const body = {
        operations: operations.map((o) => ({
          method: 'POST',
          path: `/${memberPath(o.change.ref)}/tags`,
          operation_id: o.operationId,
          body: JSON.stringify(tagsBody(o.change.apply, o.change.remove)),
        })),
      };
      // Not repeated on a lost answer: the caller looks the batch up instead (find).
      const { body: batch } = await http.request({ method: 'POST', path: 'batches', json: body, schema: Batch });
      return { batchId: batch.id };
    },

    async find(since, operationIds) {
      // Mailchimp lists batches without their operations: a candidate is one of the same size
      // submitted since the intent was noted; `progress` then checks the operation ids in its results.
      const { body } = await http.request({ path: 'batches', searchParams: { count: 1000 }, schema: BatchList });
      const from = since.getTime() - FIND_SKEW_MS;
      const candidates = body.batches.filter((b) => b.total_operations === operationIds.length && (!b.submitted_at || Date.parse(b.submitted_at) >= from));
      for (const candidate of candidates) {
        if (candidate.status !== 'finished' || !candidate.response_body_url) return candidate.id;
        const outcomes = await readBatchResults(candidate.response_body_url, limits.timeoutMs);
        if (operationIds.every((id) => outcomes.has(id))) return candidate.id;
      }
      return null;
    },

    async progress(batchId, operationIds): Promise<CrmBatchProgress> {
      const { body: batch } = await http.request({ path: `batches/${encodeURIComponent(batchId)}`, schema: Batch });
      if (batch.status !== 'finished') return { state: 'running', finished: batch.finished_operations, total: batch.total_operations };
      const outcomes = batch.response_body_url ? await readBatchResults(batch.response_body_url, limits.timeoutMs) : new Map<string, BatchOutcome>();
      const failed = new Map<string, PlatformError>();
      const succeeded = new Set<string>();
      for (const id of operationIds) {
        const outcome = outcomes.get(id);
        if (outcome && outcome.status >= 200 && outcome.status < 300) succeeded.add(id);
        else if (outcome) failed.set(id, batchFailure(outcome));
        // An operation the results do not mention (a batch that is not ours after all) is made again
        // the ordinary way, which reads the member's tags first.
        else failed.set(id, new PlatformError('transient', `Mailchimp batch ${batchId} reported nothing for this change.`));
      }
      return { state: 'finished', failed, succeeded };
    },
  };

  const connector: CrmConnector = {
    platform: 'mailchimp',
    limits: { concurrency: limits.concurrency, batchSize: MAILCHIMP_BATCH_SIZE, batchThreshold: MAILCHIMP_BATCH_THRESHOLD } satisfies CrmLimits,
    stats: http.stats,

    async test() {
      const root = (await http.request({ path: '', schema: Root })).body;
      let audience;
      try {
        audience = (await http.request({ path: list, schema: List })).body;
      } catch (error) {
        if (error instanceof PlatformError && error.kind === 'not-found') {
          throw new PlatformError('not-found', `Mailchimp account "${root.account_name}" has no audience with id "${options.listId}". Find the id under Audience › Settings › Audience name and defaults.`, 404);
        }
        throw error;
      }
      return { ok: true, platform: 'mailchimp', account: root.account_name, user: root.email ?? undefined, listName: audience.name, memberCount: audience.stats?.member_count };
    },

    async upsertContact(input: CrmContactInput) {
      const { ref, json, unknownFields } = await memberUpsert(input);
      const { body } = await http.request({ method: 'PUT', path: memberPath(ref), json, schema: Member });
      return { ref, status: subscription(body.status), tags: body.tags.map((t) => t.name), unknownFields };
    },

    async getContact(email) {
      const ref = refFor(email);
      try {
        const { body } = await http.request({ path: memberPath(ref), schema: Member });
        return { ref, status: subscription(body.status), tags: body.tags.map((t) => t.name) };
      } catch (error) {
        if (error instanceof PlatformError && error.kind === 'not-found') return null;
        throw error;
      }
    },

    applyTags: (ref, tags) => tagOne(ref, tags, []),
    removeTags: (ref, tags) => tagOne(ref, [], tags),

    /** Small bulks, and anything the caller does not batch: one call per contact. */
    async applyTagChanges(changes) {
      const result: CrmBulkResult = { batched: 0, individually: 0, failed: [] };
      const wanted = changes.map((c, i) => i).filter((i) => changes[i]!.apply.length || changes[i]!.remove.length);
      const one = await applyIndividually((c) => tagOne(c.ref, c.apply, c.remove), changes, wanted);
      result.individually = one.individually;
      result.failed = one.failed;
      return result;
    },

    batches,
    imports,
  };
  return connector;
}

export { mailchimpBase };
