/**
 * Timed work on the PostgreSQL store without in-process timers: each shop's order poll, cart sweep
 * and CRM run is a row of `job_schedules` (what is wanted, how often) and a chain of pg-boss "tick"
 * jobs, each deferred until its time. A tick that comes due enqueues the real job (absorbed when one
 * already waits: it covers this one) and the next tick, in one transaction — so a worker killed
 * between the two leaves either both or neither, and the tick, handed out again, does it once.
 *
 * Why ticks and not pg-boss cron: cron runs at most once a minute and a poll may be set to 30 s or
 * 90 s; and a deferred tick costs the database nothing until it is due (idle cost does not grow with
 * the number of shops). The tick queue is "stately" per kind and target: at most one tick waits per
 * schedule, so chains that meet (a reseed beside a running tick) merge into one.
 */
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import { fieldOf } from './job-data';
import { ensureQueue, sqlOn, type JobKind, type JobQueue } from './jobs';
import { inTransaction } from './pool';

export const TICK_QUEUE = 'schedule-tick';
/** The kinds that run on a schedule; stock and shipping pushes follow the data that causes them. */
export const SCHEDULED_KINDS = ['orders-pull', 'cart-sweep', 'crm-work'] as const satisfies readonly JobKind[];
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];

export const MIN_EVERY_SECONDS = 1;
export const MAX_EVERY_SECONDS = 604_800;

export interface Schedule {
  kind: ScheduledKind;
  target: string;
  everySeconds: number;
}

export interface TickData {
  kind: ScheduledKind;
  target: string;
}

const tickKey = (kind: string, target: string) => `${kind}:${target}`;

function checkSchedule(kind: string, target: string, everySeconds?: number): asserts kind is ScheduledKind {
  if (!(SCHEDULED_KINDS as readonly string[]).includes(kind)) throw new Error(`'${kind}' does not run on a schedule; the timed kinds are ${SCHEDULED_KINDS.join(', ')}.`);
  if (typeof target !== 'string' || target.length < 1 || target.length > 64) throw new Error('A schedule names its shop or CRM in 1 to 64 characters.');
  if (everySeconds !== undefined && (!Number.isInteger(everySeconds) || everySeconds < MIN_EVERY_SECONDS || everySeconds > MAX_EVERY_SECONDS)) {
    throw new Error(`A schedule runs every ${MIN_EVERY_SECONDS} to ${MAX_EVERY_SECONDS.toLocaleString('en')} seconds (7 days), in whole seconds; ${String(everySeconds)} is outside that.`);
  }
}

/** Creates the tick queue when missing (several workers starting at once create it once). */
export async function ensureTickQueue(pool: pg.Pool, boss: PgBoss): Promise<void> {
  // Ticks retry without back-off: a tick only fails when the database does, and a long back-off
  // would leave a shop unpolled long after the database is back.
  const options = { name: TICK_QUEUE, policy: 'stately' as const, retryLimit: 1000, retryDelay: 15, retryBackoff: false, expireInSeconds: 60 };
  await ensureQueue(pool, boss, options);
}

async function lockSchedule(transaction: pg.ClientBase, schema: string, kind: string, target: string): Promise<void> {
  await transaction.query('select pg_advisory_xact_lock(hashtextextended($1, 17))', [`${schema} schedule ${tickKey(kind, target)}`]);
}

/** Deletes the ticks that wait for this schedule (not a running one: it reads the row when it commits). */
async function dropWaitingTicks(transaction: pg.ClientBase, jobSchema: string, kind: string, target: string): Promise<void> {
  await transaction.query(`delete from ${jobSchema}.job where name = $1 and singleton_key = $2 and state in ('created', 'retry')`, [TICK_QUEUE, tickKey(kind, target)]);
}

/**
 * Sets (or changes) a schedule on the caller's transaction: the first run is due `firstInSeconds`
 * from now (default: at once), then every `everySeconds`.
 */
export async function setSchedule(transaction: pg.ClientBase, queue: JobQueue, storeSchema: string, schedule: Schedule, firstInSeconds = 0): Promise<void> {
  checkSchedule(schedule.kind, schedule.target, schedule.everySeconds);
  await lockSchedule(transaction, storeSchema, schedule.kind, schedule.target);
  await transaction.query(
    `insert into ${storeSchema}.job_schedules (kind, target, every_seconds) values ($1, $2, $3)
     on conflict (kind, target) do update set every_seconds = excluded.every_seconds`,
    [schedule.kind, schedule.target, schedule.everySeconds],
  );
  // A waiting tick may be due much later under the old interval: the new one replaces it.
  await dropWaitingTicks(transaction, queue.schema, schedule.kind, schedule.target);
  await sendTick(transaction, queue, { kind: schedule.kind, target: schedule.target }, firstInSeconds);
}

/** Ends a schedule: no tick comes again (a running one finds its row gone and sends no next). */
export async function removeSchedule(transaction: pg.ClientBase, queue: JobQueue, storeSchema: string, kind: ScheduledKind, target: string): Promise<void> {
  checkSchedule(kind, target);
  await lockSchedule(transaction, storeSchema, kind, target);
  await transaction.query(`delete from ${storeSchema}.job_schedules where kind = $1 and target = $2`, [kind, target]);
  await dropWaitingTicks(transaction, queue.schema, kind, target);
}

export async function listSchedules(db: Pick<pg.ClientBase, 'query'>, storeSchema: string): Promise<Schedule[]> {
  const { rows } = await db.query<{ kind: ScheduledKind; target: string; every_seconds: number }>(`select kind, target, every_seconds from ${storeSchema}.job_schedules order by kind, target`);
  return rows.map((r) => ({ kind: r.kind, target: r.target, everySeconds: r.every_seconds }));
}

function sendTick(transaction: pg.ClientBase, queue: JobQueue, tick: TickData, inSeconds: number): Promise<string | null> {
  const options: PgBoss.SendOptions = { singletonKey: tickKey(tick.kind, tick.target), db: sqlOn(transaction) };
  if (inSeconds > 0) options.startAfter = inSeconds;
  return queue.boss.send(TICK_QUEUE, { ...tick }, options);
}

/** Reads a tick's data as sent by sendTick; anything else in the tick queue is refused. */
export function tickOf(data: unknown): TickData {
  const kind = fieldOf(data, 'kind');
  const target = fieldOf(data, 'target');
  if (typeof kind !== 'string' || typeof target !== 'string') throw new Error('A scheduled run without a kind and a target was found in the job queue and skipped.');
  checkSchedule(kind, target);
  return { kind, target };
}

/**
 * A tick has come due: in one transaction, the real job and the next tick (when the schedule still
 * exists). Returns what it did, for the job's output.
 */
export async function runTick(pool: pg.Pool, queue: JobQueue, storeSchema: string, tick: TickData): Promise<{ enqueued: boolean; nextInSeconds: number | null }> {
  return inTransaction(pool, async (client) => {
    await lockSchedule(client, storeSchema, tick.kind, tick.target);
    const { rows } = await client.query<{ every_seconds: number }>(`select every_seconds from ${storeSchema}.job_schedules where kind = $1 and target = $2`, [tick.kind, tick.target]);
    const every = rows[0]?.every_seconds ?? null;
    let enqueued = false;
    if (every !== null) {
      enqueued = (await queue.enqueue(client, tick.kind, tick.target, { scheduled: true })) !== null;
      await sendTick(client, queue, tick, every);
    }
    return { enqueued, nextInSeconds: every };
  });
}

/**
 * Gives every schedule without a waiting, retrying or running tick a new one, due at once: a chain
 * broken by a tick that failed for good (the database gone for hours) mends itself at the next
 * worker start or reseed. One query when nothing is missing.
 */
export async function reseedSchedules(pool: pg.Pool, queue: JobQueue, storeSchema: string): Promise<number> {
  const { rows } = await pool.query<{ kind: ScheduledKind; target: string }>(
    `select s.kind, s.target from ${storeSchema}.job_schedules s
     where not exists (select 1 from ${queue.schema}.job j where j.name = $1 and j.singleton_key = s.kind || ':' || s.target and j.state in ('created', 'retry', 'active'))`,
    [TICK_QUEUE],
  );
  let sent = 0;
  for (const row of rows) {
    const client = await pool.connect();
    try {
      if ((await sendTick(client, queue, row, 0)) !== null) sent++;
    } finally {
      client.release();
    }
  }
  return sent;
}
