import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.js';

/**
 * A read model fed from the event log.
 *
 * `apply` runs inside the transaction that also moves the projection's checkpoint, so a batch is
 * either wholly applied and checkpointed or not at all. It must write only its own `tables`, and
 * name them without a schema: a rebuild points `search_path` at scratch copies of the tables and
 * runs the very same code.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the projector's output changes: the runner then rebuilds it beside the old rows. */
  readonly version: number;
  /** The event types it reads, or 'all'. The subscription is filtered to them. */
  readonly eventTypes: readonly string[] | 'all';
  /** Tables it owns, created by migrations in the public schema. */
  readonly tables: readonly string[];
  /** Applies a batch inside `tx`. The events, data included, are shared with other projections: read them, never change them. */
  apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void>;
  /** False for reactions: their effects are appends, which a replay must not repeat in bulk. */
  readonly rebuildable?: boolean;
}
