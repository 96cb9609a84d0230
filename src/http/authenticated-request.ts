import type { Request } from 'express';
import type { Actor } from '../shared/actor.js';

/** A request once the auth guard has verified its token: the actor is set on every non-public route. */
export type AuthenticatedRequest = Request & { actor?: Actor };
