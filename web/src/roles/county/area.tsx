import { Page } from '../../ui/Page.js';
import type { RoleArea } from '../area.js';

/** The county role's screens. */
const Start = () => <Page title="Länet i dag">{null}</Page>;

export const countyArea: RoleArea = {
  roles: ['county'],
  base: '/lan',
  menu: [{ path: '', sv: 'Länet i dag', en: 'The county today' }],
  routes: [{ index: true, element: <Start /> }],
};
