// A practice world for CRM tests: a real engine on a fake clock, one WooCommerce sandbox and one
// CRM sandbox (ActiveCampaign or Mailchimp), with the connectors' pacing on that same clock. Every
// CRM spec used to build this by hand; the clock is driven by `drive`, so bulk polls, back-off and
// ActiveCampaign's 5 requests a second cost no real time and cannot race a busy CPU.
import type { CrmConnectorFactory } from '../../core/engine/engine';
import { createCrmConnector } from '../../core/platforms/crm';
import type { CrmConnector } from '../../core/platforms/crm-types';
import { FakeClock } from '../../core/runtime/clock';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import type { WooSandbox } from '../../sandbox/woocommerce';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';
import { drive, nothingInFlight, pacerClock } from './drive';

export type CrmPlatform = 'activecampaign' | 'mailchimp';

export interface CrmWorldOptions {
  platform: CrmPlatform;
  /** Replaces some of each real connector's operations (a lost answer, an order pulled mid-call). */
  wrap?: (real: CrmConnector) => CrmConnector;
  /** The engine clock's start (default 2026-05-04 09:00 UTC). */
  start?: string;
}

export interface CrmWorld {
  clock: FakeClock;
  world: World;
  shop: WooSandbox;
  /** The CRM sandbox connected as `AC` or `MC`; exactly one of the two is set. */
  ac?: ActiveCampaignSandbox;
  mc?: MailchimpSandbox;
  /** Runs one job (or a whole pass) on the engine with its clock driven; resolves with the API's answer. */
  run(job?: 'orders' | 'crm'): ReturnType<typeof runPass>;
  /** A whole pass; the CRM job's summary. */
  sync(): Promise<Awaited<ReturnType<typeof runPass>>['summaries'][number]>;
}

const quickLimits = { retries: 1, backoffLimitMs: 200, maxRetryAfterMs: 2000 };
const open: { world: World; crm: { close(): Promise<void> } }[] = [];

async function runPass(world: World, clock: FakeClock, connectors: CrmConnector[], job?: 'orders' | 'crm') {
  return drive(clock, world.host.client.call('sync.run', job ? { job } : {}), { idle: () => nothingInFlight(connectors) });
}

/** Opens the world and connects its CRM; `closeCrmWorlds` (in afterEach) closes everything opened. */
export async function openCrmWorld(options: CrmWorldOptions): Promise<CrmWorld> {
  const clock = new FakeClock(options.start ?? '2026-05-04T09:00:00Z');
  const now = () => clock.now().getTime();
  const connectors: CrmConnector[] = [];
  const factory: CrmConnectorFactory = (crm, credentials) => {
    const real = createCrmConnector(crm, credentials, { limits: quickLimits, clock: pacerClock(clock) });
    // The real connector's counts tell when nothing is in flight, wrapped or not.
    connectors.push(real);
    return options.wrap ? options.wrap(real) : real;
  };
  const world = await openWorld({ clock, crmFactory: factory, shops: [{ name: 'Main', sandbox: { now, seed: { products: 4 } } }] });
  const api = world.host.client;
  let ac: ActiveCampaignSandbox | undefined;
  let mc: MailchimpSandbox | undefined;
  if (options.platform === 'activecampaign') {
    ac = await startActiveCampaignSandbox({ now });
    open.push({ world, crm: ac });
    await api.call('crm.add', { platform: 'activecampaign', name: 'AC', url: ac.accountUrl, key: ac.key });
  } else {
    mc = await startMailchimpSandbox();
    open.push({ world, crm: mc });
    await api.call('crm.add', { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
  }
  const run = (job?: 'orders' | 'crm') => runPass(world, clock, connectors, job);
  return {
    clock, world, ac, mc,
    shop: world.shops.get('Main')!,
    run,
    async sync() {
      const crm = (await run()).summaries.find((s) => s.job === 'crm');
      if (!crm) throw new Error('the sync pass reported no CRM job');
      return crm;
    },
  };
}

export async function closeCrmWorlds(): Promise<void> {
  for (const { world, crm } of open.splice(0)) {
    await world.close();
    await crm.close();
  }
  await removeTempDirs();
}

/** The real connector with its `imports` and `batches` copied, ready for a wrapper to replace some operations. */
export function copyConnector(real: CrmConnector, replace: Partial<CrmConnector>): CrmConnector {
  // Spread copies the methods; stats and limits are read through the real connector.
  return { ...real, stats: real.stats, limits: real.limits, ...replace };
}
