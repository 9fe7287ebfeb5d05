import { applyIndividually } from '../crm-bulk';
import type { CrmBulkResult, CrmConnector, CrmContactInput, CrmContactRef, CrmLimits, CrmSubscription, CrmTagChange } from '../crm-types';
import { registerSecret } from '../../store/redact';
import { createHttpClient, PlatformError, type HttpClient, type PlatformLimits } from '../http';
import { mailchimpBase } from './address';
import { Batch, describeMailchimpError, List, Member, MergeFields, NoContent, Root, subscriberHash, type Member as WireMember } from './wire';

/** Mailchimp allows at most 10 simultaneous connections per account and answers 429 beyond that. */
export const MAILCHIMP_LIMITS: PlatformLimits = {
  concurrency: 10,
  timeoutMs: 30_000,
  retries: 4,
  maxRetryAfterMs: 60_000,
};

/** A batch costs a submit plus at least one status poll, so it pays off only for larger bulks. */
export const MAILCHIMP_BATCH_THRESHOLD = 10;
export const MAILCHIMP_BATCH_SIZE = 500;

export interface MailchimpOptions {
  key: string;
  /** The audience (list) id. */
  listId: string;
  /** The data centre (`us21`); derived from the key when omitted. A loopback http URL points at a sandbox. */
  server?: string;
  limits?: Partial<PlatformLimits>;
  /** How often a submitted batch is polled (default 2 s). */
  batchPollMs?: number;
  /** How long a batch may run before its changes are made one by one instead (default 10 min). */
  batchTimeoutMs?: number;
}

/** Archived members get no mail until re-added, which is how an upsert treats them. */
function subscription(status: WireMember['status']): CrmSubscription {
  return status === 'archived' ? 'transactional' : status;
}

const norm = (s: string) => s.trim().toLowerCase();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  async function tagOne(ref: CrmContactRef, apply: readonly string[], remove: readonly string[]): Promise<void> {
    if (!apply.length && !remove.length) return;
    // One call sets every tag; Mailchimp creates tags it does not have. Setting a state twice is harmless.
    await http.request({ method: 'POST', path: `${memberPath(ref)}/tags`, json: tagsBody(apply, remove), schema: NoContent, idempotent: true });
  }

  /** Runs one batch to the end; returns false when it errored or took too long (its changes are then redone one by one). */
  async function runBatch(changes: readonly CrmTagChange[]): Promise<boolean> {
    const operations = changes.map((c, i) => ({
      method: 'POST',
      path: `/${memberPath(c.ref)}/tags`,
      operation_id: String(i),
      body: JSON.stringify(tagsBody(c.apply, c.remove)),
    }));
    let { body: batch } = await http.request({ method: 'POST', path: 'batches', json: { operations }, schema: Batch });
    const deadline = Date.now() + (options.batchTimeoutMs ?? 600_000);
    while (batch.status !== 'finished') {
      if (Date.now() > deadline) return false;
      await sleep(options.batchPollMs ?? 2000);
      batch = (await http.request({ path: `batches/${encodeURIComponent(batch.id)}`, schema: Batch })).body;
    }
    // Per-operation results come only as a tar archive; on any error the whole batch is redone, which
    // is safe because each operation sets tag states rather than toggling them.
    return batch.errored_operations === 0 && batch.finished_operations === changes.length;
  }

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
      const { body } = await http.request({
        method: 'PUT',
        path: memberPath(ref),
        // status_if_new only applies to new members: an unsubscribed member stays unsubscribed.
        json: { email_address: ref.email, status_if_new: input.marketingConsent === false ? 'transactional' : 'subscribed', merge_fields },
        schema: Member,
      });
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

    async applyTagChanges(changes) {
      const result: CrmBulkResult = { batched: 0, individually: 0, failed: [] };
      const wanted = changes.map((c, i) => i).filter((i) => changes[i]!.apply.length || changes[i]!.remove.length);
      const redo: number[] = [];
      if (wanted.length < MAILCHIMP_BATCH_THRESHOLD) redo.push(...wanted);
      else {
        for (let start = 0; start < wanted.length; start += MAILCHIMP_BATCH_SIZE) {
          const chunk = wanted.slice(start, start + MAILCHIMP_BATCH_SIZE);
          let ok = false;
          try {
            ok = await runBatch(chunk.map((i) => changes[i]!));
          } catch (error) {
            // A refused key fails every change alike: no point redoing them one by one.
            if (error instanceof PlatformError && error.kind === 'auth') throw error;
          }
          if (ok) result.batched += chunk.length;
          else redo.push(...chunk);
        }
      }
      const one = await applyIndividually((c) => tagOne(c.ref, c.apply, c.remove), changes, redo);
      result.individually = one.individually;
      result.failed = one.failed;
      return result;
    },
  };
  return connector;
}

export { mailchimpBase };
