import type { Role } from '../shared/actor.js';

/**
 * Who may call which route, in one table. The guard looks every request up here by its method and
 * route pattern; a route with no entry is refused (and the route-walking test fails), so a new
 * route cannot go out without a decision about who may call it.
 *
 * `target` says where the guard finds what the request acts on, to check it is in the caller's
 * scope (own municipality, own county; unscoped auditors and admins reach everything):
 *  - `none`: nothing scoped (reference data);
 *  - `municipality-param` / `warehouse-param`: a path parameter;
 *  - `county-query` / `municipality-query`: a query parameter (county required for county reads, unless
 *    `orToken`: then a token with a county stands for it when it is omitted);
 *  - `resource`: known only once the record is loaded; the handler checks it (`assertInScope`).
 */
export type AccessTarget =
  | { readonly kind: 'none' }
  | { readonly kind: 'municipality-param'; readonly param: string }
  | { readonly kind: 'warehouse-param'; readonly param: string }
  | { readonly kind: 'county-query'; readonly param: string; readonly orToken?: boolean }
  | { readonly kind: 'municipality-query'; readonly param: string }
  | { readonly kind: 'resource' };

export interface RouteAccess {
  readonly roles: readonly Role[] | 'public' | 'any-role';
  readonly target: AccessTarget;
}

const none = { kind: 'none' } as const;
const resource = { kind: 'resource' } as const;
const municipalityParam = { kind: 'municipality-param', param: 'code' } as const;
const warehouseParam = { kind: 'warehouse-param', param: 'id' } as const;
const countyQuery = { kind: 'county-query', param: 'county' } as const;
const countyQueryOrToken = { kind: 'county-query', param: 'county', orToken: true } as const;
const municipalityQuery = { kind: 'municipality-query', param: 'municipality' } as const;

export const ACCESS_POLICY: Readonly<Record<string, RouteAccess>> = {
  'GET /api/health': { roles: 'public', target: none },
  // The screens ask how to sign in before anyone has; the local sign-in refuses itself unless it is on (auth/sign-in.ts).
  'GET /api/auth/sign-in': { roles: 'public', target: none },
  'POST /api/auth/local-tokens': { roles: 'public', target: none },

  'GET /api/municipalities': { roles: 'any-role', target: none },
  'GET /api/items': { roles: 'any-role', target: none },
  'GET /api/warehouses': { roles: 'any-role', target: none },

  'POST /api/municipalities/:code/reports': { roles: ['municipality', 'county'], target: municipalityParam },
  'POST /api/municipalities/:code/reports/:reportId/corrections': { roles: ['municipality', 'county'], target: municipalityParam },
  'GET /api/municipalities/:code/reports': { roles: ['municipality', 'county', 'auditor'], target: municipalityParam },
  'GET /api/reporting/completeness': { roles: ['county', 'auditor'], target: countyQuery },

  'POST /api/purchases': { roles: ['region'], target: resource },
  'GET /api/purchases': { roles: ['region', 'warehouse', 'county', 'auditor'], target: countyQueryOrToken },
  'GET /api/purchases/:id': { roles: ['region', 'warehouse', 'county', 'auditor'], target: resource },
  'POST /api/purchases/:id/receipts': { roles: ['warehouse', 'region'], target: resource },
  'POST /api/purchases/:id/cancellation': { roles: ['region'], target: resource },

  'POST /api/warehouses/:id/receipts': { roles: ['warehouse'], target: warehouseParam },
  'POST /api/warehouses/:id/adjustments': { roles: ['warehouse'], target: warehouseParam },
  'POST /api/warehouses/:id/dispatches': { roles: ['warehouse'], target: warehouseParam },
  'GET /api/warehouses/:id/stock': { roles: ['warehouse', 'county', 'auditor'], target: warehouseParam },

  'POST /api/deliveries/:id/receipt': { roles: ['municipality', 'warehouse'], target: resource },
  'GET /api/deliveries': { roles: ['municipality', 'warehouse', 'county', 'auditor'], target: municipalityQuery },
  'GET /api/deliveries/:id': { roles: ['municipality', 'warehouse', 'county', 'auditor'], target: resource },

  'GET /api/municipalities/:code/stock': { roles: ['municipality', 'county', 'auditor'], target: municipalityParam },
  'GET /api/stock': { roles: ['county', 'auditor'], target: countyQueryOrToken },

  'GET /api/audit/streams/:streamId': { roles: ['auditor'], target: resource },

  'POST /api/allocation-rounds': { roles: ['county'], target: resource },
  // The warehouse reads its county's rounds to deliver the approved plans (the handler holds a round to its county).
  'GET /api/allocation-rounds': { roles: ['county', 'committee', 'warehouse', 'auditor'], target: countyQuery },
  'GET /api/allocation-rounds/:id': { roles: ['county', 'committee', 'warehouse', 'auditor'], target: resource },
  'POST /api/allocation-rounds/:id/approve': { roles: ['committee'], target: resource },
  'POST /api/allocation-rounds/:id/reject': { roles: ['committee'], target: resource },

  'POST /api/national-requests': { roles: ['county'], target: resource },
  'GET /api/national-requests': { roles: ['county', 'auditor', 'admin'], target: countyQuery },
  'POST /api/national-requests/:id/answer': { roles: ['admin'], target: resource },

  'GET /api/audit/allocation-rounds/:id/replay': { roles: ['auditor'], target: resource },
  'POST /api/audit/allocation-rounds/:id/what-if': { roles: ['auditor', 'county'], target: resource },
  'GET /api/situation': { roles: ['county', 'auditor'], target: countyQuery },
};

export const routeKey = (method: string, routePath: string): string => `${method.toUpperCase()} ${routePath}`;
