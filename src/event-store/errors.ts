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

/**
 * The event log ends before positions the read models have already seen: it was restored to an
 * older state, or replaced by an empty store. New events would land beside read models holding
 * events the log no longer has, or at positions the projections have passed and would never read.
 * Writes are refused until an operator rebuilds the read models from the log. Maps to 503.
 */
export class LogBehindReadModelsError extends Error {
  readonly code = 'EVENT_STORE.LOG_BEHIND_READ_MODELS';
  constructor(
    /** Position of the log's last entry. */
    readonly head: bigint,
    /** The furthest checkpoint of a read model, and whose it is. */
    readonly furthestCheckpoint: bigint,
    readonly projection: string,
  ) {
    super(`the event log is behind the read models: it ends at position ${head}, but projection ${projection} ` + `has seen position ${furthestCheckpoint}`);
    this.name = 'LogBehindReadModelsError';
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

export const describeExpected = (expected: unknown): string => (typeof expected === 'bigint' ? expected.toString() : String(expected));
