import { redact } from '../store/redact';

export type PlatformErrorKind = 'auth' | 'rejected' | 'not-found' | 'transient' | 'malformed' | 'network';

/** A failed platform call, classified so jobs know whether to retry, alert, or record an error. Its message is redacted. */
export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly status?: number,
    /** The platform's own error code (e.g. WooCommerce `woocommerce_rest_cannot_view`). */
    readonly platformCode?: string,
  ) {
    super(redact(message));
    this.name = 'PlatformError';
  }

  get retriable(): boolean {
    return this.kind === 'transient' || this.kind === 'network';
  }
}

/**
 * A failure in words a merchant can act on. Refused credentials name who refused them (a shop or a
 * CRM) and where new ones go; health reads "refused Backroom's credentials" as keys refused.
 */
export function describeFailure(error: unknown, target?: { kind: 'shop' | 'crm' | 'backroom'; name: string }): string {
  if (error instanceof PlatformError && error.kind === 'auth') {
    if (target?.kind === 'crm') {
      return `${error.message} — CRM "${target.name}" refused Backroom's credentials. Check its API key, then enter the new one in Settings or with backroom crm set "${target.name}" --key ….`;
    }
    const who = target?.kind === 'shop' ? `shop "${target.name}"` : 'the shop';
    const how = target?.kind === 'shop' ? `backroom shop set "${target.name}"` : 'backroom shop set';
    return `${error.message} — ${who} refused Backroom's credentials. Check the API key and secret (or token), then enter the new ones in Settings or with ${how} --key … --secret … (or --token …).`;
  }
  return error instanceof Error ? error.message : String(error);
}
