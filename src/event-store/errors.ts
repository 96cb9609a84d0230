/** Errors every adapter throws in the same shape, whatever its backing store says. */

export class WrongExpectedVersionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`stream ${streamId}: expected revision ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export class StreamNotFoundError extends Error {
  readonly code = 'EVENT_STORE.STREAM_NOT_FOUND';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
    this.name = 'StreamNotFoundError';
  }
}

/** The store cannot be reached; nothing was written. Maps to 503. */
export class EventStoreUnavailableError extends Error {
  readonly code = 'EVENT_STORE.UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * A write was sent but no answer came in time (a frozen server, a connection lost mid-call): it may
 * or may not have been recorded. Maps to 503 saying so; a retry with the same Idempotency-Key lands
 * exactly once, because a command recognises its own events before deciding again.
 */
export class EventStoreOutcomeUnknownError extends Error {
  readonly code = 'EVENT_STORE.OUTCOME_UNKNOWN';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreOutcomeUnknownError';
  }
}

/** An event failed its type's schema on write or on read. */
export class InvalidEventError extends Error {
  readonly code = 'EVENT_STORE.INVALID_EVENT';
  constructor(
    readonly eventType: string,
    readonly issues: string[],
  ) {
    super(`event ${eventType} is invalid: ${issues.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

export const describeExpected = (expected: unknown): string =>
  typeof expected === 'bigint' ? expected.toString() : String(expected);
