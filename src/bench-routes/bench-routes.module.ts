import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACCESS_POLICY, type RouteAccess } from '../auth/access-policy.js';
import { BENCH_TABLE, BenchRoutesController } from './bench-routes.controller.js';

/**
 * Who may call the baselines: any valid token, nothing scoped, so the guard still verifies the
 * token and looks the route up as it does for every route. These lines are not in ACCESS_POLICY's
 * own table because the route-walking tests hold that table to the routes a default start mounts
 * (a line without a route fails them); they are added when, and only when, the routes are.
 */
export const BENCH_ACCESS_POLICY: Readonly<Record<string, RouteAccess>> = {
  'POST /api/bench/bare-insert': { roles: 'any-role', target: { kind: 'none' } },
  'GET /api/bench/bare-select/:id': { roles: 'any-role', target: { kind: 'none' } },
};

/**
 * The benchmark baselines (`BENCH_ROUTES=true`; see `BenchRoutesController`). Mounted only by
 * `AppModule` when the flag is set, which the configuration refuses together with
 * NODE_ENV=production.
 *
 * Its table is made here with `CREATE TABLE IF NOT EXISTS`, not by a migration: migrations run on
 * every database the service meets, and a production schema should not carry a benchmark's table.
 * Two instances starting at once on an empty database may race on the CREATE (one fails to start
 * and can be restarted); benchmarks start one.
 */
@Module({})
export class BenchRoutesModule implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  static register(): DynamicModule {
    // The guard reads ACCESS_POLICY on each request; the table is a plain object, extended here
    // before the application listens.
    Object.assign(ACCESS_POLICY as Record<string, RouteAccess>, BENCH_ACCESS_POLICY);
    return { module: BenchRoutesModule, controllers: [BenchRoutesController] };
  }

  async onModuleInit(): Promise<void> {
    await this.dataSource.query(`CREATE TABLE IF NOT EXISTS ${BENCH_TABLE} (id bigserial PRIMARY KEY, body jsonb, at timestamptz NOT NULL DEFAULT now())`);
  }
}
