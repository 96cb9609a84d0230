import type { RoleArea } from '../area.js';
import { MunicipalityPage } from './MunicipalityPage.js';
import { NationalRequestsPage } from './NationalRequestsPage.js';
import { OpenRoundPage } from './OpenRoundPage.js';
import { OverviewPage } from './OverviewPage.js';
import { RaiseNationalRequestPage } from './RaiseNationalRequestPage.js';
import { RoundPage } from './RoundPage.js';
import { RoundsPage } from './RoundsPage.js';
import { SituationPage } from './SituationPage.js';

/** The county board's screens: the county today, the situation picture, allocation rounds, national requests. */
export const countyArea: RoleArea = {
  roles: ['county'],
  base: '/lan',
  menu: [
    { path: '', sv: 'Länet i dag', en: 'The county today' },
    { path: 'lagesbild', sv: 'Lägesbild', en: 'Situation picture' },
    { path: 'fordelning', sv: 'Fördelning', en: 'Allocation' },
    { path: 'nationella', sv: 'Nationella förfrågningar', en: 'National requests' },
  ],
  routes: [
    { index: true, element: <OverviewPage /> },
    { path: 'kommun/:code', element: <MunicipalityPage /> },
    { path: 'lagesbild', element: <SituationPage /> },
    { path: 'fordelning', element: <RoundsPage /> },
    { path: 'fordelning/ny', element: <OpenRoundPage /> },
    { path: 'fordelning/:id', element: <RoundPage /> },
    { path: 'nationella', element: <NationalRequestsPage /> },
    { path: 'nationella/ny', element: <RaiseNationalRequestPage /> },
  ],
};
