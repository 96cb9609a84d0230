import { type ComponentType, lazy, type LazyExoticComponent, Suspense } from 'react';
import { Loading } from '../../ui/states.js';
import type { RoleArea } from '../area.js';

/**
 * The warehouse staff's screens, each in a chunk of its own: the first page anyone opens does not
 * carry them, and a warehouse user loads a screen when it is opened.
 */
const TodayPage = lazy(() => import('./TodayPage.js'));
const DispatchPage = lazy(() => import('./DispatchPage.js'));
const ReceiptsPage = lazy(() => import('./ReceiptsPage.js'));
const PurchaseReceiptPage = lazy(() => import('./PurchaseReceiptPage.js'));
const OtherReceiptPage = lazy(() => import('./OtherReceiptPage.js'));
const AdjustmentPage = lazy(() => import('./AdjustmentPage.js'));
const StockPage = lazy(() => import('./StockPage.js'));
const HistoryPage = lazy(() => import('./HistoryPage.js'));

const screen = (Screen: LazyExoticComponent<ComponentType>) => (
  <Suspense fallback={<Loading />}>
    <Screen />
  </Suspense>
);

export const warehouseArea: RoleArea = {
  roles: ['warehouse'],
  base: '/lager',
  menu: [
    { path: '', sv: 'Dagens arbete', en: 'Today’s work' },
    { path: 'leverera', sv: 'Leverera', en: 'Dispatch' },
    { path: 'inleverans', sv: 'Inleverans', en: 'Receipts' },
    { path: 'inventering', sv: 'Inventering och kassation', en: 'Counts and write-offs' },
    { path: 'saldo', sv: 'Lager', en: 'Stock' },
    { path: 'leveranser', sv: 'Leveranshistorik', en: 'Delivery history' },
  ],
  routes: [
    { index: true, element: screen(TodayPage) },
    { path: 'leverera', element: screen(DispatchPage) },
    { path: 'inleverans', element: screen(ReceiptsPage) },
    { path: 'inleverans/inkop/:purchaseId', element: screen(PurchaseReceiptPage) },
    { path: 'inleverans/annan', element: screen(OtherReceiptPage) },
    { path: 'inventering', element: screen(AdjustmentPage) },
    { path: 'saldo', element: screen(StockPage) },
    { path: 'leveranser', element: screen(HistoryPage) },
  ],
};
