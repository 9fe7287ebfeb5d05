import type { Credentials, Store } from '../store';
import { jsonRepositories } from '../store/json-repositories';
import type { Repositories } from '../store/repositories';
import type { Shop } from '../model';
import type { ShopConnector } from '../platforms/types';
import { describeFailure } from '../platforms/errors';
import type { JobContext, JobSummary } from '../jobs/context';
import { pullOrders, ingestOrder, importOperation, pullOperation } from '../jobs/orders';
import { pushInventory, pushOperation } from '../jobs/inventory';
import { pushOrderShipping, pushShipping, SHIPPING_KIND, shippingOperation } from '../jobs/shipping';
import { clearError, recordError } from '../runtime/issues';
import { computeHealth, type Health } from './health';
import { WorkQueue } from '../runtime/queue';
import type { Clock } from '../runtime/clock';
import type { EventBus } from '../runtime/events';
import { summary } from '../jobs/context';
import { sweepCarts, cartsOperation } from '../jobs/carts';
import { cartEvents, orderEvents } from '../jobs/crm-events';
import { crmOperation, enqueueTagEvents, recordOrderForContact, runCrm } from '../jobs/crm';
import type { CrmConnection } from '../model';
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
  /** Names of the targets (shops or CRM connections) this job runs for, optionally only `only`. */
  targets(store: Store, only?: string): string[];
  run(ctx: JobContext, target: string, options: { reconcile?: boolean }): Promise<JobSummary>;
}

export interface EngineOptions {
  store: Store;
  /** The repositories over `store`; built from it when not given. One instance: the API context uses the engine's. */
  repos?: Repositories;
  clock: Clock;
  events: EventBus;
  connectorFactory: ShopConnectorFactory;
  crmConnectorFactory: CrmConnectorFactory;
}

function shopNamed(store: Store, name: string): Shop {
  const shop = store.main.data.shops.find((s) => s.name === name);
  if (!shop) throw new Error(`There is no shop called "${name}".`);
  return shop;
}

const shopTargets = (store: Store, only?: string) => store.main.data.shops.filter((s) => !only || s.name === only).map((s) => s.name);
/** Two runs of one job for one target in the same pass, reported as one. */
function merged(earlier: JobSummary | undefined, later: JobSummary): JobSummary {
  if (!earlier) return later;
  const counts = { ...earlier.counts };
  for (const [key, n] of Object.entries(later.counts)) counts[key] = (counts[key] ?? 0) + n;
  return { ...later, counts, requests: earlier.requests + later.requests, errors: earlier.errors + later.errors };
}

/** `--shop` limits a pass to one shop: CRM work is not tied to a shop, so it runs only in unfiltered passes. */
const crmTargets = (store: Store, only?: string) => (only ? [] : store.main.data.crms.map((c) => c.name));

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

  constructor(private readonly options: EngineOptions) {
    const { store, clock, events } = options;
    this.repos = options.repos ?? jsonRepositories(store);
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
    this.define({ name: 'orders', targets: shopTargets, run: (ctx, t) => pullOrders(ctx, shopNamed(store, t)) });
    this.define({ name: 'inventory', targets: shopTargets, run: (ctx, t, o) => pushInventory(ctx, shopNamed(store, t), o) });
    this.define({ name: 'shipping', targets: shopTargets, run: (ctx, t) => pushShipping(ctx, shopNamed(store, t)) });
    this.define({ name: 'carts', targets: shopTargets, run: (ctx, t) => sweepCarts(ctx, shopNamed(store, t)) });
    this.define({
      name: 'crm',
      targets: crmTargets,
      run: async (ctx, t) => {
        const crm = store.main.data.crms.find((c) => c.name === t);
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
  }

  private readonly crmConnectors = new Map<string, { key: string; connector: CrmConnector }>();

  /** The CRM connection's client, rebuilt when its settings change. */
  async crmConnectorFor(crm: CrmConnection): Promise<CrmConnector> {
    const key = JSON.stringify(crm);
    const cached = this.crmConnectors.get(crm.name);
    if (cached?.key === key) return cached.connector;
    const credentials = await this.options.store.secrets.get(crm.secretRef);
    if (!credentials) throw new Error(`The API key of CRM "${crm.name}" is missing from the secret store; add the CRM again.`);
    const connector = await this.options.crmConnectorFactory(crm, credentials);
    this.crmConnectors.set(crm.name, { key, connector });
    return connector;
  }

  define(definition: JobDefinition): void {
    this.definitions.set(definition.name, definition);
  }

  get store(): Store {
    return this.options.store;
  }

  /** The shop's connector, rebuilt when its settings change (e.g. after `shop add` with new keys). */
  async connectorFor(shop: Shop): Promise<ShopConnector> {
    const key = JSON.stringify(shop);
    const cached = this.connectors.get(shop.name);
    if (cached?.key === key) return cached.connector;
    const credentials = await this.options.store.secrets.get(shop.secretRef);
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
      .finally(() => {
        this.running.delete(key);
        events.emit('state', this.stateEvent());
      });
    this.running.set(key, promise);
    events.emit('state', this.stateEvent());
    return promise;
  }

  /** Health of every shop and CRM from what the store and this engine know now. */
  health(): Health {
    const main = this.options.store.main.data;
    return computeHealth({
      shops: main.shops.map((s) => ({ name: s.name, lastRun: this.options.store.cursors.of(s.name).lastRun })),
      crms: main.crms.map((c) => ({ name: c.name, lastSuccessAt: this.options.store.cursors.crmLastRun(c.name) })),
      errors: this.options.store.issues.data.errors,
      running: this.runningJobs,
      paused: this.paused,
    });
  }

  /** The engine's `state` event: its word, whether it is paused, and the health's reason. */
  stateEvent(): { state: 'ok' | 'syncing' | 'errors' | 'paused'; paused: boolean; reason: string } {
    return { state: this.overallState(), paused: this.paused, reason: this.health().reason };
  }

  /** The tray's word for the engine, from the same health every front end shows (attention outranks paused and syncing). */
  overallState(): 'ok' | 'syncing' | 'errors' | 'paused' {
    const { overall } = this.health();
    return overall === 'attention' ? 'errors' : overall === 'not-synced' ? 'ok' : overall;
  }

  /**
   * One sync pass: every shop (or only `shop`) through the shop jobs in dependency order, shops side
   * by side so that one that hangs or fails delays only itself; then the CRMs, which send what the
   * shops' orders and carts queued. A shop whose credentials were refused is not asked again in the
   * same pass (one clear error, no retry storm).
   */
  async syncOnce(options: { job?: JobName; shop?: string; reconcile?: boolean } = {}): Promise<JobSummary[]> {
    const store = this.options.store;
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
      this.definitions.get('orders')!.targets(store, options.shop).map(async (shop) => {
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
    if (wanted.includes('crm')) await Promise.all(this.definitions.get('crm')!.targets(store, options.shop).map((crm) => runInto('crm', crm)));
    const order = (s: JobSummary) => JOB_ORDER.indexOf(s.job);
    return [...results.values()].sort((a, b) => order(a) - order(b));
  }

  /** Re-runs exactly the operation of an error entry. Returns whether the error is now resolved. */
  async retryError(id: string): Promise<{ resolved: boolean; message?: string }> {
    const store = this.options.store;
    const entry = store.issues.data.errors.find((e) => e.id === id);
    if (!entry) throw new Error(`There is no error with id "${id}".`);
    const { kind, args } = entry.operation;
    const shopName = String(args.shop ?? '');
    const stillFailing = () => store.issues.data.errors.find((e) => e.id === id);
    if (kind === pullOperation(shopName).kind) await this.run('orders', shopName);
    else if (kind === pushOperation(shopName).kind) await this.run('inventory', shopName, { reconcile: true });
    else if (kind === importOperation(shopName, '').kind) await this.reimportOrder(shopNamed(store, shopName), String(args.remoteId));
    else if (kind === SHIPPING_KIND) await this.retryShipping(shopNamed(store, shopName), String(args.order));
    else if (this.retryHandlers.has(kind)) await this.retryHandlers.get(kind)!(entry.operation.args);
    else throw new Error(`Backroom does not know how to retry "${kind}".`);
    const left = stillFailing();
    await store.issues.save();
    this.options.events.emit('changed', { area: 'issues' });
    return left ? { resolved: false, message: left.message } : { resolved: true };
  }


  private async reimportOrder(shop: Shop, remoteId: string): Promise<void> {
    const store = this.options.store;
    const operation = importOperation(shop.name, remoteId);
    try {
      const connector = await this.connectorFor(shop);
      const remote = await connector.getOrder(remoteId);
      const s = summary('orders', shop.name);
      await ingestOrder(this.jobs, shop, remote, { skippedByStatus: new Map() }, s);
      clearError(store, operation);
      // The order and its count were written by ingestOrder's unit; this writes the cleared error.
      await store.checkpoint();
    } catch (error) {
      const source = { kind: 'shop' as const, name: shop.name };
      recordError(store, this.options.clock.now(), { source, operation, object: `order #${remoteId} on ${shop.name}`, message: describeFailure(error, source) });
    }
  }

  private async retryShipping(shop: Shop, orderNumber: string): Promise<void> {
    const store = this.options.store;
    const operation = shippingOperation(shop.name, orderNumber);
    try {
      await pushOrderShipping(this.jobs, shop, orderNumber);
      clearError(store, operation);
      this.queue.remove(SHIPPING_KIND, orderNumber);
      await this.queue.save();
    } catch (error) {
      const source = { kind: 'shop' as const, name: shop.name };
      recordError(store, this.options.clock.now(), { source, operation, object: `shipping of order ${orderNumber}`, message: describeFailure(error, source) });
    }
  }
}
