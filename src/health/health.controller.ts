import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { ProjectionsService } from '../projections/projections.service.js';

/**
 * How long the lag count (reads of the event log) may take before health answers without it: the
 * event store's own probe gives up after 1.5 s, and health as a whole should answer within 2 s.
 */
const LAG_COUNT_TIMEOUT_MS = 1500;

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
        return state.up
          ? indicator.up({ kind: state.kind })
          : indicator.down({ kind: state.kind, message: state.detail ?? 'unavailable' });
      },
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('projections');
        let projections;
        let timer: NodeJS.Timeout | undefined;
        try {
          projections = await Promise.race([
            this.projections.statusWithLag(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('lag not counted in time')), LAG_COUNT_TIMEOUT_MS);
            }),
          ]);
        } catch {
          // The event store check above reports why the lag cannot be counted.
          projections = this.projections.status();
        } finally {
          clearTimeout(timer);
        }
        // A lagging or retrying projection does not make the service unready: writes still work,
        // and reads with ?waitFor say when their read model is behind.
        return indicator.up({ projections });
      },
    ]);
  }
}
