import type { CrmConnection } from '../model';
import type { Credentials } from '../store/secrets';
import { createActiveCampaignConnector } from './activecampaign/connector';
import type { CrmConnector } from './crm-types';
import type { PlatformLimits } from './http';
import { createMailchimpConnector } from './mailchimp/connector';
import type { Pacer, PacerClock } from './pacer';

export type { CrmConnector } from './crm-types';

export interface CrmConnectorOptions {
  /** Overrides of the platform's declared limits (tests shorten back-off; never raise a rate). */
  limits?: Partial<PlatformLimits>;
  /** What request pacing and Retry-After holds run on; default real time (tests pass the engine's fake clock). */
  clock?: PacerClock;
  /**
   * ActiveCampaign's per-account rate kept by a window shared with other worker processes
   * (store/postgres/rate-window.ts) instead of by this process alone.
   */
  pacer?: Pacer;
}

/** Builds the client for a stored CRM connection and its credentials (`{ key }` from the secret store). */
export function createCrmConnector(connection: CrmConnection, credentials: Credentials, options: CrmConnectorOptions = {}): CrmConnector {
  const key = credentials.key;
  if (!key) throw new Error(`CRM "${connection.name}" has no stored API key; add it again with backroom crm add.`);
  switch (connection.platform) {
    case 'activecampaign':
      return createActiveCampaignConnector({ url: connection.url, key, limits: options.limits, allowHttp: connection.allowHttp, clock: options.clock, pacer: options.pacer });
    case 'mailchimp':
      return createMailchimpConnector({ key, listId: connection.listId, server: connection.server, limits: options.limits, clock: options.clock });
  }
}
