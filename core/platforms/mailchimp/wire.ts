import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Mailchimp Marketing API 3.0 wire shapes (https://mailchimp.com/developer/marketing/api/). Only
 * the fields Backroom reads are listed; objects are loose so extra fields never break a sync.
 */

/** Members are addressed by the MD5 hash of the lower-cased email address. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** The data centre a key belongs to is its suffix: `…-us21` → `us21`. */
export function dataCenterOf(key: string): string | undefined {
  return /-([a-z]{2,}\d+)$/.exec(key.trim())?.[1];
}

export const MemberStatus = z.enum(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived']);

export const Member = z.looseObject({
  id: z.string(),
  email_address: z.string(),
  status: MemberStatus,
  merge_fields: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.looseObject({ id: z.number().optional(), name: z.string() })).default([]),
});
export type Member = z.infer<typeof Member>;

/** `GET /` (API root): the account. */
export const Root = z.looseObject({ account_name: z.string(), email: z.string().nullish(), login_id: z.union([z.string(), z.number()]).optional() });
/** `GET /lists/{list_id}` */
export const List = z.looseObject({ id: z.string(), name: z.string(), stats: z.looseObject({ member_count: z.number() }).optional() });
/** `GET /lists/{list_id}/merge-fields` */
export const MergeFields = z.looseObject({
  merge_fields: z.array(z.looseObject({ tag: z.string(), name: z.string() })),
  total_items: z.number(),
});
/** `POST /batches`, `GET /batches/{batch_id}` */
export const Batch = z.looseObject({
  id: z.string(),
  status: z.enum(['pending', 'preprocessing', 'started', 'finalizing', 'finished']),
  total_operations: z.number(),
  finished_operations: z.number(),
  errored_operations: z.number(),
  response_body_url: z.string().nullish(),
});
export type Batch = z.infer<typeof Batch>;
/** `GET /batches` */
export const BatchList = z.looseObject({ batches: z.array(Batch.extend({ submitted_at: z.string().nullish() })), total_items: z.number() });
/** One file of a finished batch's results archive: each operation's status and response (a JSON string). */
export const BatchResults = z.array(z.looseObject({ status_code: z.number(), operation_id: z.string().nullish(), response: z.string().nullish() }));

/** Tag changes answer 204 with no body. */
export const NoContent = z.unknown();

/** Errors are application/problem+json: `{type, title, status, detail, instance, errors?}`. */
const Problem = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.looseObject({ field: z.string().optional(), message: z.string().optional() })).optional(),
});

export function describeMailchimpError(status: number, body: unknown): { message: string; code?: string } {
  if (status === 401 || status === 403) {
    return { message: 'the API key was refused (invalid, revoked, or for another data centre). Create one under Profile › Extras › API keys in Mailchimp.' };
  }
  const parsed = Problem.safeParse(body);
  if (!parsed.success) return { message: 'no details' };
  const { title, detail, errors } = parsed.data;
  const fields = errors?.map((e) => [e.field, e.message].filter(Boolean).join(': ')).filter(Boolean).join('; ');
  return { message: [title, detail, fields].filter(Boolean).join(': ') || 'request rejected', code: title };
}
