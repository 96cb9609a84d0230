import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../../api/client.js';
import { useWrittenPosition } from '../../commands/written-position.js';

export type Round = Schemas['AllocationRoundWithDriftDto'];
export type RoundStatus = Schemas['RoundStatus'];
export type AllocationLine = Schemas['AllocationLineDto'];

/** `?waitFor=` only when this user has written something: a read shows the user's own write. */
export const waitingFor = (waitFor: string | undefined): { waitFor?: string } => (waitFor ? { waitFor } : {});

/** The county's rounds, newest first. */
export const useRounds = (county: string | undefined, options: { refetchInterval?: number } = {}) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['allocation-rounds', county, waitFor],
    // A token without a county is refused by the service, which names the field; the page shows that.
    queryFn: () => data(api.GET('/api/allocation-rounds', { params: { query: { county: county ?? '', ...waitingFor(waitFor) } } })),
    ...options,
  });
};

/** One round with every input figure of its proposal. */
export const useRound = (id: string) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['allocation-round', id, waitFor],
    queryFn: () => data(api.GET('/api/allocation-rounds/{id}', { params: { path: { id }, query: waitingFor(waitFor) } })),
  });
};
