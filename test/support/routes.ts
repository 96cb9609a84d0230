import type { INestApplication } from '@nestjs/common';
import { routeKey } from '../../src/auth/access-policy.js';

/** A route as Express registered it: `GET /api/items`, with its method and path pattern apart. */
export interface RegisteredRoute {
  readonly key: string;
  readonly method: string;
  readonly path: string;
}

/** Every API route the application registers, read from the Express router (the docs excepted). */
export const registeredRoutes = (app: INestApplication): RegisteredRoute[] => {
  const router = app.getHttpAdapter().getInstance().router as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  return router.stack
    .filter((layer) => layer.route && layer.route.path.startsWith('/api/') && !layer.route.path.startsWith('/api/docs'))
    .flatMap((layer) =>
      Object.keys(layer.route!.methods)
        .filter((m) => m !== '_all')
        .map((m) => ({ key: routeKey(m, layer.route!.path), method: m.toUpperCase(), path: layer.route!.path })),
    );
};
