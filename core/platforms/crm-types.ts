import type { CrmPlatform } from '../model';
import type { PlatformError } from './http';

/**
 * What the CRM tagging job sees of a CRM: model-shaped contacts and tag names, never wire JSON.
 * Each platform module (activecampaign/, mailchimp/) implements this by translating its API.
 */

/**
 * A contact's standing for marketing mail. `unsubscribed` means Backroom must take no further
 * action for this contact (SPEC §4: its carts move to unsubscribed).
 * - `cleaned`: the address bounced (Mailchimp cleaned, ActiveCampaign bounced).
 * - `pending`: waiting for a double opt-in confirmation (ActiveCampaign: unconfirmed).
 * - `transactional`: known to the CRM but on no marketing list.
 */
export type CrmSubscription = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional';

/** A contact as Backroom upserts it. Empty values are not sent, so they never blank a field in the CRM. */
export interface CrmContactInput {
  email: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  company?: string;
  /**
   * Further fields by the CRM's own name for them: ActiveCampaign custom field personalisation tag,
   * title or id (`ORDER_COUNT`, `Total spent`, `7`); Mailchimp merge tag or name (`ORDERS`).
   */
  fields?: Record<string, string>;
  /**
   * Mailchimp only: the status a new member gets. `true` (default) subscribes; `false` adds the
   * member as transactional (no marketing mail). Existing members keep their status either way.
   */
  marketingConsent?: boolean;
}

/** How a connector addresses one contact: ActiveCampaign contact id, Mailchimp subscriber hash. */
export interface CrmContactRef {
  id: string;
  email: string;
}

export interface CrmContact {
  ref: CrmContactRef;
  status: CrmSubscription;
  /** Tag names the contact has now, so tags it already has cost no request. */
  tags: string[];
}

export interface CrmUpsertResult {
  ref: CrmContactRef;
  status: CrmSubscription;
  /** True when the CRM created the contact, false when it updated one; absent when the CRM does not say (Mailchimp). */
  created?: boolean;
  /** The contact's tags, where the upsert answer includes them at no extra cost (Mailchimp). */
  tags?: string[];
  /** Fields (keys of `fields`, or `company`) the CRM has no field for; worth an alert, not an error. */
  unknownFields: string[];
}

export interface CrmTestReport {
  ok: true;
  platform: CrmPlatform;
  /** ActiveCampaign: the account host; Mailchimp: the account name. */
  account: string;
  /** ActiveCampaign: the API user's email; Mailchimp: the account login email when sent. */
  user?: string;
  /** Mailchimp: the audience (list) name. */
  listName?: string;
  /** Mailchimp: members in the audience. */
  memberCount?: number;
}

/** Tags to set on one contact in a bulk call. */
export interface CrmTagChange {
  ref: CrmContactRef;
  apply: string[];
  remove: string[];
}

export interface CrmBulkResult {
  /** Changes made in bulk (Mailchimp `/batches` operations that succeeded). */
  batched: number;
  /** Changes made one by one: small bulks, or batch operations that failed and were redone individually. */
  individually: number;
  /** Changes that could not be made, by their index in the input; every other change was made. */
  failed: { index: number; error: PlatformError }[];
}

export interface CrmLimits {
  /** Requests in flight at once (Mailchimp: at most 10 connections). */
  concurrency: number;
  /** Requests per second the CRM allows (ActiveCampaign: 5 per account). */
  requestsPerSecond?: number;
  /** Largest number of changes one bulk call sends; 0 when the CRM has no bulk endpoint worth using. */
  batchSize: number;
  /** Below this many changes, `applyTagChanges` sends them one by one (a batch costs a submit plus polls). */
  batchThreshold: number;
}

/** One operation of a CRM batch: the tag changes of one contact, under an id Backroom chose. */
export interface CrmBatchOperation {
  operationId: string;
  change: CrmTagChange;
}

/** How far a submitted batch got: still running, or finished with each operation's outcome. */
export type CrmBatchProgress =
  | { state: 'running'; finished: number; total: number }
  | { state: 'finished'; failed: Map<string, PlatformError>; succeeded: Set<string> };

/**
 * A CRM's asynchronous bulk endpoint (Mailchimp `/batches`), in steps, so that the caller can
 * persist what it submitted before anything depends on it, and find or poll that batch after a
 * restart instead of submitting it again.
 */
export interface CrmBatching {
  /** Submits the operations; resolves with the CRM's batch id once it has accepted them. */
  submit(operations: CrmBatchOperation[]): Promise<{ batchId: string }>;
  /**
   * The id of a batch submitted at or after `since` with exactly these operations, when the CRM has
   * one (for a submit whose answer was lost in a crash); null when no batch of ours is there.
   */
  find(since: Date, operationIds: string[]): Promise<string | null>;
  /** Reads the batch's status once; when finished, its per-operation results. */
  progress(batchId: string, operationIds: string[]): Promise<CrmBatchProgress>;
}

export interface CrmConnector {
  readonly platform: CrmPlatform;
  readonly limits: CrmLimits;
  /**
   * Requests made so far, retries included (the benches and the sync summary report these);
   * `settled`, where the connector counts it, the attempts that ended (tests tell from it that nothing is in flight).
   */
  readonly stats: { requests: number; retries: number; settled?: number };
  /** Checks the key and (Mailchimp) the audience; names the account. */
  test(): Promise<CrmTestReport>;
  /** Creates or updates the contact by email. Never changes an existing contact's subscription status. */
  upsertContact(input: CrmContactInput): Promise<CrmUpsertResult>;
  /** The contact with this email, or null when the CRM has none. */
  getContact(email: string): Promise<CrmContact | null>;
  /** Adds tags, creating tags the CRM does not have yet. Tags the contact has already are harmless. */
  applyTags(ref: CrmContactRef, tags: string[]): Promise<void>;
  /** Removes tags; tags the contact does not have (or the CRM does not know) are ignored. */
  removeTags(ref: CrmContactRef, tags: string[]): Promise<void>;
  /**
   * Applies and removes tags on many contacts, in bulk where the CRM has an endpoint that saves
   * requests (Mailchimp `/batches`), else one contact at a time. Resolves once every change is made.
   */
  applyTagChanges(changes: CrmTagChange[]): Promise<CrmBulkResult>;
  /** The CRM's asynchronous batch endpoint, where it has one worth using (Mailchimp). */
  readonly batches?: CrmBatching;
  /** The CRM's bulk contact upsert, for backlogs (ActiveCampaign import, Mailchimp batches). */
  readonly imports?: CrmImporting;
}

/** One contact of a bulk upsert, under an id Backroom chose; `tags` travel with it where the CRM takes them (ActiveCampaign). */
export interface CrmImportContact {
  operationId: string;
  input: CrmContactInput;
  tags: string[];
}

/** How far a bulk upsert got: still running, or finished with each contact's outcome by operation id. */
export type CrmImportProgress =
  | { state: 'running' }
  | { state: 'finished'; results: Map<string, CrmImportOutcome> };

/**
 * One contact's outcome in a finished bulk upsert. `result` is known only where the CRM reports it
 * per contact (Mailchimp: the member as the PUT answered); ActiveCampaign's import says only which
 * contacts failed.
 */
export type CrmImportOutcome = { ok: true; result?: CrmUpsertResult } | { ok: false; error: PlatformError };

/**
 * A CRM's bulk contact upsert (ActiveCampaign `/import/bulk_import`, Mailchimp member PUTs in
 * `/batches`), in steps like `CrmBatching`, so the caller polls it on the engine clock.
 */
export interface CrmImporting {
  /** Most contacts in one call (ActiveCampaign: 250). */
  maxContacts: number;
  /** Fewer ready contacts than this go one by one: a bulk call costs a submit, polls and a wait. */
  minContacts: number;
  /** The import applies the contacts' tags itself (ActiveCampaign); otherwise it only upserts (Mailchimp). */
  appliesTags: boolean;
  /**
   * The import reports each contact's subscription status and tags (Mailchimp). Where it does not
   * (ActiveCampaign), contacts whose changes depend on them (cart tags stop on an unsubscribe;
   * removals need the contact's tags) go one by one.
   */
  reportsStatus: boolean;
  /** How many of `contacts`, from the first, fit in one call (count and payload size). */
  fit(contacts: CrmImportContact[]): Promise<number>;
  /** Submits the contacts; resolves with the CRM's id for the import and the fields it has no field for. */
  submit(contacts: CrmImportContact[]): Promise<{ batchId: string; unknownFields: string[] }>;
  /** Reads the import's status once; when finished, each contact's outcome. */
  progress(batchId: string, contacts: { operationId: string; email: string }[]): Promise<CrmImportProgress>;
}
