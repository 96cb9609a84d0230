import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../../api/client.js';
import { LIVE_REFRESH_MS } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { useWrittenPosition } from '../../commands/written-position.js';

/**
 * The municipality's own reads. Each waits for this user's last write (`waitFor`, part of the key,
 * so a page after a form shows what the form recorded) and asks again every LIVE_REFRESH_MS, so a
 * page follows what others record without a reload. While a new key loads, the last answer stays
 * on screen instead of a flash of "loading".
 */
const live = { refetchInterval: LIVE_REFRESH_MS, placeholderData: keepPreviousData } as const;

/** The signed-in coordinator's municipality code; the sign-in guarantees one for this role. */
export const useMunicipalityCode = (): string => useUser().municipality ?? '';

const withWait = <Q extends object>(query: Q, waitFor: string | undefined): Q & { waitFor?: string } => (waitFor ? { ...query, waitFor } : query);

export const useOwnStock = () => {
  const code = useMunicipalityCode();
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['municipality', code, 'stock', waitFor],
    queryFn: () => data(api.GET('/api/municipalities/{code}/stock', { params: { path: { code }, query: withWait({}, waitFor) } })),
    ...live,
  });
};

export const useOwnReports = () => {
  const code = useMunicipalityCode();
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['municipality', code, 'reports', waitFor],
    queryFn: () => data(api.GET('/api/municipalities/{code}/reports', { params: { path: { code }, query: withWait({}, waitFor) } })),
    ...live,
  });
};

export type Delivery = Schemas['DeliveryDto'];
export type DeliveryPage = Schemas['DeliveryPageDto'];

/**
 * Deliveries to this municipality. The route also answers CSV and Excel; without an Accept header
 * asking for those it answers JSON, which is all these screens ask for.
 */
export const useOwnDeliveries = (filter: { status?: Schemas['DeliveryStatus']; from?: string; limit?: number }) => {
  const municipality = useMunicipalityCode();
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['municipality', municipality, 'deliveries', filter, waitFor],
    queryFn: async (): Promise<DeliveryPage> => {
      const answer = await data(api.GET('/api/deliveries', { params: { query: withWait({ municipality, ...filter }, waitFor) } }));
      if (typeof answer === 'string') throw new Error('the deliveries came as a file, not as JSON');
      return answer;
    },
    ...live,
  });
};
