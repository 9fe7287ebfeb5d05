/**
 * Background jobs on a PostgreSQL store run on pg-boss, in its own schema beside Backroom's
 * (`<schema>_jobs`), over the store's own connection pool. A job is enqueued on the connection of
 * the transaction that writes the data causing it, so the two commit or roll back together: no job
 * without its data, no data without its job. Each job kind is a queue with pg-boss's "stately"
 * policy and the shop (or CRM) as singleton key: at most one waiting and one running per shop and
 * kind, across every worker.
 */
import PgBoss from 'pg-boss';
import type pg from 'pg';

export const JOB_KINDS = ['orders-pull', 'stock-push', 'shipping-push', 'cart-sweep', 'crm-work'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface RetryPolicy {
  /** Further attempts after the first. */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) for each further one. */
  retryDelaySeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryLimit: 5, retryDelaySeconds: 10 };

export interface JobQueueOptions {
  retry?: RetryPolicy;
  /** How often an idle worker asks for work (pg-boss allows 0.5 s and up). */
  pollingIntervalSeconds?: number;
  /**
   * How often this process runs pg-boss's upkeep (expiring jobs whose worker died, archiving): the
   * upkeep of all processes together runs at most once per interval. Default pg-boss's 120 s.
   */
  maintenanceIntervalSeconds?: number;
  /** pg-boss's cron clock; off when Backroom's own schedules (engine/workers) drive the timed work. */
  cron?: boolean;
}

export interface JobQueue {
  readonly boss: PgBoss;
  readonly schema: string;
  /**
   * Enqueues `kind` for `target` (a shop or CRM name) on the transaction's own connection. Returns
   * the job id, or null when that target already has a job of this kind waiting (it will cover this one).
   */
  enqueue(transaction: pg.ClientBase, kind: JobKind, target: string, data?: Record<string, unknown>): Promise<string | null>;
  stop(): Promise<void>;
}

/** pg-boss's SQL hook over one connection: what it runs there belongs to that connection's transaction. */
export function sqlOn(connection: Pick<pg.ClientBase, 'query'>): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const result = await connection.query(text, values);
      return { rows: result.rows };
    },
  };
}

export function jobSchemaFor(storeSchema: string): string {
  const schema = `${storeSchema}_jobs`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`The store schema name '${storeSchema}' is too long to hold its jobs beside it; use at most 58 characters.`);
  return schema;
}

/**
 * Starts pg-boss on the store's pool and makes sure every job kind's queue exists. Its schema is
 * the migration's to create and upgrade (jobs-schema.ts): pg-boss only checks it is current.
 */
export async function startJobQueue(pool: pg.Pool, storeSchema: string, options: JobQueueOptions = {}): Promise<JobQueue> {
  const schema = jobSchemaFor(storeSchema);
  const retry = options.retry ?? DEFAULT_RETRY;
  const boss = new PgBoss({ db: sqlOn(pool), schema, migrate: false, ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
    ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
    ...(options.cron === false ? { schedule: false } : {}),
  });
  // pg-boss reports maintenance failures as events; without a listener Node would throw them.
  boss.on('error', () => undefined);
  await boss.start();
  for (const kind of JOB_KINDS) {
    await ensureQueue(pool, boss, { name: kind, policy: 'stately', retryLimit: retry.retryLimit, retryDelay: retry.retryDelaySeconds, retryBackoff: true });
  }
  return {
    boss,
    schema,
    // The kind travels in the data: a job that failed for good reaches the one dead-letter queue with it.
    enqueue: (transaction, kind, target, data = {}) => boss.send(kind, { ...data, kind, target }, { singletonKey: target, db: sqlOn(transaction) }),
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 30_000 }),
  };
}

/**
 * Creates a queue when it is missing. Workers started together on a fresh database all find it
 * missing, and pg-boss's create_queue run side by side deadlocks (it makes a table per queue): so
 * one creator at a time, under a session advisory lock held on a connection of its own.
 */
export async function ensureQueue(pool: pg.Pool, boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  if (await boss.getQueue(queue.name)) return;
  const lockHolder = await pool.connect();
  const key = `backroom queue ${queue.name}`;
  let broken: Error | undefined;
  const lost = (error: Error) => (broken = error);
  lockHolder.on('error', lost);
  try {
    await lockHolder.query('select pg_advisory_lock(hashtextextended($1, 12))', [key]);
    try {
      if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
    } finally {
      await lockHolder.query('select pg_advisory_unlock(hashtextextended($1, 12))', [key]).catch((error: unknown) => (broken ??= error instanceof Error ? error : new Error(String(error))));
    }
  } finally {
    lockHolder.off('error', lost);
    lockHolder.release(broken);
  }
}
