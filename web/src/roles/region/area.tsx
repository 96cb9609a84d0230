import type { RoleArea } from '../area.js';
import { REGION_BASE } from './api.js';
import { NewOrderPage } from './NewOrderPage.js';
import { OrderPage } from './OrderPage.js';
import { PurchasesPage } from './PurchasesPage.js';
import './region.css';

/** The region's purchasing staff: the county's purchase orders, a new order, and one order with its receipts and cancellation. */
export const regionArea: RoleArea = {
  roles: ['region'],
  base: REGION_BASE,
  menu: [
    { path: '', sv: 'Inköpsordrar', en: 'Purchase orders' },
    { path: 'ny', sv: 'Ny beställning', en: 'New order' },
  ],
  routes: [
    { index: true, element: <PurchasesPage /> },
    { path: 'ny', element: <NewOrderPage /> },
    { path: 'ordrar/:purchaseId', element: <OrderPage /> },
  ],
};
