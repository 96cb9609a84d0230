import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import type { CommandContext } from './command-context.js';

/** The command context of a request: the verified actor, its correlation id and idempotency key. */
export const Context = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest & { id?: unknown }>();
  if (!request.actor) throw new Error('no actor on the request: is the route public?');
  const correlationId = String(request.id);
  const key = request.headers['idempotency-key'];
  return {
    actor: request.actor,
    correlationId,
    causationId: correlationId,
    ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
    now: new Date(),
  };
});
