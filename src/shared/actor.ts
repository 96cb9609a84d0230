/** Who is acting, as the verified token says. Never taken from a request body. */

export const ROLES = ['municipality', 'region', 'warehouse', 'county', 'committee', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose token must name a county; `municipality` names a municipality (its county follows). */
export const COUNTY_SCOPED_ROLES: readonly Role[] = ['region', 'warehouse', 'county', 'committee'];

export interface Actor {
  /** The token's subject: a stable user id. */
  readonly sub: string;
  readonly name: string;
  readonly role: Role;
  /** Set for every role but an unscoped auditor or admin; for a municipality user, its county. */
  readonly county?: string;
  readonly municipality?: string;
}

/** What a request acts on, as far as scope is concerned. */
export interface ScopeTarget {
  readonly county?: string;
  readonly municipality?: string;
}

/**
 * Whether the actor may touch the target: a municipality user only its own municipality, a
 * county-scoped user only inside its county, an auditor or admin anywhere unless its token names a
 * county. A target with no county (reference data) is in everyone's scope.
 */
export const inScope = (actor: Actor, target: ScopeTarget): boolean => {
  if (actor.role === 'municipality') {
    return target.municipality !== undefined ? target.municipality === actor.municipality : target.county === undefined || target.county === actor.county;
  }
  if (actor.county === undefined) return true;
  return target.county === undefined || target.county === actor.county;
};
