import { Page } from '../../ui/Page.js';
import type { RoleArea } from '../area.js';

/** The region role's screens. */
const Start = () => <Page title="Inköpsordrar">{null}</Page>;

export const regionArea: RoleArea = {
  roles: ['region'],
  base: '/inkop',
  menu: [{ path: '', sv: 'Inköpsordrar', en: 'Purchase orders' }],
  routes: [{ index: true, element: <Start /> }],
};
