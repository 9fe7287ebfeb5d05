import type { ErrorEntry } from '../model';

/**
 * Health of each shop and CRM connection, computed here once so that the tray, the window, the
 * terminal UI and `backroom status` can never disagree (SPEC: "Health is told truthfully").
 */
export type HealthState = 'ok' | 'syncing' | 'paused' | 'attention' | 'not-synced';

/** The words each state is shown with, everywhere. */
export const HEALTH_LABEL: Record<HealthState, string> = {
  ok: 'OK',
  syncing: 'Syncing',
  paused: 'Paused',
  attention: 'Needs attention',
  'not-synced': 'Not yet synced',
};

export interface TargetHealth {
  kind: 'shop' | 'crm';
  name: string;
  state: HealthState;
  /** Why, in the merchant's words: "the shop refused Backroom's keys", "could not be reached", … */
  reason: string;
  /** When a sync with this shop or CRM last went through, or null if never. */
  lastSuccessAt: string | null;
  openErrors: number;
}

export interface Health {
  /** The worst state over every shop and CRM (and Backroom's own errors). */
  overall: HealthState;
  reason: string;
  shops: TargetHealth[];
  crms: TargetHealth[];
}

export interface HealthInput {
  shops: { name: string; lastRun: Record<string, string> }[];
  crms: { name: string; lastSuccessAt?: string }[];
  errors: readonly ErrorEntry[];
  /** Jobs running now, as `job:target`. */
  running: readonly string[];
  paused: boolean;
}

/** Which kind of trouble an error stands for. Error messages are written by describeFailure (platforms/errors.ts) and the HTTP layer. */
export function troubleOf(message: string): 'keys-refused' | 'unreachable' | 'failing' {
  if (/refused Backroom's credentials|did not accept the API key|HTTP 40[13]\b|access token|consumer key and secret are stored|API key of CRM/i.test(message)) return 'keys-refused';
  if (/could not reach|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|timed out|socket hang up/i.test(message)) return 'unreachable';
  return 'failing';
}

function attentionReason(kind: 'shop' | 'crm', errors: ErrorEntry[]): string {
  const who = kind === 'shop' ? 'the shop' : 'the CRM';
  const troubles = new Set(errors.map((e) => troubleOf(e.message)));
  if (troubles.has('keys-refused')) return `${who} refused Backroom's keys — enter new ones in Settings (or backroom ${kind === 'shop' ? 'shop' : 'crm'} set)`;
  if (troubles.has('unreachable')) return `${who} could not be reached — check its address and that it is online`;
  const newest = [...errors].sort((a, b) => b.lastAt.localeCompare(a.lastAt))[0]!;
  return `${errors.length} open error${errors.length === 1 ? '' : 's'}, newest: ${newest.object} — ${newest.message}`;
}

function latest(times: Iterable<string | undefined>): string | null {
  let best: string | null = null;
  for (const t of times) if (t && (!best || t > best)) best = t;
  return best;
}

function targetHealth(kind: 'shop' | 'crm', name: string, lastSuccessAt: string | null, input: HealthInput): TargetHealth {
  const errors = input.errors.filter((e) => !e.dismissed && e.source.kind === kind && e.source.name === name);
  const base = { kind, name, lastSuccessAt, openErrors: errors.length };
  if (errors.length) return { ...base, state: 'attention', reason: attentionReason(kind, errors) };
  if (input.paused) return { ...base, state: 'paused', reason: 'syncing is paused; Resume starts it again' };
  // Running jobs are keyed `job:target`; CRM runs use the job name `crm`.
  const busy = input.running.filter((r) => {
    const [job, ...rest] = r.split(':');
    return rest.join(':') === name && (kind === 'crm') === (job === 'crm');
  });
  if (busy.length) return { ...base, state: 'syncing', reason: `working now (${busy.map((b) => b.split(':')[0]).join(', ')})` };
  if (!lastSuccessAt) return { ...base, state: 'not-synced', reason: 'no sync has gone through yet' };
  return { ...base, state: 'ok', reason: 'in step' };
}

/** The order in which states outrank each other when several shops are summed up in one word. */
const RANK: HealthState[] = ['attention', 'paused', 'syncing', 'not-synced', 'ok'];

export function computeHealth(input: HealthInput): Health {
  const shops = input.shops.map((s) => targetHealth('shop', s.name, latest(Object.values(s.lastRun)), input));
  const crms = input.crms.map((c) => targetHealth('crm', c.name, c.lastSuccessAt ?? null, input));
  const all = [...shops, ...crms];
  const ownErrors = input.errors.filter((e) => !e.dismissed && e.source.kind === 'backroom');
  let overall: HealthState = all.length ? RANK.find((state) => all.some((t) => t.state === state)) ?? 'ok' : input.paused ? 'paused' : 'ok';
  if (ownErrors.length) overall = 'attention';
  const troubled = all.filter((t) => t.state === overall);
  let reason: string;
  if (overall === 'attention') {
    reason = troubled.length ? troubled.map((t) => `${t.name}: ${t.reason}`).join('; ') : `${ownErrors.length} open error${ownErrors.length === 1 ? '' : 's'} in Backroom itself`;
  } else if (overall === 'ok') {
    reason = all.length ? 'all in step' : 'no shop connected yet';
  } else {
    reason = troubled.length ? `${troubled.map((t) => t.name).join(', ')}: ${troubled[0]!.reason}` : HEALTH_LABEL[overall];
  }
  return { overall, reason, shops, crms };
}

/** The tray's word for a health: attention shows as errors, not yet synced as ok. */
export function stateWord(health: Health): 'ok' | 'syncing' | 'errors' | 'paused' {
  const { overall } = health;
  return overall === 'attention' ? 'errors' : overall === 'not-synced' ? 'ok' : overall;
}
