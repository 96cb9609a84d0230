import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ReferenceData } from '../reference/reference-data.js';
import { DomainError } from '../shared/domain-error.js';
import { type Actor, inScope, type ScopeTarget } from '../shared/actor.js';
import type { AuthenticatedRequest } from '../http/authenticated-request.js';
import { ACCESS_POLICY, type AccessTarget, routeKey } from './access-policy.js';
import { InvalidTokenError, TokenService } from './token.service.js';

/** Thrown for a missing or untrustworthy token (401). */
export class UnauthenticatedError extends DomainError {
  constructor(message: string) {
    super('AUTH.UNAUTHENTICATED', message, 'unauthenticated');
  }
}

export const forbidden = (message: string): DomainError => new DomainError('AUTH.FORBIDDEN', message, 'forbidden');

/** Refuses unless the actor's scope covers the target; for handlers of `resource` routes. */
export const assertInScope = (actor: Actor, target: ScopeTarget): void => {
  if (!inScope(actor, target)) {
    throw forbidden(
      `${actor.role} ${actor.municipality ?? actor.county ?? ''}`.trim() +
        ` may not act on ${target.municipality ? `municipality ${target.municipality}` : `county ${target.county}`}`,
    );
  }
};

/**
 * Every request passes here: the route's entry in ACCESS_POLICY, the bearer token, the role, and
 * the scope of what the path or query names. Records that only the handler can load check their
 * own scope with `assertInScope`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reference: ReferenceData,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = routeKey(request.method, (request.route as { path?: string } | undefined)?.path ?? request.path);
    const access = ACCESS_POLICY[key];
    if (!access) throw forbidden(`no access rule for ${key}`);
    if (access.roles === 'public') return true;

    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw new UnauthenticatedError('send a bearer token: Authorization: Bearer <JWT>');
    let actor: Actor;
    try {
      actor = await this.tokens.verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthenticatedError(error.message);
      throw error;
    }
    request.actor = actor;

    if (access.roles !== 'any-role' && !access.roles.includes(actor.role)) {
      throw forbidden(`the ${actor.role} role may not call ${key}`);
    }
    const target = this.targetOf(access.target, request, actor);
    if (target) assertInScope(actor, target);
    return true;
  }

  private targetOf(target: AccessTarget, request: Request, actor: Actor): ScopeTarget | undefined {
    switch (target.kind) {
      case 'none':
      case 'resource':
        return undefined;
      case 'municipality-param': {
        const code = request.params[target.param];
        const municipality = typeof code === 'string' ? this.reference.municipality(code) : undefined;
        if (!municipality) throw new DomainError('REFERENCE.UNKNOWN_MUNICIPALITY', `no municipality with code ${String(code)}`, 'not-found');
        return { county: municipality.countyCode, municipality: municipality.code };
      }
      case 'warehouse-param': {
        const id = request.params[target.param];
        const warehouse = typeof id === 'string' ? this.reference.warehouse(id) : undefined;
        if (!warehouse) throw new DomainError('REFERENCE.UNKNOWN_WAREHOUSE', `no warehouse with id ${String(id)}`, 'not-found');
        return { county: warehouse.countyCode };
      }
      case 'county-query': {
        const given = request.query[target.param];
        // Omitted, the token's county stands for it where the route allows (the handler reads it there too).
        const county = given === undefined && target.orToken ? actor.county : given;
        if (typeof county !== 'string' || !this.reference.county(county)) {
          throw new DomainError('REFERENCE.UNKNOWN_COUNTY', `query parameter ${target.param} must name a county`, 'invalid', {
            field: target.param,
          });
        }
        return { county };
      }
      case 'municipality-query': {
        const code = request.query[target.param];
        if (code === undefined) return undefined;
        const municipality = typeof code === 'string' ? this.reference.municipality(code) : undefined;
        if (!municipality) {
          // A repeated or nested parameter (`?municipality[a]=1`) is no code at all: say so, not "[object Object]".
          const named = typeof code === 'string' ? `no municipality with code ${code}` : `query parameter ${target.param} must be one code`;
          throw new DomainError('REFERENCE.UNKNOWN_MUNICIPALITY', named, 'invalid', {
            field: target.param,
          });
        }
        return { county: municipality.countyCode, municipality: municipality.code };
      }
      default: {
        const unexpected: never = target;
        throw new Error(`unknown access target ${JSON.stringify(unexpected)}`);
      }
    }
  }
}
