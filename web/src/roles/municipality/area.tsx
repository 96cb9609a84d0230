import { lazy, Suspense, type ComponentType } from 'react';
import { Loading } from '../../ui/states.js';
import type { RoleArea } from '../area.js';
import './municipality.css';

/**
 * The municipality coordinator's screens: its stock, the weekly situation report, its reports with
 * their corrections, and its deliveries to confirm. Each screen is loaded when first opened, so the
 * sign-in page and the other roles do not carry it.
 */
const screen = (load: () => Promise<{ default: ComponentType }>) => {
  const Screen = lazy(load);
  return (
    <Suspense fallback={<Loading />}>
      <Screen />
    </Suspense>
  );
};

export const municipalityArea: RoleArea = {
  roles: ['municipality'],
  base: '/kommun',
  menu: [
    { path: '', sv: 'Vårt lager', en: 'Our stock' },
    { path: 'lagesrapport', sv: 'Lägesrapport', en: 'Situation report' },
    { path: 'rapporter', sv: 'Rapporter', en: 'Reports' },
    { path: 'leveranser', sv: 'Leveranser', en: 'Deliveries' },
  ],
  routes: [
    { index: true, element: screen(() => import('./StockPage.js')) },
    { path: 'lagesrapport', element: screen(() => import('./ReportPage.js')) },
    { path: 'rapporter', element: screen(() => import('./ReportsPage.js')) },
    { path: 'leveranser', element: screen(() => import('./DeliveriesPage.js')) },
  ],
};
