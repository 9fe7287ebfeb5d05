import type { Clock } from '../runtime/clock';
import type { Engine, JobName } from './engine';
import type { EventBus } from '../runtime/events';
import type { JobSummary } from '../jobs/context';
import type { SettingsWithoutCatalogue } from '../store/repositories';

/** Whether an order pull changed anything that holds or releases stock. */
function changesStock(pulled: JobSummary): boolean {
  return Object.entries(pulled.counts).some(([key, n]) => n > 0 && key !== 'unchanged' && key !== 'skipped');
}

export interface NextRun {
  job: JobName | 'reconcile';
  target: string;
  at: string;
}

/**
 * Decides when jobs run (SPEC): each shop's order pull on its own interval, then the inventory
 * and shipping pushes it may have made necessary; the hourly reconcile; a debounced push after any
 * stock change; and every registered periodic job. All timers go through the injected clock.
 */
export class Scheduler {
  private cancels: (() => void)[] = [];
  private readonly next = new Map<string, NextRun>();
  private debounce: (() => void) | null = null;
  private stopped = true;
  /** When each planned run last started, so re-planning after a settings change does not run everything again at once. */
  private readonly lastStarted = new Map<string, number>();
  /** When each planned run that has not started yet was first planned, so re-planning keeps its countdown instead of starting it over. */
  private readonly firstPlanned = new Map<string, number>();
  private offEvents: (() => void)[] = [];
  /** Plans asked for and the latest applied: a plan read before a later one never replaces it. */
  private plansAsked = 0;
  private planApplied = 0;
  /** How often each CRM's queue is worked through when nothing else triggers it. */
  static readonly CRM_EVERY_MS = 60_000;

  constructor(private readonly engine: Engine, private readonly clock: Clock, private readonly events: EventBus, private readonly debounceMs: () => number) {}

  /** Plans every timer from the settings as stored now; resolves once they are planned. */
  async start(): Promise<void> {
    this.stopped = false;
    this.offEvents.push(
      this.events.on('changed', ({ area }) => {
        if (area === 'settings') void this.schedule().catch((error: Error) => this.events.emit('job', { job: 'schedule', target: '', state: 'failed', message: error.message }));
        if (area === 'stock') this.stockChanged();
      }),
    );
    await this.schedule();
  }

  /** What every tick needs: the shops, the CRMs and the settings, read once through the repositories. */
  private read(): Promise<SettingsWithoutCatalogue> {
    return this.engine.repos.settings.withoutCatalogue();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clear();
    this.offEvents.forEach((off) => off());
    this.offEvents = [];
  }

  get nextRuns(): NextRun[] {
    return [...this.next.values()];
  }

  private clear(): void {
    this.cancels.forEach((c) => c());
    this.cancels = [];
    this.next.clear();
    this.debounce?.();
    this.debounce = null;
  }

  /**
   * (Re)plans every timer from the settings as stored now, with a first run straight away. The timers
   * planned before stay until the read is in, and are then replaced all at once.
   */
  async schedule(): Promise<void> {
    if (this.stopped) return;
    const asked = ++this.plansAsked;
    const { shops, crms, settings } = await this.read();
    if (this.stopped || asked < this.planApplied) return;
    this.planApplied = asked;
    this.clear();
    for (const shop of shops) {
      this.every('orders', shop.name, shop.intervals.ordersSeconds * 1000, async () => {
        // Read before the pull, so the pushes follow it at once (nothing to wait for between the runs).
        const now = await this.read();
        const pulled = await this.engine.run('orders', shop.name);
        // Orders this shop imported (or saw cancelled, refunded, edited) hold or release stock that
        // every other shop may be offering too: push to all of them now, not at their own next poll.
        const pushTo = changesStock(pulled) ? now.shops.map((s) => s.name) : [shop.name];
        await Promise.all(pushTo.map((name) => this.engine.run('inventory', name)));
        await this.engine.run('shipping', shop.name);
        // New orders may have queued CRM work: send it now rather than at the next CRM tick.
        for (const crm of now.crms) await this.engine.run('crm', crm.name);
      });
      this.every('reconcile', shop.name, shop.intervals.reconcileSeconds * 1000, () => this.engine.run('inventory', shop.name, { reconcile: true }), shop.intervals.reconcileSeconds * 1000);
    }
    for (const shop of shops) {
      this.every('carts', shop.name, settings.carts.sweepMinutes * 60_000, () => this.engine.run('carts', shop.name));
    }
    for (const crm of crms) {
      this.every('crm', crm.name, Scheduler.CRM_EVERY_MS, () => this.engine.run('crm', crm.name));
    }
  }

  private every(job: NextRun['job'], target: string, everyMs: number, run: () => Promise<unknown>, firstInMs = 0): void {
    const key = `${job}:${target}`;
    const now = this.clock.now().getTime();
    const last = this.lastStarted.get(key);
    const planned = this.firstPlanned.get(key);
    if (last !== undefined) firstInMs = Math.max(0, last + everyMs - now);
    else if (planned !== undefined) firstInMs = Math.max(0, planned + firstInMs - now);
    else this.firstPlanned.set(key, now);
    const plan = (inMs: number) => {
      if (this.stopped) return;
      this.next.set(key, { job, target, at: new Date(this.clock.now().getTime() + inMs).toISOString() });
      const cancel = this.clock.setTimer(inMs, () => {
        if (this.engine.paused) return plan(everyMs);
        const started = this.clock.now().getTime();
        this.lastStarted.set(key, started);
        run()
          .catch((error: Error) => this.events.emit('job', { job: String(job), target, state: 'failed', message: error.message }))
          // The period runs from start to start: planned from the end, every slow pull would push
          // the next one later and an order could wait a poll interval plus a pull.
          .finally(() => plan(Math.max(0, started + everyMs - this.clock.now().getTime())));
      });
      this.cancels.push(cancel);
    };
    plan(firstInMs);
  }

  /** A burst of stock edits makes one push per shop, `debounceMs` after the last edit. */
  private stockChanged(): void {
    if (this.stopped) return;
    this.debounce?.();
    this.debounce = this.clock.setTimer(this.debounceMs(), () => {
      this.debounce = null;
      if (this.engine.paused) return;
      void this.read().then(({ shops }) => {
        for (const shop of shops) void this.engine.run('inventory', shop.name).then(() => this.engine.run('shipping', shop.name));
      }, (error: Error) => this.events.emit('job', { job: 'inventory', target: '', state: 'failed', message: error.message }));
    });
  }
}
