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
