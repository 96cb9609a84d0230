import type { Actor } from '../shared/actor.js';
import { UUID } from '../shared/ids.js';
import { assertInScope } from '../auth/auth.guard.js';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventStore } from '../event-store/event-store.js';
import { loadStream, type LoadedStream } from '../event-store/command-handling.js';
import { DomainError } from '../shared/domain-error.js';
import { purchaseDecider, type PurchaseState } from './domain/purchase.decider.js';
import { purchaseStream } from './domain/purchase.events.js';

/**
 * A purchase route's `id`, as the docs page describes it: with no example, since the service makes
 * the ids and a made-up one answers 404.
 */
export const PURCHASE_ID = {
  name: 'id',
  format: 'uuid',
  description: 'The purchase’s id: `purchaseId` in the answer to POST /api/purchases',
} as const;

export type ExistingPurchase = LoadedStream<Exclude<PurchaseState, { status: 'none' }>>;

/**
 * Loads a purchase for a caller, who must be in its county. Its county is only known once it is
 * loaded, so the guard cannot check it from the path. An id that is not a purchase's is a 404.
 */
export const loadPurchaseInScope = async (store: EventStore, registry: EventRegistry, purchaseId: string, actor: Actor): Promise<ExistingPurchase> => {
  const notFound = new DomainError('PURCHASE.NOT_FOUND', `no purchase with id ${purchaseId}`, 'not-found');
  if (!UUID.test(purchaseId)) throw notFound;
  const loaded = await loadStream(store, registry, purchaseStream(purchaseId), purchaseDecider);
  if (loaded.state.status === 'none') throw notFound;
  assertInScope(actor, { county: loaded.state.order.county });
  return loaded as ExistingPurchase;
};
