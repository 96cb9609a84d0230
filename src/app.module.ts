import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { MIGRATIONS } from './database/data-source.js';
import { deadlinesOf, POOL_DEADLINES, poolOptions, type PoolDeadlines } from './database/pool-options.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AllocationModule } from './allocation/allocation.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BenchRoutesModule } from './bench-routes/bench-routes.module.js';
import { DeliveriesModule } from './deliveries/deliveries.module.js';
import { HealthController } from './health/health.controller.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { NationalRequestsModule } from './national-requests/national-requests.module.js';
import { ProcurementModule } from './procurement/procurement.module.js';
import { ReferenceModule } from './reference/reference.module.js';
import { ReportingModule } from './reporting/reporting.module.js';
import { SituationModule } from './situation/situation.module.js';
import { StockModule } from './stock/stock.module.js';
import { WarehouseModule } from './warehouse/warehouse.module.js';
import { ScreensModule } from './screens/screens.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { RUN_PROJECTIONS } from './projections/projections.service.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Takes the caller's `X-Correlation-Id` when it is sane, else makes one; echoed on the response. */
const correlationIdOf = (header: string | string[] | undefined): string => (typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID());

export interface AppModuleOptions {
  readonly config: AppConfig;
  /** The PostgreSQL the service uses: the configured one, or the embedded one main.ts started. */
  readonly databaseUrl: string;
  /** False for tools that need the modules but must not follow the log (e.g. a rebuild). */
  readonly runProjections?: boolean;
  /** The deadlines of every PostgreSQL connection; by default the configured ones (see `deadlinesOf`). */
  readonly deadlines?: PoolDeadlines;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, runProjections = true, deadlines = deadlinesOf(config) }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: (req, res) => {
              const id = correlationIdOf(req.headers['x-correlation-id']);
              res.setHeader('X-Correlation-Id', id);
              return id;
            },
            customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
            // Tokens never reach the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging: { ignore: (req) => req.url === '/api/health' },
          },
        }),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          autoLoadEntities: true,
          migrations: MIGRATIONS,
          migrationsTableName: 'schema_migrations',
          migrationsRun: false,
          synchronize: false,
          extra: poolOptions(config.DB_POOL_SIZE, deadlines),
        }),
        CqrsModule.forRoot(),
        TerminusModule,
        EventStoreModule.forRoot({
          databaseUrl,
          eventStoreDbUrl: config.EVENTSTORE_CONNECTION_STRING,
          eventStoreDbDeadlineMs: config.EVENTSTORE_DEADLINE_MS,
          poolSize: config.DB_POOL_SIZE,
          deadlines,
        }),
        ProjectionsModule,
        ReferenceModule,
        AuthModule,
        ReportingModule,
        ProcurementModule,
        WarehouseModule,
        DeliveriesModule,
        StockModule,
        AllocationModule,
        NationalRequestsModule,
        SituationModule,
        AuditModule,
        ScreensModule.register(),
        // Benchmark baselines, only with BENCH_ROUTES=true (never in production; see the config).
        ...(config.BENCH_ROUTES ? [BenchRoutesModule.register()] : []),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUN_PROJECTIONS, useValue: runProjections },
        { provide: POOL_DEADLINES, useValue: deadlines },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [APP_CONFIG, RUN_PROJECTIONS, POOL_DEADLINES],
    };
  }
}
