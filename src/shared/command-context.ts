import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Actor } from './actor.js';

/**
 * A request sent with an `Idempotency-Key`. Every id the command derives (the events', and what it
 * creates) comes from the caller, the key and the request together: the same user's retry of the
 * same request derives the same ids, while two users with one key, or one user reusing a key for
 * another request after its record expired, derive different ones.
 */
export interface IdempotentRequest {
  readonly key: string;
  /** Fingerprint of the request the key came with: method, path and body. */
  readonly request: string;
  /**
   * An earlier attempt with this key ended without a known outcome (a store that did not answer, a
   * crash): it may have written. The command then reads its stream whole, and answers what that
   * attempt wrote instead of deciding again.
   */
  readonly mayHaveWritten: boolean;
}

/** Everything about a command that is not its content: who, under which correlation, when. */
export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  /** The event or request that caused this command; the correlation id when it is a request. */
  readonly causationId: string;
  readonly idempotency?: IdempotentRequest;
  /** The recording time the command is decided at (injected, so deciders stay pure). */
  readonly now: Date;
}

/** Fixed namespace of derived entity ids. Never change it. */
const ENTITY_ID_NAMESPACE = '9d3c7a4e-2f6b-4d8e-a1c0-3b5e7f9a2c41';

/** What derived ids of one keyed request start from. */
export const idempotencySeed = (context: CommandContext): string | undefined =>
  context.idempotency && `${context.actor.sub}\u0000${context.idempotency.key}\u0000${context.idempotency.request}`;

/**
 * The id of something a command creates (a report, a purchase, a delivery). Derived when the
 * request has an idempotency key, so a retried command names the same thing it created the first
 * time; random otherwise.
 */
export const newEntityId = (context: CommandContext, kind: string): string => {
  const seed = idempotencySeed(context);
  return seed === undefined ? randomUUID() : uuidv5(`${seed}\u0000${kind}`, ENTITY_ID_NAMESPACE);
};
