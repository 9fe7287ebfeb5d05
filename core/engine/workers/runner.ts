/**
 * The job workers of a PostgreSQL store: one pg-boss worker loop per job kind (or several, with
 * `concurrency`), each running the handler the engine plugs in for that kind, any number of these
 * processes side by side on one database.
 *
 * - One run per shop and kind at a time across every process: pg-boss's "stately" queues (one
 *   job active per shop and kind) and, around each run, a session advisory lock (job-fence.ts) that
 *   keeps a second run out even when pg-boss has given up on a first one that is still going.
 * - Retries with back-off (the queues' policy); a job that fails for good goes to one dead-letter
 *   queue, whose worker writes it into Backroom's error list (failures.ts).
 * - A worker killed outright leaves its job active; pg-boss's upkeep, run by any live worker, fails
 *   it by expiry and it is handed out again. Nothing is lost, only delayed by `expireInSeconds`.
 * - Timed work by schedules in the database (postgres/schedules.ts), never by in-process timers.
 * - `stop()` (and SIGTERM through `stopOnSignals`) takes no new jobs, lets running ones finish for
 *   `stopGraceSeconds`, then aborts their signals and lets pg-boss hand out what is left.
 */
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { clearErrorRow } from '../../store/postgres/issue-errors';
import { fieldOf } from '../../store/postgres/job-data';
import { tryFence } from '../../store/postgres/job-fence';
import { DEFAULT_RETRY, ensureQueue, JOB_KINDS, startJobQueue, type JobKind, type JobQueue, type RetryPolicy } from '../../store/postgres/jobs';
import { ensureTickQueue, removeSchedule, reseedSchedules, runTick, setSchedule, tickOf, TICK_QUEUE, type Schedule, type ScheduledKind } from '../../store/postgres/schedules';
import { inTransaction } from '../../store/postgres/pool';
import { operationKey } from '../../runtime/issues';
import { failureEntryFor, recordJobFailure } from './failures';

/** Where jobs that failed for good go, from every kind's queue, to be written into the error list. */
export const FAILED_QUEUE = 'job-failed';
/** How often the dead-letter queue is asked for failures to record (at least the work loops' interval). */
const FAILED_POLLING_SECONDS = 10;

export type JobSummary = Record<string, unknown>;
/** Runs one job: `signal` aborts when the job runs past its time, loses its fence, or Backroom stops. */
export type JobHandler = (kind: JobKind, target: string, signal: AbortSignal) => Promise<JobSummary | void>;

export type WorkerEvent =
  | { type: 'started'; kind: JobKind; target: string; jobId: string; attempt: number }
  | { type: 'finished'; kind: JobKind; target: string; jobId: string; ms: number }
  | { type: 'failed'; kind: JobKind; target: string; jobId: string; message: string; final: boolean }
  | { type: 'busy'; kind: JobKind; target: string; jobId: string }
  | { type: 'gave-up'; kind: JobKind; target: string }
  | { type: 'skipped'; queue: string; jobId: string; reason: string }
  | { type: 'error'; message: string };

export interface WorkerOptions {
  pool: pg.Pool;
  /** Backroom's schema (migrated); pg-boss's is beside it (`<schema>_jobs`). */
  schema: string;
  handle: JobHandler;
  /** Kinds this process works on (default all). */
  kinds?: readonly JobKind[];
  /** Jobs of one kind this process runs at once, for different shops (1 to 20, default 1). */
  concurrency?: number;
  retry?: RetryPolicy;
  /** Longest one run may take; also how long a killed worker's job waits before it is handed out again. Default 900 s. */
  expireInSeconds?: number;
  /** How often the upkeep that expires dead workers' jobs runs (across all workers). Default 60 s. */
  maintenanceIntervalSeconds?: number;
  /** How often an idle loop asks for work. Default 2 s. */
  pollingIntervalSeconds?: number;
  /** How often this process mends schedules whose chain of runs broke. Default 10 minutes. */
  reseedMinutes?: number;
  /** How long `stop()` lets running jobs finish before aborting them. Default 20 s. */
  stopGraceSeconds?: number;
  /** The time errors are recorded at (the engine's clock). */
  clock?: { now(): Date };
  onEvent?: (event: WorkerEvent) => void;
}

export interface Workers {
  readonly queue: JobQueue;
  /** Sets or changes a schedule (in its own transaction); see postgres/schedules.ts. */
  setSchedule(schedule: Schedule, firstInSeconds?: number): Promise<void>;
  removeSchedule(kind: ScheduledKind, target: string): Promise<void>;
  /** Jobs this process is running now. */
  running(): number;
  stop(): Promise<void>;
}

const MAX_TARGET = 64;
const isJobKind = (value: unknown): value is JobKind => JOB_KINDS.some((kind) => kind === value);

function bounded(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`The worker setting ${name} must be between ${min} and ${max}; it is ${String(v)}.`);
  return v;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function targetOf(data: unknown): string | null {
  const target = fieldOf(data, 'target');
  return typeof target === 'string' && target.length >= 1 && target.length <= MAX_TARGET ? target : null;
}

export async function startWorkers(options: WorkerOptions): Promise<Workers> {
  const { pool, schema, handle } = options;
  const kinds = options.kinds ?? JOB_KINDS;
  const concurrency = bounded('concurrency', options.concurrency, 1, 1, 20);
  const retry = options.retry ?? DEFAULT_RETRY;
  const expireInSeconds = bounded('expireInSeconds', options.expireInSeconds, 900, 5, 86_400);
  const maintenanceIntervalSeconds = bounded('maintenanceIntervalSeconds', options.maintenanceIntervalSeconds, 60, 1, 3600);
  const pollingIntervalSeconds = bounded('pollingIntervalSeconds', options.pollingIntervalSeconds, 2, 0.5, 600);
  const reseedMs = bounded('reseedMinutes', options.reseedMinutes, 10, 1, 1440) * 60_000;
  const graceMs = bounded('stopGraceSeconds', options.stopGraceSeconds, 20, 0, 600) * 1000;
  const clock = options.clock ?? { now: () => new Date() };
  const emit = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure is not the job's.
    }
  };

  const queue = await startJobQueue(pool, schema, { retry, pollingIntervalSeconds, maintenanceIntervalSeconds, cron: false });
  const { boss } = queue;
  boss.on('error', (error: unknown) => emit({ type: 'error', message: describe(error) }));
  await ensureQueue(pool, boss, { name: FAILED_QUEUE, policy: 'standard', retryLimit: 20, retryDelay: 30, retryBackoff: false });
  // Every start states each kind's policy: expiry and the dead-letter queue apply to jobs sent from now on.
  for (const kind of JOB_KINDS) {
    await boss.updateQueue(kind, { name: kind, policy: 'stately', retryLimit: retry.retryLimit, retryDelay: retry.retryDelaySeconds, retryBackoff: true, expireInSeconds, deadLetter: FAILED_QUEUE });
  }
  await ensureTickQueue(pool, boss);

  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const controllers = new Set<AbortController>();
  const workerIds: string[] = [];
  // Jobs this worker took: pg-boss records a job's outcome only after its handler returns, so
  // stop() waits for those records too — a process that exits earlier leaves the job 'active',
  // and another worker runs it again once it expires.
  const taken = new Set<string>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.then(
      () => inFlight.delete(work),
      () => inFlight.delete(work),
    );
    return work;
  };

  async function runJob(kind: JobKind, job: PgBoss.JobWithMetadata<unknown>): Promise<JobSummary> {
    taken.add(job.id);
    // Forgotten a minute after the job's expiry, when pg-boss has long recorded it: the set stays small in a long-running worker.
    setTimeout(() => taken.delete(job.id), expireInSeconds * 1000 + 60_000).unref();
    const target = targetOf(job.data);
    if (target === null) {
      emit({ type: 'skipped', queue: kind, jobId: job.id, reason: 'no shop or CRM name' });
      return { skipped: 'The job named no shop or CRM (or a name longer than 64 characters), so it was not run.' };
    }
    const fence = await tryFence(pool, `${schema} job ${kind} ${target}`);
    if (!fence) {
      emit({ type: 'busy', kind, target, jobId: job.id });
      throw new Error(`The previous run of this job for ${target} has not finished yet; this one waits for it.`);
    }
    const controller = new AbortController();
    controllers.add(controller);
    const onLost = () => controller.abort(new Error('The worker lost its connection to the database, so the job stopped.'));
    fence.lost.addEventListener('abort', onLost);
    // Before pg-boss's own limit (which fails the job but cannot stop it), so the handler stops first.
    const timer = setTimeout(() => controller.abort(new Error(`The job ran longer than ${expireInSeconds} seconds and was stopped.`)), Math.max(1000, expireInSeconds * 900));
    const began = Date.now();
    emit({ type: 'started', kind, target, jobId: job.id, attempt: job.retryCount + 1 });
    try {
      const summary = (await handle(kind, target, controller.signal)) ?? {};
      const entry = failureEntryFor(kind, target);
      await clearErrorRow(pool, schema, entry.source, entry.operation, operationKey).catch(() => false);
      emit({ type: 'finished', kind, target, jobId: job.id, ms: Date.now() - began });
      return summary;
    } catch (error) {
      emit({ type: 'failed', kind, target, jobId: job.id, message: describe(error), final: job.retryCount >= job.retryLimit });
      throw error;
    } finally {
      clearTimeout(timer);
      fence.lost.removeEventListener('abort', onLost);
      controllers.delete(controller);
      await fence.release();
    }
  }

  async function recordFailed(job: PgBoss.JobWithMetadata<unknown>): Promise<JobSummary> {
    const kind = fieldOf(job.data, 'kind');
    const target = targetOf(job.data);
    if (!isJobKind(kind) || target === null) {
      emit({ type: 'skipped', queue: FAILED_QUEUE, jobId: job.id, reason: 'a failed job without kind or target' });
      return { skipped: 'A failed job named no job kind or target, so it could not be listed.' };
    }
    await recordJobFailure(pool, schema, clock.now(), kind, target, job.output, job.retryLimit + 1);
    emit({ type: 'gave-up', kind: kind, target });
    return { recorded: true };
  }

  async function loop(name: string, work: (job: PgBoss.JobWithMetadata<unknown>) => Promise<JobSummary>, every = pollingIntervalSeconds): Promise<void> {
    // Known once work() has answered, which is before its first fetch can have returned a job.
    const self: { id?: string } = {};
    self.id = await boss.work<unknown>(name, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: every }, async ([job]: PgBoss.JobWithMetadata<unknown>[]) => {
      if (!job) return {};
      try {
        return await track(work(job));
      } finally {
        // More may be waiting: ask again at once instead of after the polling interval.
        if (self.id && !stopping) boss.notifyWorker(self.id);
      }
    });
    workerIds.push(self.id);
  }

  for (const kind of kinds) {
    for (let i = 0; i < concurrency; i++) await loop(kind, (job) => runJob(kind, job));
  }
  // Writing a failure into the error list can wait a little; asking less often keeps an idle worker cheap.
  await loop(FAILED_QUEUE, recordFailed, Math.max(pollingIntervalSeconds, FAILED_POLLING_SECONDS));
  await loop(TICK_QUEUE, (job) => runTick(pool, queue, schema, tickOf(job.data)));

  const reseed = () => reseedSchedules(pool, queue, schema).catch((error: unknown) => emit({ type: 'error', message: `Mending schedules failed: ${describe(error)}` }));
  await reseed();
  const reseedTimer = setInterval(() => void reseed(), reseedMs);
  reseedTimer.unref();

  let stopped: Promise<void> | null = null;
  async function stopNow(): Promise<void> {
    stopping = true;
    clearInterval(reseedTimer);
    await Promise.all(workerIds.map((id) => boss.offWork({ id })));
    const settled = () => Promise.allSettled([...inFlight]).then(() => undefined);
    await Promise.race([settled(), wait(graceMs)]);
    if (inFlight.size > 0) {
      for (const controller of controllers) controller.abort(new Error('Backroom is stopping; the job will run again on another worker.'));
      await Promise.race([settled(), wait(5000)]);
    }
    await outcomesRecorded(pool, queue.schema, [...taken], graceMs);
    await queue.stop();
  }

  return {
    queue,
    async setSchedule(schedule, firstInSeconds = 0) {
      await inTransaction(pool, (client) => setSchedule(client, queue, schema, schedule, firstInSeconds));
    },
    async removeSchedule(kind, target) {
      await inTransaction(pool, (client) => removeSchedule(client, queue, schema, kind, target));
    },
    running: () => inFlight.size,
    stop() {
      stopped ??= stopNow();
      return stopped;
    },
  };
}

/** Waits (at most `withinMs`) until pg-boss has recorded how each of these jobs ended. */
async function outcomesRecorded(pool: pg.Pool, jobSchema: string, ids: string[], withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (ids.length > 0 && Date.now() < until) {
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from ${jobSchema}.job where id = any($1::uuid[]) and state = 'active'`, [ids]);
    if ((rows[0]?.n ?? 0) === 0) return;
    await wait(50);
  }
}

/** SIGTERM and SIGINT stop the workers gracefully, then the process ends (a second signal ends it at once). */
export function stopOnSignals(workers: Workers, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let asked = false;
  const onSignal = () => {
    if (asked) return exit(1);
    asked = true;
    void workers.stop().then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
