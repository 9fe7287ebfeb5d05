// Low-stock desktop notifications: which alerts notify and when, without Electron. main.ts gives it
// the engine's alerts, its change events and a notifier factory over Electron's Notification; the
// decision lives here so it is tested in plain Node (main.ts itself is never imported there).

/** The part of an alert the decision reads (the API's `alerts.list` rows have it). */
export interface LowStockAlertView {
  id: string;
  key: string;
  kind: string;
  message: string;
  firstAt: string;
  dismissed: boolean;
}

export interface DesktopNotification {
  title: string;
  body: string;
}

export interface Notifier {
  show(notification: DesktopNotification, onClick: () => void): void;
}

/** Makes the notifier once, when the first notification is due; null where the system has none. */
export type NotifierFactory = () => Notifier | null;

export interface LowStockNotificationsOptions {
  fetchAlerts(): Promise<readonly LowStockAlertView[]>;
  /** Calls the listener when stock or alerts may have changed; returns the unsubscribe. */
  onChanged(listener: () => void): () => void;
  createNotifier: NotifierFactory;
  openWindow(): void;
  /** Alerts raised before this were already there when the app started: told as one summary. */
  startedAt: Date;
}

/** More new crossings than this at once (a stock import, say) are told as one summary, not a stack of pop-ups. */
export const MAX_SINGLE_NOTIFICATIONS = 3;
const LOW_PREFIX = 'low-stock:backroom:';

const skuOf = (alert: LowStockAlertView) => (alert.key.startsWith(LOW_PREFIX) ? alert.key.slice(LOW_PREFIX.length) : alert.key);

function single(alert: LowStockAlertView): DesktopNotification {
  return { title: `${skuOf(alert)} is low on stock`, body: alert.message };
}

function summary(alerts: readonly LowStockAlertView[]): DesktopNotification {
  const skus = alerts.map(skuOf);
  const named = skus.length > MAX_SINGLE_NOTIFICATIONS ? `${skus.slice(0, MAX_SINGLE_NOTIFICATIONS).join(', ')} and ${skus.length - MAX_SINGLE_NOTIFICATIONS} more` : skus.join(', ');
  return { title: `${skus.length} SKUs are low on stock`, body: `${named}: at or below their reorder points.` };
}

/**
 * What to show for the alerts now, given those already told: open low-stock alerts only, each
 * (by id: a SKU that recovers and falls again gets a new alert) once. On the first look, alerts
 * from before the start are folded into one summary.
 */
export function lowStockNotifications(alerts: readonly LowStockAlertView[], told: ReadonlySet<string>, first: boolean, startedAt: Date): { show: DesktopNotification[]; told: Set<string> } {
  const open = alerts.filter((a) => a.kind === 'low-stock' && !a.dismissed);
  // Only what is still open is remembered, so the memory stays as small as the alert list.
  const next = new Set(open.filter((a) => told.has(a.id)).map((a) => a.id));
  const fresh = open.filter((a) => !told.has(a.id));
  for (const a of fresh) next.add(a.id);
  const before = first ? fresh.filter((a) => Date.parse(a.firstAt) < startedAt.getTime()) : [];
  const since = fresh.filter((a) => !before.includes(a));
  const show: DesktopNotification[] = [];
  if (before.length) show.push(before.length === 1 ? single(before[0]!) : summary(before));
  if (since.length > MAX_SINGLE_NOTIFICATIONS) show.push(summary(since));
  else show.push(...since.map(single));
  return { show, told: next };
}

/**
 * Follows the engine's alerts and shows a desktop notification for each new low-stock crossing.
 * Checks run one after another, so two change events in a row never tell one alert twice; a
 * failed read is tried again at the next change. A click opens the window.
 */
export function createLowStockNotifications(options: LowStockNotificationsOptions) {
  let told = new Set<string>();
  let first = true;
  let notifier: Notifier | null | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const notify = (n: DesktopNotification) => {
    if (notifier === undefined) notifier = options.createNotifier();
    notifier?.show(n, options.openWindow);
  };
  const look = async () => {
    if (stopped) return;
    let alerts: readonly LowStockAlertView[];
    try {
      alerts = await options.fetchAlerts();
    } catch {
      return; // the engine may be restarting; the next change looks again
    }
    const decided = lowStockNotifications(alerts, told, first, options.startedAt);
    told = decided.told;
    first = false;
    for (const n of decided.show) notify(n);
  };
  const check = () => (running = running.then(look));
  const off = options.onChanged(() => void check());
  void check();
  return {
    /** Looks at the alerts now (after any look already under way). */
    check,
    /** Resolves once every look asked for so far is done. */
    idle: () => running,
    stop() {
      stopped = true;
      off();
    },
  };
}
