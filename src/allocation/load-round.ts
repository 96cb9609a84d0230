import type { Actor } from '../shared/actor.js';
import { UUID } from '../shared/ids.js';
import { assertInScope } from '../auth/auth.guard.js';
import { StreamNotFoundError } from '../event-store/errors.js';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.js';
import { loadStream } from '../event-store/command-handling.js';
import { DomainError } from '../shared/domain-error.js';
import { allocationRoundDecider, type AllocationRoundState } from './domain/allocation-round.decider.js';
import { allocationStream, type AllocationProposedData } from './domain/allocation.events.js';

export type ExistingRound = Exclude<AllocationRoundState, { status: 'none' }>;

/**
 * Loads a round for a caller, who must be in its county. The county is only known once the round
 * is loaded, so the guard cannot check it from the path. An id that is no round's is a 404.
 */
export const loadRoundInScope = async (store: EventStore, registry: EventRegistry, allocationId: string, actor: Actor): Promise<ExistingRound> => {
  const notFound = new DomainError('ALLOCATION.NOT_FOUND', `no allocation round with id ${allocationId}`, 'not-found');
  if (!UUID.test(allocationId)) throw notFound;
  const { state } = await loadStream(store, registry, allocationStream(allocationId), allocationRoundDecider);
  if (state.status === 'none') throw notFound;
  assertInScope(actor, { county: state.proposal.county });
  return state;
};

export type RoundStatus = 'proposed' | 'approved' | 'rejected';

export interface RecordedRound {
  readonly allocationId: string;
  /** The current proposal: the last one in the stream (a decision is only ever taken on it). */
  readonly proposal: RecordedEvent<'AllocationProposed', AllocationProposedData>;
  readonly status: RoundStatus;
  readonly events: number;
}

/**
 * The round's own stream, decoded, as an audit reads it: the recorded proposal event itself (its
 * position, its metadata) rather than the decider's state; 404 when there is no such round.
 */
export const loadRound = async (store: EventStore, registry: EventRegistry, allocationId: string): Promise<RecordedRound> => {
  const notFound = () => new DomainError('ALLOCATION.NOT_FOUND', `no allocation round ${allocationId}`, 'not-found');
  if (!UUID.test(allocationId)) throw notFound();
  let events: RecordedEvent[];
  try {
    events = (await store.readStream(allocationStream(allocationId))).map((e) => (registry.has(e.type) ? registry.decode(e) : e));
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw notFound();
    throw error;
  }
  let proposal: RecordedRound['proposal'] | undefined;
  let status: RoundStatus = 'proposed';
  for (const event of events) {
    if (event.type === 'AllocationProposed') {
      proposal = event as RecordedRound['proposal'];
      status = 'proposed';
    } else if (event.type === 'AllocationApproved') status = 'approved';
    else if (event.type === 'AllocationRejected') status = 'rejected';
  }
  if (!proposal) throw notFound();
  return { allocationId, proposal, status, events: events.length };
};
