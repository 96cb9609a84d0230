import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { LogBehindCheck } from '../projections/log-behind-check.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { settleWithin } from '../shared/settle-within.js';

/** How long each check may take: the whole answer comes within about this, whatever is frozen. */
const CHECK_DEADLINE_MS = 1500;
const TIMED_OUT = Symbol('timed out');

const withDeadline = <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => settleWithin(work, ms, () => TIMED_OUT);

/** One check's report, as terminus writes it: `status`, and what the check adds. */
const indicatorSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['up', 'down'] },
    kind: { type: 'string', enum: ['postgresql', 'eventstoredb'], description: 'eventStore: which store holds the log' },
    message: { type: 'string', description: 'When down: what is wrong, in words (never a host or driver message)' },
    logBehindReadModels: {
      type: 'object',
      description: 'eventStore: the log ends before what the read models have seen (restored or replaced log)',
      required: ['head', 'furthestCheckpoint', 'projection'],
      properties: { head: { type: 'string' }, furthestCheckpoint: { type: 'string' }, projection: { type: 'string' } },
    },
    projections: {
      type: 'array',
      description: 'projections: each read model’s and reaction’s runner',
      items: {
        type: 'object',
        required: ['name', 'version', 'state', 'position'],
        properties: {
          name: { type: 'string' },
          version: { type: 'integer' },
          state: { type: 'string', description: 'starting, standby, catching-up, live, retrying or stopped' },
          position: { type: 'string', description: 'Log position the read model has reached (decimal string)' },
          lagEvents: { type: 'integer', description: 'Events behind the log’s end, counted up to 100,000' },
        },
      },
    },
  },
};
const checks = { type: 'object', additionalProperties: indicatorSchema };
/** The body of both answers (terminus' report): monitors read `error` and `details` to see what is down. */
const healthSchema = {
  type: 'object',
  required: ['status', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
    info: { ...checks, nullable: true, description: 'The checks that are up' },
    error: { ...checks, nullable: true, description: 'The checks that are down' },
    details: { ...checks, description: 'Every check' },
  },
};

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
  // Documented here, not by terminus: its own documentation depends on how the module was loaded.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'checkHealth', summary: 'Event store kind and state, database, each projection’s position and lag' })
  @ApiOkResponse({ description: 'Everything the service needs answers.', schema: healthSchema })
  @ApiServiceUnavailableResponse({
    description: 'The event store or the database is down, or the log is behind the read models; `error` says which.',
    schema: healthSchema,
    headers: { 'Retry-After': { description: 'Seconds to wait before asking again', schema: { type: 'integer' } } },
  })
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

  /**
   * Each check answers within CHECK_DEADLINE_MS whatever hangs (a frozen server, an exhausted pool),
   * and says states only: the caller is not authenticated, so no driver message, host or port.
   */
  private checks() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        // Side by side, so the check stays within one deadline. The second asks whether a store that
        // answers ends before what the read models have seen (restored, replaced); if the checkpoints
        // cannot be read in time, the database check says why.
        const [state, behind] = await Promise.all([
          withDeadline(this.store.health(), CHECK_DEADLINE_MS),
          withDeadline(this.logCheck.check(), CHECK_DEADLINE_MS).catch(() => undefined),
        ]);
        if (state === TIMED_OUT) return indicator.down({ kind: this.store.kind, message: 'no answer in time' });
        if (!state.up) return indicator.down({ kind: state.kind, message: 'unavailable' });
        if (!behind || behind === TIMED_OUT) return indicator.up({ kind: state.kind });
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
      async () => {
        const result = await Promise.resolve(this.database.pingCheck('database', { timeout: CHECK_DEADLINE_MS })).catch(() => undefined);
        return result?.database?.status === 'up' ? result : this.indicators.check('database').down({ message: 'unavailable' });
      },
      async () => {
        const indicator = this.indicators.check('projections');
        // Counting the lag reads the log: the event store check above says why it cannot.
        const counted = await withDeadline(this.projections.statusWithLag(), CHECK_DEADLINE_MS).catch(() => undefined);
        const projections = (counted === undefined || counted === TIMED_OUT ? this.projections.status() : counted).map(
          ({ lastError: _lastError, ...status }) => status,
        );
        // A lagging or retrying projection does not make the service unready: writes still work,
        // and reads with ?waitFor say when their read model is behind.
        return indicator.up({ projections });
      },
    ]);
  }
}
