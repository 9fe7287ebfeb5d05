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
