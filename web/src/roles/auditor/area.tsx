import type { RoleArea } from '../area.js';

/**
 * The auditor's screens: the county's decisions with their drift, one decision
 * with its replay, a what-if beside it, and any stream's events as a timeline. They write nothing.
 * Loaded when first opened: the other roles' first page does not carry them.
 */
export const auditorArea: RoleArea = {
  roles: ['auditor'],
  base: '/revision',
  menu: [
    { path: '', sv: 'Beslut', en: 'Decisions' },
    { path: 'strom', sv: 'Händelser', en: 'Events' },
  ],
  routes: [
    { index: true, lazy: async () => ({ Component: (await import('./DecisionsPage.js')).DecisionsPage }) },
    { path: 'beslut/:allocationId', lazy: async () => ({ Component: (await import('./DecisionPage.js')).DecisionPage }) },
    { path: 'beslut/:allocationId/tank-om', lazy: async () => ({ Component: (await import('./WhatIfPage.js')).WhatIfPage }) },
    { path: 'strom', lazy: async () => ({ Component: (await import('./StreamPages.js')).StreamsPage }) },
    { path: 'strom/:streamId', lazy: async () => ({ Component: (await import('./StreamPages.js')).TimelinePage }) },
  ],
};
