import { z } from 'zod';

/**
 * ActiveCampaign API v3 wire shapes (https://developers.activecampaign.com/reference). Only the
 * fields Backroom reads are listed; objects are loose so extra fields never break a sync.
 * ActiveCampaign sends ids, statuses and `meta.total` as strings.
 */

const Id = z.union([z.string(), z.number()]).transform(String);

export const Meta = z.looseObject({ total: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().min(0)) });

export const Contact = z.looseObject({
  id: Id,
  email: z.string(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  phone: z.string().nullish(),
});
export type Contact = z.infer<typeof Contact>;

/** `POST /contact/sync`: 201 when created, 200 when updated. */
export const ContactSyncResponse = z.looseObject({ contact: Contact });

/** `GET /contacts?email=` */
export const ContactList = z.looseObject({ contacts: z.array(Contact), meta: Meta.optional() });

export const Tag = z.looseObject({ id: Id, tag: z.string(), tagType: z.string().nullish() });
export type Tag = z.infer<typeof Tag>;

/** `GET /tags?search=&limit=&offset=` */
export const TagList = z.looseObject({ tags: z.array(Tag), meta: Meta });
/** `POST /tags` */
export const TagCreated = z.looseObject({ tag: Tag });

export const ContactTag = z.looseObject({ id: Id, contact: Id, tag: Id });
/** `GET /contacts/{id}/contactTags` */
export const ContactTagList = z.looseObject({ contactTags: z.array(ContactTag) });
/** `POST /contactTags` */
export const ContactTagCreated = z.looseObject({ contactTag: ContactTag });

/** Contact list membership status: 0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced. */
export const ContactListEntry = z.looseObject({ list: Id, status: Id });
/** `GET /contacts/{id}/contactLists` */
export const ContactListsResponse = z.looseObject({ contactLists: z.array(ContactListEntry) });

export const Field = z.looseObject({ id: Id, title: z.string(), perstag: z.string().nullish() });
export type Field = z.infer<typeof Field>;
/** `GET /fields?limit=&offset=` */
export const FieldList = z.looseObject({ fields: z.array(Field), meta: Meta });

/** `POST /import/bulk_import`: the import is queued; `batchId` names it for `/import/info`. */
export const BulkImportQueued = z.looseObject({ batchId: z.string().min(1).max(200), queued_contacts: z.number().optional(), message: z.string().optional() });

/**
 * `GET /import/info?batchId=`: `status` is waiting, claimed, active, completed, failed or interrupted
 * (the boolean false just after submitting); `success` lists ids of contacts the import created,
 * `failure` the emails of contacts it could not import.
 */
export const BulkImportInfo = z.looseObject({
  status: z.union([z.string(), z.literal(false)]),
  success: z.array(Id).nullish(),
  failure: z.array(z.union([z.string(), z.looseObject({ email: z.string() }).transform((f) => f.email)])).nullish(),
});

/** `GET /users/me` */
export const Me = z.looseObject({ user: z.looseObject({ email: z.string().nullish(), username: z.string().nullish() }) });

/** `DELETE /contactTags/{id}` answers `{}` (or nothing). */
export const Empty = z.unknown();

/** Error bodies: `{errors:[{title, detail, code, source}]}` for rejected requests, `{message}` for auth and rate limits. */
const ErrorList = z.looseObject({ errors: z.array(z.looseObject({ title: z.string().optional(), detail: z.string().optional(), code: z.string().optional() })).min(1) });
const ErrorMessage = z.looseObject({ message: z.string() });

export function describeActiveCampaignError(status: number, body: unknown): { message: string; code?: string } {
  if (status === 401 || status === 403) {
    return { message: 'the API key was refused. Check the account URL and key under Settings › Developer in ActiveCampaign.' };
  }
  if (status === 429) return { message: 'too many requests (ActiveCampaign allows 5 per second per account).' };
  const list = ErrorList.safeParse(body);
  if (list.success) {
    const first = list.data.errors[0]!;
    return { message: [first.title, first.detail].filter(Boolean).join(': ') || 'request rejected', code: first.code };
  }
  const single = ErrorMessage.safeParse(body);
  if (single.success) return { message: single.data.message };
  return { message: typeof body === 'string' && body && body.length < 200 ? body : 'no details' };
}
