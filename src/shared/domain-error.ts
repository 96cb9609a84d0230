/**
 * A broken business rule, raised by pure domain code. The code is stable (clients and the problem
 * `type` use it); `kind` decides the HTTP status in the one exception filter.
 */
export type DomainErrorKind = 'rule' | 'not-found' | 'forbidden' | 'unauthenticated' | 'invalid' | 'unprocessable' | 'unsupported-media-type';

export class DomainError extends Error {
  constructor(
    /** Stable, dotted, upper case: `WAREHOUSE.INSUFFICIENT_STOCK`. */
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    /** Facts a client may act on (amounts, ids); shown in the problem details. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
