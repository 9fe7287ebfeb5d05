import { useState, type ReactNode } from 'react';
import type { EngineState } from '../../core/api/namespaces/engine';
import { useQuery } from './hooks';
import { Dashboard } from './pages/Dashboard';
import { Orders } from './pages/Orders';
import { Stock } from './pages/Stock';
import { Carts } from './pages/Carts';
import { Issues } from './pages/Issues';
import { Settings } from './pages/Settings';
import type { Route } from './route';
import { Catalogue } from './pages/Catalogue';
import { Plan } from './pages/Plan';

const NAV: { route: Route; label: string; icon: string }[] = [
  { route: 'dashboard', label: 'Dashboard', icon: '◎' },
  { route: 'orders', label: 'Orders', icon: '▤' },
  { route: 'stock', label: 'Stock', icon: '▦' },
  { route: 'catalogue', label: 'Kits & SKUs', icon: '▣' },
  { route: 'carts', label: 'Carts', icon: '◌' },
  { route: 'issues', label: 'Errors & alerts', icon: '△' },
  { route: 'settings', label: 'Settings', icon: '⚙' },
  { route: 'plan', label: 'Dry run', icon: '◇' },
];

const STATE_LABEL: Record<EngineState['state'] | 'loading', string> = { ok: 'All in step', syncing: 'Syncing…', errors: 'Needs attention', paused: 'Paused', loading: 'Loading…' };

export function App({ transport, connected }: { transport: 'desktop' | 'web'; connected: boolean }) {
  const [route, setRoute] = useState<Route>('dashboard');
  const [openOrder, setOpenOrder] = useState<string | null>(null);
  const engine = useQuery('engine.state', undefined, ['issues', 'settings'], { onState: true });
  const counts = useQuery('status', undefined, ['issues']);
  // Reloaded on every `state` event and whenever errors change (a dismissed error can end the "errors" state).
  // Until the engine has answered, say so: never "All in step" for something not yet known.
  const state = engine.data?.state ?? 'loading';
  const issues = (counts.data?.errors ?? 0) + (counts.data?.alerts ?? 0);

  const go = (r: Route) => {
    setRoute(r);
    if (r !== 'orders') setOpenOrder(null);
  };

  let page: ReactNode;
  switch (route) {
    case 'dashboard':
      page = <Dashboard go={go} openOrder={(n) => (setOpenOrder(n), setRoute('orders'))} />;
      break;
    case 'orders':
      page = <Orders selected={openOrder} select={setOpenOrder} />;
      break;
    case 'stock':
      page = <Stock />;
      break;
    case 'carts':
      page = <Carts />;
      break;
    case 'issues':
      page = <Issues />;
      break;
    case 'settings':
      page = <Settings transport={transport} />;
      break;
    case 'catalogue':
      page = <Catalogue />;
      break;
    case 'plan':
      page = <Plan />;
      break;
  }

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">B</span>
          <span>Backroom</span>
        </div>
        <ul>
          {NAV.map((n) => (
            <li key={n.route}>
              <button type="button" className={route === n.route ? 'nav active' : 'nav'} aria-current={route === n.route ? 'page' : undefined} onClick={() => go(n.route)}>
                <span className="nav-icon" aria-hidden="true">{n.icon}</span>
                <span className="nav-label">{n.label}</span>
                {n.route === 'issues' && issues > 0 ? <span className="nav-count" aria-label={`${issues} open`}>{issues}</span> : null}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className={`engine-pill state-${state}`} data-testid="engine-state" data-state={state} data-paused={String(Boolean(engine.data?.paused))} onClick={() => go(state === 'errors' ? 'issues' : 'dashboard')}>
          <span className="dot" aria-hidden="true" />
          {state === 'errors' && counts.data?.errors ? `${counts.data.errors} error${counts.data.errors === 1 ? '' : 's'} to look at` : STATE_LABEL[state]}
          {/* Needing attention outranks paused in the state word; the pause is still said. */}
          {state === 'errors' && engine.data?.paused ? ' · paused' : ''}
        </button>
        {!connected && transport === 'web' ? <div className="offline" role="status">Reconnecting to Backroom…</div> : null}
      </nav>
      <main className="content">{page}</main>
    </div>
  );
}
