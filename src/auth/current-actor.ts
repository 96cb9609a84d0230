import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '../shared/actor.js';
import type { AuthenticatedRequest } from '../http/authenticated-request.js';

/** The verified actor of the request (set by AuthGuard). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('no actor on the request: is the route public?');
  return actor;
});
