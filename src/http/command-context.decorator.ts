import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IdempotentHttpRequest } from './idempotency.interceptor.js';
import type { CommandContext } from '../shared/command-context.js';

/** The command context of a request: the verified actor, its correlation id and idempotency key. */
export const Context = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<IdempotentHttpRequest & { id?: string }>(); // id: the correlation id (genReqId in app.module.ts)
  if (!request.actor) throw new Error('no actor on the request: is the route public?');
  const correlationId = String(request.id);
  return {
    actor: request.actor,
    correlationId,
    causationId: correlationId,
    // Set by the idempotency interceptor when the request carries a valid key.
    ...(request.idempotency ? { idempotency: request.idempotency } : {}),
    now: new Date(),
  };
});
