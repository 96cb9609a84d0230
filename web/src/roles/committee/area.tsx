import type { RoleArea } from '../area.js';
import { ProposalsPage } from './ProposalsPage.js';
import { ReviewPage } from './ReviewPage.js';

/** The logistics meeting's screens: proposals to decide, each reviewed, amended and approved or rejected. */
export const committeeArea: RoleArea = {
  roles: ['committee'],
  base: '/logistikmote',
  menu: [{ path: '', sv: 'Förslag att besluta', en: 'Proposals to decide' }],
  routes: [
    { index: true, element: <ProposalsPage /> },
    { path: 'omgang/:id', element: <ReviewPage /> },
  ],
};
