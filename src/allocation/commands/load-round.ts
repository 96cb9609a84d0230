import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import type { EventRegistry } from '../../event-store/event-registry.js';
import type { EventStore } from '../../event-store/event-store.js';
import { loadStream } from '../../event-store/command-handling.js';
import { DomainError } from '../../shared/domain-error.js';
import { allocationRoundDecider, type AllocationRoundState } from '../domain/allocation-round.decider.js';
import { allocationStream } from '../domain/allocation.events.js';
import { UUID } from '../../shared/ids.js';

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
