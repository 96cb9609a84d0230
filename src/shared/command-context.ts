import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Actor } from '../auth/actor.js';

/** Everything about a command that is not its content: who, under which correlation, when. */
export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  /** The event or request that caused this command; the correlation id when it is a request. */
  readonly causationId: string;
  /** From the `Idempotency-Key` header; the event ids are derived from it. */
  readonly idempotencyKey?: string;
  /** The recording time the command is decided at (injected, so deciders stay pure). */
  readonly now: Date;
}

/**
 * The id of something a command creates (a report, a purchase, a delivery). Derived from the
 * idempotency key when there is one, so a retried command names the same thing it created the
 * first time; random otherwise.
 */
export const newEntityId = (context: CommandContext, kind: string): string =>
  context.idempotencyKey === undefined ? randomUUID() : uuidv5(`${context.actor.sub}\u0000${context.idempotencyKey}\u0000${kind}`, ENTITY_ID_NAMESPACE);

/** Fixed namespace of derived entity ids. Never change it. */
const ENTITY_ID_NAMESPACE = '9d3c7a4e-2f6b-4d8e-a1c0-3b5e7f9a2c41';
