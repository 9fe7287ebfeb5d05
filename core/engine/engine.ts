import type { Credentials, Store } from '../store';
import type { Repositories, SettingsWithoutCatalogue } from '../store/repositories';
import type { Shop } from '../model';
import type { ShopConnector } from '../platforms/types';
import { describeFailure } from '../platforms/errors';
import type { JobContext, JobSummary } from '../jobs/context';
import { pullOrders, ingestOrder, importOperation, pullOperation } from '../jobs/orders';
import { pushInventory, pushOperation } from '../jobs/inventory';
import { pushOrderShipping, pushShipping, SHIPPING_KIND, shippingOperation } from '../jobs/shipping';
import { clearErrorIn, recordErrorIn } from '../runtime/issues';
import { computeHealth, stateWord, type Health, type HealthInput } from './health';
import { WorkQueue } from '../runtime/queue';
import type { Clock } from '../runtime/clock';
import type { EventBus } from '../runtime/events';
import { summary } from '../jobs/context';
import { sweepCarts, cartsOperation } from '../jobs/carts';
import { cartEvents, orderEvents } from '../jobs/crm-events';
import { crmOperation, enqueueTagEvents, recordOrderForContact, runCrm } from '../jobs/crm';
import type { CrmConnection, Operation } from '../model';
import type { CrmConnector } from '../platforms/crm-types';

/** Builds a platform client. May load the platform module on first use (keeps CLI start-up light). */
export type ShopConnectorFactory = (shop: Shop, credentials: Credentials) => ShopConnector | Promise<ShopConnector>;
export type CrmConnectorFactory = (crm: CrmConnection, credentials: Credentials) => CrmConnector | Promise<CrmConnector>;

/** The jobs, in the order one sync pass runs them so that it converges (SPEC: orders, then inventory, then shipping, then carts and CRM). */
export const JOB_ORDER = ['orders', 'inventory', 'shipping', 'carts', 'crm'] as const;
export type JobName = (typeof JOB_ORDER)[number];

/** A job that runs per shop or per CRM; later features register theirs (carts, crm). */
export interface JobDefinition {
  name: JobName;
  /** Names of the targets (shops or CRM connections) this job runs for in `settings`, optionally only `only`. */
  targets(settings: SettingsWithoutCatalogue, only?: string): string[];
  run(ctx: JobContext, target: string, options: { reconcile?: boolean }): Promise<JobSummary>;
}

export interface EngineOptions {
  /** The store behind its interfaces: everything the engine reads and writes. One instance: the API context uses the engine's. */
  repos: Repositories;
  /**
   * @deprecated The engine itself never reads it: it is only handed on, as `JobContext.store` and to
   * the WorkQueue, to the jobs that still use the Store while they move onto `repos`. Goes with them.
   */
  store: Store;
  clock: Clock;
  events: EventBus;
  connectorFactory: ShopConnectorFactory;
  crmConnectorFactory: CrmConnectorFactory;
}

function shopIn(settings: SettingsWithoutCatalogue, name: string): Shop {
  const shop = settings.shops.find((s) => s.name === name);
  if (!shop) throw new Error(`There is no shop called "${name}".`);
  return shop;
}

const shopTargets = (settings: SettingsWithoutCatalogue, only?: string) => settings.shops.filter((s) => !only || s.name === only).map((s) => s.name);
/** Two runs of one job for one target in the same pass, reported as one. */
function merged(earlier: JobSummary | undefined, later: JobSummary): JobSummary {
  if (!earlier) return later;
  const counts = { ...earlier.counts };
  for (const [key, n] of Object.entries(later.counts)) counts[key] = (counts[key] ?? 0) + n;
  return { ...later, counts, requests: earlier.requests + later.requests, errors: earlier.errors + later.errors };
}

/** `--shop` limits a pass to one shop: CRM work is not tied to a shop, so it runs only in unfiltered passes. */
const crmTargets = (settings: SettingsWithoutCatalogue, only?: string) => (only ? [] : settings.crms.map((c) => c.name));

/** What health is computed from besides the running jobs and `paused`, as last read through the repositories. */
type HealthFacts = Pick<HealthInput, 'shops' | 'crms' | 'errors'>;

/**
 * The engine: runs jobs for shops and CRMs, one run per job and target at a time, and re-runs
 * failed operations from the error list. The scheduler (scheduler.ts) decides when.
 */
export class Engine {
  readonly queue: WorkQueue;
  readonly jobs: JobContext;
  /** The store behind its interfaces, the same instance the jobs write through. */
  readonly repos: Repositories;
  private readonly definitions = new Map<JobName, JobDefinition>();
  private readonly running = new Map<string, Promise<JobSummary>>();
  private readonly rerun = new Map<string, Promise<JobSummary>>();
  private readonly connectors = new Map<string, { key: string; connector: ShopConnector }>();
  /** How to re-run each kind of failed operation, beyond the shop jobs' own. */
  readonly retryHandlers = new Map<string, (args: Record<string, unknown>) => Promise<void>>();
  paused = false;
  /** Aborted by `stop()`: jobs end between requests, saving where they are. */
  private readonly stopping = new AbortController();
  /**
   * What the state word (`stateEvent`, `overallState`) is computed from, so the event bus and the
   * tray get it synchronously: read when the engine is made, after each job run and retry, on every
   * settings or issues change, and by every `health()`. Empty until the first read lands.
   */
  private healthFacts: HealthFacts = { shops: [], crms: [], errors: [] };
  /** Reads of the facts started and the latest one kept: a slower, older read never replaces a newer one. */
  private healthReadsStarted = 0;
  private healthReadKept = 0;
  /** The first read of the health facts (the host waits for it before anyone asks for the state word). */
  readonly ready: Promise<void>;

  constructor(private readonly options: EngineOptions) {
    const { store, clock, events } = options;
    this.repos = options.repos;
    this.queue = new WorkQueue(store, clock, this.repos);
    this.jobs = {
      repos: this.repos,
      store,
      clock,
      events,
      signal: this.stopping.signal,
      queue: this.queue,
      stockItems: new Map(),
      hooks: {},
      shop: (shop) => this.connectorFor(shop),
    };
    this.define({ name: 'orders', targets: shopTargets, run: async (ctx, t) => pullOrders(ctx, await this.shopNamed(t)) });
    this.define({ name: 'inventory', targets: shopTargets, run: async (ctx, t, o) => pushInventory(ctx, await this.shopNamed(t), o) });
    this.define({ name: 'shipping', targets: shopTargets, run: async (ctx, t) => pushShipping(ctx, await this.shopNamed(t)) });
    this.define({ name: 'carts', targets: shopTargets, run: async (ctx, t) => sweepCarts(ctx, await this.shopNamed(t)) });
    this.define({
      name: 'crm',
      targets: crmTargets,
      run: async (ctx, t) => {
        const crm = (await this.repos.settings.withoutCatalogue()).crms.find((c) => c.name === t);
        if (!crm) throw new Error(`There is no CRM connection called "${t}".`);
        return runCrm(ctx, crm, await this.crmConnectorFor(crm));
      },
    });
    // Orders and carts feed the CRM queue as they change. The CRM's queue work is still made in
    // memory (written with the unit's checkpoint) until crm.ts queues it through the unit's writers.
    this.jobs.hooks.orderChanged = async (_w, _shop, previous, current) => {
      recordOrderForContact(this.jobs, current);
      enqueueTagEvents(this.jobs, orderEvents(store.main.data.rules, previous, current));
    };
    this.jobs.hooks.cartsChanged = async (_w, transitions) => {
      enqueueTagEvents(this.jobs, cartEvents(store.main.data.rules, transitions));
    };
    this.retryHandlers.set(crmOperation('').kind, async (args) => void (await this.run('crm', String(args.crm))));
    this.retryHandlers.set(cartsOperation('').kind, async (args) => void (await this.run('carts', String(args.shop))));
    // The state word follows what the merchant changes (a shop added, an error dismissed) as well as the jobs.
    events.on('changed', ({ area }) => {
      if (area === 'settings' || area === 'issues') void this.readHealthFacts().catch(() => undefined);
    });
    this.ready = this.readHealthFacts().then(
      () => undefined,
      () => undefined,
    );
  }

  /** The shop's settings as stored now (a copy), for one job run. */
  private async shopNamed(name: string): Promise<Shop> {
    return shopIn(await this.repos.settings.withoutCatalogue(), name);
  }

  /**
   * Reads what health needs through the repositories: the settings once, each shop's and CRM's
   * marker, and the open errors (dismissed ones count for nothing). Keeps it for the state word
   * unless a read started later has already been kept.
   */
  private async readHealthFacts(): Promise<HealthFacts> {
    const started = ++this.healthReadsStarted;
    const { shops, crms } = await this.repos.settings.withoutCatalogue();
    const facts: HealthFacts = {
      shops: await Promise.all(shops.map(async (s) => ({ name: s.name, lastRun: (await this.repos.cursors.of(s.name)).lastRun }))),
      crms: await Promise.all(crms.map(async (c) => ({ name: c.name, lastSuccessAt: await this.repos.cursors.crmLastRun(c.name) }))),
      errors: (await this.repos.issues.errors()).filter((e) => !e.dismissed),
    };
    if (started > this.healthReadKept) {
      this.healthReadKept = started;
      this.healthFacts = facts;
    }
    return facts;
  }

  private readonly crmConnectors = new Map<string, { key: string; connector: CrmConnector }>();

  /** The CRM connection's client, rebuilt when its settings change. */
  async crmConnectorFor(crm: CrmConnection): Promise<CrmConnector> {
    const key = JSON.stringify(crm);
    const cached = this.crmConnectors.get(crm.name);
    if (cached?.key === key) return cached.connector;
    const credentials = await this.repos.secrets.get(crm.secretRef);
    if (!credentials) throw new Error(`The API key of CRM "${crm.name}" is missing from the secret store; add the CRM again.`);
    const connector = await this.options.crmConnectorFactory(crm, credentials);
    this.crmConnectors.set(crm.name, { key, connector });
    return connector;
  }

  define(definition: JobDefinition): void {
    this.definitions.set(definition.name, definition);
  }

  /**
   * @deprecated Nothing in core/engine uses it: read and write through `repos`. Kept while jobs and
   * callers outside core/engine still reach the Store through it; goes with EngineOptions.store.
   */
  get store(): Store {
    return this.options.store;
  }

  /** The shop's connector, rebuilt when its settings change (e.g. after `shop add` with new keys). */
  async connectorFor(shop: Shop): Promise<ShopConnector> {
    const key = JSON.stringify(shop);
    const cached = this.connectors.get(shop.name);
    if (cached?.key === key) return cached.connector;
    const credentials = await this.repos.secrets.get(shop.secretRef);
    if (!credentials) throw new Error(`The credentials of shop "${shop.name}" are missing from the secret store; add the shop again.`);
    const connector = await this.options.connectorFactory(shop, credentials);
    this.connectors.set(shop.name, { key, connector });
    return connector;
  }

  /**
   * Asks running jobs to end (SIGTERM, quitting): each finishes the request it has in flight, saves
   * its queue position and returns, instead of working through its whole backlog. Nothing new starts.
   */
  stop(): void {
    this.stopping.abort();
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Waits until no job is running (used before the store is flushed on shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Jobs running now, as `job:target`. */
  get runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Runs one job for one target. A run already in progress for the same job and target is not
   * doubled: the request waits for it and then runs once more (several requests share that re-run).
   */
  run(job: JobName, target: string, options: { reconcile?: boolean } = {}): Promise<JobSummary> {
    const key = `${job}:${target}`;
    const current = this.running.get(key);
    if (current) {
      let again = this.rerun.get(key);
      if (!again) {
        again = current.catch(() => undefined).then(() => {
          this.rerun.delete(key);
          return this.run(job, target, options);
        });
        this.rerun.set(key, again);
      }
      return again;
    }
    const definition = this.definitions.get(job);
    if (!definition) return Promise.resolve({ ...summary(job, target), stopped: `the ${job} job is not available` });
    if (this.stopped) return Promise.resolve({ ...summary(job, target), stopped: 'the engine is stopping' });
    const { events } = this.options;
    events.emit('job', { job, target, state: 'running' });
    const promise = definition
      .run(this.jobs, target, options)
      .then((s) => {
        events.emit('job', { job, target, state: s.errors ? 'failed' : 'done', message: s.stopped });
        return s;
      })
      .finally(async () => {
        // The run's markers and errors are in the state word it announces; it is still running until then.
        await this.readHealthFacts().catch(() => undefined);
        this.running.delete(key);
        events.emit('state', this.stateEvent());
      });
    this.running.set(key, promise);
    events.emit('state', this.stateEvent());
    return promise;
  }

  /** Health of every shop and CRM, read now through the repositories (what `status` shows), with this engine's running jobs. */
  async health(): Promise<Health> {
    return this.healthFrom(await this.readHealthFacts());
  }

  private healthFrom(facts: HealthFacts): Health {
    return computeHealth({ ...facts, running: this.runningJobs, paused: this.paused });
  }

  /** The engine's `state` event: its word, whether it is paused, and the health's reason. */
  stateEvent(): { state: 'ok' | 'syncing' | 'errors' | 'paused'; paused: boolean; reason: string } {
    const health = this.healthFrom(this.healthFacts);
    return { state: stateWord(health), paused: this.paused, reason: health.reason };
  }

  /**
   * The tray's word for the engine, from the same health every front end shows (attention outranks
   * paused and syncing). Synchronous, from the facts last read (see `healthFacts`); `health()` reads them anew.
   */
  overallState(): 'ok' | 'syncing' | 'errors' | 'paused' {
    return stateWord(this.healthFrom(this.healthFacts));
  }

  /**
   * One sync pass: every shop (or only `shop`) through the shop jobs in dependency order, shops side
   * by side so that one that hangs or fails delays only itself; then the CRMs, which send what the
   * shops' orders and carts queued. A shop whose credentials were refused is not asked again in the
   * same pass (one clear error, no retry storm).
   */
  async syncOnce(options: { job?: JobName; shop?: string; reconcile?: boolean } = {}): Promise<JobSummary[]> {
    const settings = await this.repos.settings.withoutCatalogue();
    const wanted = JOB_ORDER.filter((job) => (!options.job || options.job === job) && this.definitions.has(job));
    const results = new Map<string, JobSummary>();
    const runInto = async (job: JobName, target: string) => {
      const s = await this.run(job, target, { reconcile: options.reconcile });
      results.set(`${job}:${target}`, merged(results.get(`${job}:${target}`), s));
      return s;
    };
    // Orders one shop imports can change what another may be offered; a push that ran before them runs again below.
    let ordersChanges = 0;
    const pushedAfter = new Map<string, number>();
    const shopJobs = wanted.filter((job) => job !== 'crm');
    await Promise.all(
      this.definitions.get('orders')!.targets(settings, options.shop).map(async (shop) => {
        for (const job of shopJobs) {
          if (job === 'inventory') pushedAfter.set(shop, ordersChanges);
          const s = await runInto(job, shop);
          if (job === 'orders' && Object.keys(s.counts).some((k) => k !== 'unchanged' && k !== 'skipped')) ordersChanges++;
          if (s.authFailed) break;
        }
      }),
    );
    const stale = [...pushedAfter].filter(([, seen]) => seen < ordersChanges).map(([shop]) => shop);
    await Promise.all(stale.map((shop) => runInto('inventory', shop)));
    if (wanted.includes('crm')) await Promise.all(this.definitions.get('crm')!.targets(settings, options.shop).map((crm) => runInto('crm', crm)));
    const order = (s: JobSummary) => JOB_ORDER.indexOf(s.job);
    return [...results.values()].sort((a, b) => order(a) - order(b));
  }

  /** Re-runs exactly the operation of an error entry. Returns whether the error is now resolved. */
  async retryError(id: string): Promise<{ resolved: boolean; message?: string }> {
    const errorNamed = async () => (await this.repos.issues.errors()).find((e) => e.id === id);
    const entry = await errorNamed();
    if (!entry) throw new Error(`There is no error with id "${id}".`);
    const { kind, args } = entry.operation;
    const shopName = String(args.shop ?? '');
    if (kind === pullOperation(shopName).kind) await this.run('orders', shopName);
    else if (kind === pushOperation(shopName).kind) await this.run('inventory', shopName, { reconcile: true });
    else if (kind === importOperation(shopName, '').kind) await this.reimportOrder(await this.shopNamed(shopName), String(args.remoteId));
    else if (kind === SHIPPING_KIND) await this.retryShipping(await this.shopNamed(shopName), String(args.order));
    else if (this.retryHandlers.has(kind)) await this.retryHandlers.get(kind)!(entry.operation.args);
    else throw new Error(`Backroom does not know how to retry "${kind}".`);
    // Every outcome above was written in its own unit: what is left is what is stored.
    const left = await errorNamed();
    await this.readHealthFacts().catch(() => undefined);
    this.options.events.emit('changed', { area: 'issues' });
    return left ? { resolved: false, message: left.message } : { resolved: true };
  }


  private async reimportOrder(shop: Shop, remoteId: string): Promise<void> {
    const operation = importOperation(shop.name, remoteId);
    try {
      const connector = await this.connectorFor(shop);
      const remote = await connector.getOrder(remoteId);
      const s = summary('orders', shop.name);
      await ingestOrder(this.jobs, shop, remote, { skippedByStatus: new Map() }, s);
      // The order and its count were written by ingestOrder's unit; this one clears the error after it.
      await this.repos.write((w) => clearErrorIn(w.issues, operation));
    } catch (error) {
      await this.recordFailure(shop, operation, `order #${remoteId} on ${shop.name}`, error);
    }
  }

  /** A retry failed again: its error entry, brought up to date, in a unit of its own. */
  private async recordFailure(shop: Shop, operation: Operation, object: string, error: unknown): Promise<void> {
    const source = { kind: 'shop' as const, name: shop.name };
    const now = this.options.clock.now();
    await this.repos.write((w) => recordErrorIn(w.issues, now, { source, operation, object, message: describeFailure(error, source) }));
  }

  private async retryShipping(shop: Shop, orderNumber: string): Promise<void> {
    const operation = shippingOperation(shop.name, orderNumber);
    try {
      await pushOrderShipping(this.jobs, shop, orderNumber);
      // The queued push goes first, in its own unit: a crash between leaves the error, which a retry
      // clears, never a cleared error with the push still queued.
      await this.repos.write((w) => this.queue.queueIn(w).remove(SHIPPING_KIND, orderNumber));
      await this.repos.write((w) => clearErrorIn(w.issues, operation));
    } catch (error) {
      await this.recordFailure(shop, operation, `shipping of order ${orderNumber}`, error);
    }
  }
}
