import { Page } from '../../ui/Page.js';
import type { RoleArea } from '../area.js';

/** The auditor role's screens. */
const Start = () => <Page title="Beslut">{null}</Page>;

export const auditorArea: RoleArea = {
  roles: ['auditor', 'admin'],
  base: '/revision',
  menu: [{ path: '', sv: 'Beslut', en: 'Decisions' }],
  routes: [{ index: true, element: <Start /> }],
};
