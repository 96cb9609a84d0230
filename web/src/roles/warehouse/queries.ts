import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { paths } from '../../../../contract/api';
import { api, data, type Schemas } from '../../api/client.js';
import { LIVE_REFRESH_MS, useWarehouses } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { useWrittenPosition } from '../../commands/written-position.js';

/**
 * The reads the warehouse's screens make. Each waits for the user's last write (`waitFor`), so a
 * page opened after a form shows what the form recorded; the previous answer stays on screen while
 * the next one comes, so a write never blanks a page. `live` pages ask again every few seconds.
 */
const waitQuery = (waitFor: string | undefined) => (waitFor ? { waitFor } : {});
const every = (live: boolean) => ({ refetchInterval: live ? LIVE_REFRESH_MS : (false as const), placeholderData: keepPreviousData });

/** The signed-in user's county and its central warehouse (from the reference data). */
export const useWarehouseScope = () => {
  const user = useUser();
  const warehouses = useWarehouses();
  const warehouse = warehouses.data?.warehouses.find((w) => w.countyCode === user.county);
  return { county: user.county, warehouse, warehouses };
};

export const useWarehouseStock = (warehouseId: string | undefined, live = false) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['warehouse-stock', warehouseId, waitFor],
    queryFn: () => data(api.GET('/api/warehouses/{id}/stock', { params: { path: { id: warehouseId! }, query: waitQuery(waitFor) } })),
    enabled: warehouseId !== undefined,
    ...every(live),
  });
};

/** The county's approved rounds, with each plan line's planned, dispatched and remaining units as the service counts them. */
export const useApprovedRounds = (county: string | undefined, live = false) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['allocation-rounds', county, 'approved', waitFor],
    queryFn: () => data(api.GET('/api/allocation-rounds', { params: { query: { county: county!, status: 'approved', ...waitQuery(waitFor) } } })),
    enabled: county !== undefined,
    ...every(live),
  });
};

export const useRound = (allocationId: string | undefined) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['allocation-round', allocationId, waitFor],
    queryFn: () => data(api.GET('/api/allocation-rounds/{id}', { params: { path: { id: allocationId! }, query: waitQuery(waitFor) } })),
    enabled: allocationId !== undefined,
    placeholderData: keepPreviousData,
  });
};

export type DeliveryFilter = Omit<NonNullable<paths['/api/deliveries']['get']['parameters']['query']>, 'waitFor'>;

export const useDeliveries = (filter: DeliveryFilter, live = false) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['deliveries', filter, waitFor],
    queryFn: async (): Promise<Schemas['DeliveryPageDto']> => {
      // The route also answers files (CSV, Excel) by Accept; asked without one, it answers the JSON page.
      const answer = await data(
        api.GET('/api/deliveries', { params: { query: { ...filter, ...waitQuery(waitFor) } }, headers: { Accept: 'application/json' } }),
      );
      if (typeof answer === 'string') throw new Error('the delivery history answered a file where a page was asked for');
      return answer;
    },
    ...every(live),
  });
};

/** The county's purchase orders still expecting goods (ordered or partially received). */
export const useOpenPurchases = (county: string | undefined, live = false) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['purchases', county, 'open', waitFor],
    queryFn: () => data(api.GET('/api/purchases', { params: { query: { county, status: 'open', ...waitQuery(waitFor) } } })),
    enabled: county !== undefined,
    ...every(live),
  });
};

/** One purchase, read from its own stream (always current, so it takes no `waitFor`). */
export const usePurchase = (purchaseId: string | undefined) =>
  useQuery({
    queryKey: ['purchase', purchaseId],
    queryFn: () => data(api.GET('/api/purchases/{id}', { params: { path: { id: purchaseId! } } })),
    enabled: purchaseId !== undefined,
  });

export type StockItem = Schemas['WarehouseStockItem'];
export type Round = Schemas['AllocationRoundWithDriftDto'];
export type Delivery = Schemas['DeliveryDto'];
