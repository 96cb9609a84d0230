import { Page } from '../../ui/Page.js';
import type { RoleArea } from '../area.js';

/** The warehouse role's screens. */
const Start = () => <Page title="Dagens arbete">{null}</Page>;

export const warehouseArea: RoleArea = {
  roles: ['warehouse'],
  base: '/lager',
  menu: [{ path: '', sv: 'Dagens arbete', en: 'Today’s work' }],
  routes: [{ index: true, element: <Start /> }],
};
