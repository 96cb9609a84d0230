import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { LogBehindCheck } from '../projections/log-behind-check.js';
import { ProjectionsService } from '../projections/projections.service.js';

/** Liveness and readiness in one: 200 when the event store and the database answer, else 503. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly projections: ProjectionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly logCheck: LogBehindCheck,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Event store kind and state, database, each projection’s position and lag' })
  @ApiOkResponse({ description: 'Everything the service needs answers.' })
  @ApiServiceUnavailableResponse({ description: 'The event store or the database is down; `error` says which.' })
  async check(@Res({ passthrough: true }) response: Response) {
    try {
      return await this.checks();
    } catch (error) {
      // Terminus reports "down" as a 503 exception; answer its report as is (not as a problem):
      // monitors read `error` and `details` to see what is down.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503).setHeader('Retry-After', '5');
      return error.getResponse();
    }
  }

  private checks() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        const state = await this.store.health();
        if (!state.up) return indicator.down({ kind: state.kind, message: state.detail ?? 'unavailable' });
        // A store that answers but ends before what the read models have seen (restored, replaced).
        // If the checkpoints cannot be read, the database check says why.
        const behind = await this.logCheck.check().catch(() => undefined);
        if (!behind) return indicator.up({ kind: state.kind });
        return indicator.down({
          kind: state.kind,
          message: 'the event log is behind the read models: rebuild them from the log (npm run projections:rebuild)',
          logBehindReadModels: {
            head: behind.head.toString(),
            furthestCheckpoint: behind.furthestCheckpoint.toString(),
            projection: behind.projection,
          },
        });
      },
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('projections');
        let projections;
        try {
          projections = await this.projections.statusWithLag();
        } catch {
          // The event store check above reports why the lag cannot be counted.
          projections = this.projections.status();
        }
        // A lagging or retrying projection does not make the service unready: writes still work,
        // and reads with ?waitFor say when their read model is behind.
        return indicator.up({ projections });
      },
    ]);
  }
}
