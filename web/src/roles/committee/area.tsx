import { Page } from '../../ui/Page.js';
import type { RoleArea } from '../area.js';

/** The committee role's screens. */
const Start = () => <Page title="Förslag att besluta">{null}</Page>;

export const committeeArea: RoleArea = {
  roles: ['committee'],
  base: '/logistikmote',
  menu: [{ path: '', sv: 'Förslag att besluta', en: 'Proposals to decide' }],
  routes: [{ index: true, element: <Start /> }],
};
