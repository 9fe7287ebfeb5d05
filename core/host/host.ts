import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startChartRecorder, type ChartRecorder } from '../api/chart-recorder';
import type { ApiClient } from '../api/client';
import type { ApiContext } from '../api/context';
import { inProcessClient } from '../api/in-process';
import { connectSocket, EngineUnavailableError, prepareEndpoint, serveSocket } from '../api/socket-transport';
import { DataDirLockedError, FILES, openStore, scheduleDailyBackups, readOwnerInfo, tryLockDataDir, writeFileAtomic, type LockOptions, type OwnerInfo, type SecretStore, type Store } from '../store';
import { clampStoredSettings } from '../model';
import { systemClock, type Clock } from '../runtime/clock';
import { raiseAlertIn } from '../runtime/issues';
import { jsonRepositories } from '../store/json-repositories';
import type { Repositories } from '../store/repositories';
import { Engine, type CrmConnectorFactory, type ShopConnectorFactory } from '../engine/engine';
import { EventBus } from '../runtime/events';
import { Scheduler } from '../engine/scheduler';
import { fileLogger, logEngineEvents } from '../runtime/log';
import { defaultConnectorFactory, defaultCrmConnectorFactory } from '../engine/default-connectors';

/** How often a running engine checks whether today's backup exists. */
const BACKUP_CHECK_MS = 3_600_000;

export interface HostOptions {
  dataDir: string;
  clock?: Clock;
  lock?: LockOptions;
  secrets?: SecretStore;
  /** Serve the API on the local socket so other processes can attach (engine hosts do; a one-off CLI run does not). */
  serve?: boolean;
  /** Run the scheduler (timed syncs, debounced pushes): daemon, desktop and TUI hosts do. */
  schedule?: boolean;
  /** Builds shop connectors; tests inject their own. */
  connectorFactory?: ShopConnectorFactory;
  crmConnectorFactory?: CrmConnectorFactory;
  /** Called once the engine exists and before the scheduler starts: later features register their jobs here. */
  extend?: (ctx: ApiContext) => void | Promise<void>;
}

export interface EngineHost {
  ctx: ApiContext;
  client: ApiClient;
  store: Store;
  endpoint: string | null;
  close(): Promise<void>;
}

/**
 * Becomes the owner of a data directory: takes the lock, opens the store, and (when `serve`) listens
 * on the local socket behind a fresh token readable only by this user. Returns null when a live
 * process already owns the directory.
 */
export async function hostEngine(options: HostOptions): Promise<EngineHost | null> {
  const { dataDir } = options;
  await mkdir(dataDir, { recursive: true });
  const release = await tryLockDataDir(dataDir, options.lock);
  if (!release) return null;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now().toISOString();
  let store: Store;
  let repos: Repositories;
  try {
    // The folder's own work (the daily backup, the order recount) is the Store's; everything else goes through `repos`.
    store = await openStore(dataDir, { backupDay: options.serve ? startedAt.slice(0, 10) : undefined, secrets: options.secrets, recountOrders: options.serve });
    repos = jsonRepositories(store);
    await repairStoredSettings(repos, clock);
  } catch (error) {
    await release();
    throw error;
  }
  const events = new EventBus();
  const engine = new Engine({
    repos,
    store,
    clock,
    events,
    connectorFactory: options.connectorFactory ?? defaultConnectorFactory,
    crmConnectorFactory: options.crmConnectorFactory ?? defaultCrmConnectorFactory,
  });
  // The queue's unreadable items are in the error list before anything reads it (a failure to write
  // them loses nothing: they are named again at the next open).
  await engine.queue.reported.catch(() => undefined);
  // The state word is computed from what the engine last read: read before any front end asks.
  await engine.ready;
  const ctx: ApiContext = {
    // The engine's own instance: units run one at a time per instance, so the API writes through the one the jobs use.
    repos: engine.repos,
    clock,
    events,
    engine,
    scheduler: options.schedule ? new Scheduler(engine, clock, events, () => store.main.data.settings.stockPushDebounceMs) : undefined,
    via: options.serve ? 'engine' : 'direct',
    host: options.serve ? { pid: process.pid, startedAt } : undefined,
  };
  let server: { close(): Promise<void> } | null = null;
  let endpoint: string | null = null;
  let charts: ChartRecorder | null = null;
  const onClose: (() => void)[] = [];
  let backups: { stop(): Promise<void> } | null = null;
  try {
    if (options.serve) {
      const where = await prepareEndpoint(dataDir);
      endpoint = where;
      const token = randomBytes(32).toString('hex');
      await writeFileAtomic(join(dataDir, FILES.token), token, { mode: 0o600 });
      await chmod(join(dataDir, FILES.token), 0o600).catch(() => undefined);
      server = await serveSocket(ctx, where, token);
    }
    // The pictures' history (charts.json) follows every change made through this host.
    charts = await startChartRecorder(ctx, { dataDir, sampleAtStart: Boolean(options.serve || options.schedule) });
    await writeOwnerInfo(dataDir, { pid: process.pid, endpoint: endpoint ?? '', startedAt });
    await options.extend?.(ctx);
    if (options.serve) {
      // A long-running engine keeps taking the daily backup (the first was taken on opening).
      backups = scheduleDailyBackups(clock, (day) => store.backup(day), BACKUP_CHECK_MS);
      const log = fileLogger(dataDir);
      log.info(`engine started (pid ${process.pid})`);
      const offLog = logEngineEvents(events, log);
      onClose.push(() => {
        offLog();
        log.info('engine stopped; everything saved');
      });
    }
    await ctx.scheduler?.start();
  } catch (error) {
    await server?.close();
    await charts?.stop();
    await backups?.stop();
    await release();
    throw error;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    engine.stop();
    await ctx.scheduler?.stop();
    await engine.idle();
    await server?.close();
    await backups?.stop();
    await store.flush();
    await charts?.stop();
    await rm(join(dataDir, FILES.endpoint), { force: true });
    if (endpoint) await rm(join(dataDir, FILES.token), { force: true });
    onClose.forEach((fn) => fn());
    await release();
  };
  return { ctx, client: inProcessClient(ctx, close), store, endpoint, close };
}

/**
 * Settings saved before their ranges existed (a 40-day poll interval, a negative buffer) are brought
 * into range, each with an alert saying what was changed, so the engine never runs on a value it
 * cannot honour and the merchant's data still opens.
 */
async function repairStoredSettings(repos: Repositories, clock: Clock): Promise<void> {
  // A copy: clamped here, then written with its alerts in one unit.
  const { settings, shops } = await repos.settings.withoutCatalogue();
  const changed = clampStoredSettings({ settings, shops });
  if (changed.length === 0) return;
  const now = clock.now();
  await repos.write(async (w) => {
    await w.settings.update({ settings, shops });
    for (const c of changed) {
      await raiseAlertIn(w.issues, now, {
        key: `setting-clamped:${c.where}:${c.label}`,
        source: { kind: 'backroom', name: 'settings' },
        kind: 'other',
        message: `${c.label} of ${c.where} was ${c.from} ${c.unit}, outside its allowed range; Backroom now uses ${c.to} ${c.unit}. Change it in the settings if you want another value in range.`,
      });
    }
  });
}

async function writeOwnerInfo(dataDir: string, info: OwnerInfo): Promise<void> {
  await writeFileAtomic(join(dataDir, FILES.endpoint), JSON.stringify(info), { mode: 0o600 });
}

/** Connects to the engine that owns `dataDir`, or returns null when none is serving. */
export async function attachToEngine(dataDir: string, timeoutMs = 2000): Promise<ApiClient | null> {
  const owner = await readOwnerInfo(dataDir);
  if (!owner?.endpoint) return null;
  let token: string;
  try {
    token = (await readFile(join(dataDir, FILES.token), 'utf8')).trim();
  } catch {
    return null;
  }
  try {
    return await connectSocket(owner.endpoint, token, timeoutMs);
  } catch (error) {
    if (error instanceof EngineUnavailableError) return null;
    throw error;
  }
}

/** How a front end reached the engine of a data folder. */
export type Reached =
  | { hosted: true; client: ApiClient; host: EngineHost; close(): Promise<void> }
  | { hosted: false; client: ApiClient; close(): Promise<void> };

export interface HostOrAttachOptions extends HostOptions {
  /**
   * Which to try first. `attach` (the default: command line, terminal UI) uses an engine that runs
   * before starting one; `host` (the desktop app) expects to be the owner and attaches otherwise.
   */
  first?: 'attach' | 'host';
  /**
   * How long to keep trying while the folder is held by a process that does not serve (a one-off
   * command holds it for a moment) or is starting up; 0 tries each way once.
   */
  waitMs?: number;
  /** Pause between rounds of tries. */
  retryMs?: number;
  /** How long one attempt to attach may take. */
  connectTimeoutMs?: number;
}

/**
 * The one way every front end reaches the engine of `dataDir`: attach to the engine that owns it,
 * or become the owner when none does (SPEC: one engine per data directory, never two writers).
 * Between the two checks another process may take the folder, so the pair is tried again until
 * `waitMs` has passed; then the folder is reported as held by a process that does not answer.
 */
export async function hostOrAttach(options: HostOrAttachOptions): Promise<Reached> {
  const { first = 'attach', waitMs = 10_000, retryMs = 200, connectTimeoutMs = 2000, ...hostOptions } = options;
  const attach = async (): Promise<Reached | null> => {
    const client = await attachToEngine(hostOptions.dataDir, connectTimeoutMs);
    return client ? { hosted: false, client, close: () => client.close() } : null;
  };
  const host = async (): Promise<Reached | null> => {
    // The lock is asked for once per round: waiting on it here would not notice an engine that starts serving.
    const owned = await hostEngine({ ...hostOptions, lock: { ...hostOptions.lock, waitMs: 0 } });
    return owned ? { hosted: true, client: owned.client, host: owned, close: () => owned.close() } : null;
  };
  const ways = first === 'attach' ? [attach, host] : [host, attach];
  const deadline = Date.now() + Math.max(0, waitMs);
  for (;;) {
    for (const way of ways) {
      const reached = await way();
      if (reached) return reached;
    }
    if (Date.now() >= deadline) throw new DataDirLockedError(hostOptions.dataDir);
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

export interface OpenApiOptions {
  dataDir: string;
  connectorFactory?: ShopConnectorFactory;
  crmConnectorFactory?: CrmConnectorFactory;
  clock?: Clock;
  secrets?: SecretStore;
  lock?: LockOptions;
}

/**
 * What the CLI does for every command: ask the running engine if there is one, otherwise open the
 * store itself, briefly, under the lock (no socket, no scheduler). Never two writers.
 */
export async function openApi(options: OpenApiOptions): Promise<ApiClient> {
  const reached = await hostOrAttach({ ...options, serve: false, first: 'attach', waitMs: options.lock?.waitMs ?? 10_000, retryMs: 100 });
  return reached.client;
}
