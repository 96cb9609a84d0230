import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError, data, type Schemas } from '../../api/client.js';
import { LIVE_REFRESH_MS } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import type { CommandState } from '../../commands/commands.js';
import { useWrittenPosition } from '../../commands/written-position.js';

export type PurchaseSummary = Schemas['PurchaseSummaryDto'];
export type Purchase = Schemas['PurchaseDto'];
export type PurchaseStatus = PurchaseSummary['status'];

/** Where the region's screens live; the order page's address is built from it. */
export const REGION_BASE = '/inkop';
export const orderPath = (purchaseId: string) => `${REGION_BASE}/ordrar/${encodeURIComponent(purchaseId)}`;

/**
 * The county's purchase orders (the token's county), newest first, followed live. Waits for the
 * user's own last write, so an order just placed or cancelled is in the list; while a new
 * position is awaited the previous list stays on screen instead of a loading text.
 */
export const usePurchases = () => {
  const { county } = useUser();
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['purchases', county, waitFor],
    queryFn: () => data(api.GET('/api/purchases', { params: { query: waitFor === undefined ? {} : { waitFor } } })),
    refetchInterval: LIVE_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
};

/**
 * One purchase, read by the service from the purchase's own stream: always current, so it takes
 * no `waitFor`. Followed live, because the warehouse may receive goods while the page is open.
 */
export const usePurchase = (purchaseId: string) =>
  useQuery({
    queryKey: ['purchase', purchaseId],
    queryFn: () => data(api.GET('/api/purchases/{id}', { params: { path: { id: purchaseId } } })),
    refetchInterval: LIVE_REFRESH_MS,
  });

/** Still expecting goods: the service's own `open` (ordered or partially received). */
export const isOpen = (status: PurchaseStatus): boolean => status === 'ordered' || status === 'partially-received';

/**
 * The service words a field's message with the field's path first (`lines[0].quantity måste vara
 * minst 1`), which means nothing to the person at the form: the path becomes the label they see.
 */
const relabel = (message: string, field: string, label: string): string => (message.startsWith(field) ? `${label}${message.slice(field.length)}` : message);

/** The service's message for one field of a refused command, to stand beside that field under its label. */
export const fieldError = (state: CommandState<unknown>, field: string, label: string): string | undefined => {
  if (state.status !== 'refused') return undefined;
  return state.error.fieldMessage(field, label);
};

/**
 * A refusal as the form's summary shows it (CommandFeedback): each field error under the label
 * `labelOf` gives its field (with the row, where there are rows), and `summary` instead of the
 * service's detail, which lists the paths. Anything else is shown as the service said it.
 */
export const readableRefusal = <R>(state: CommandState<R>, labelOf: (field: string) => string | undefined, summary: string): CommandState<R> => {
  if (state.status !== 'refused' || !state.error.problem.errors?.length) return state;
  const problem = state.error.problem;
  const errors = problem.errors!.map((error) => {
    const label = labelOf(error.field);
    return label === undefined ? error : { ...error, message: relabel(error.message, error.field, label) };
  });
  return { status: 'refused', error: new ApiError(state.error.status, { ...problem, detail: summary, errors }) };
};
