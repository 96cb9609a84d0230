import { Page } from '../../ui/Page.js';
import type { RoleArea } from '../area.js';

/** The municipality role's screens. */
const Start = () => <Page title="Vår kommun">{null}</Page>;

export const municipalityArea: RoleArea = {
  roles: ['municipality'],
  base: '/kommun',
  menu: [{ path: '', sv: 'Vår kommun', en: 'Our municipality' }],
  routes: [{ index: true, element: <Start /> }],
};
