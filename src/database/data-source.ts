import { DataSource, type DataSourceOptions } from 'typeorm';
import { DEFAULT_DEADLINES, maintenanceDeadlines, poolOptions, type PoolDeadlines } from './pool-options.js';
import { EventLog1732300000000 } from './migrations/1732300000000-event-log.js';
import { Idempotency1732400000000 } from './migrations/1732400000000-idempotency.js';
import { WarehouseReadModels1732500000000 } from './migrations/1732500000000-warehouse-read-models.js';
import { DeliveryReadModels1732600000000 } from './migrations/1732600000000-delivery-read-models.js';
import { ReportingReadModels1732700000000 } from './migrations/1732700000000-reporting-read-models.js';
import { AllocationReadModels1732800000000 } from './migrations/1732800000000-allocation-read-models.js';
import { AuditReadModels1732900000000 } from './migrations/1732900000000-audit-read-models.js';
import { LogPositionOffset1733000000000 } from './migrations/1733000000000-log-position-offset.js';
import { StockReadPaths1733100000000 } from './migrations/1733100000000-stock-read-paths.js';
import { IdempotencyScope1733200000000 } from './migrations/1733200000000-idempotency-scope.js';
import { PurchasesReadModel1733300000000 } from './migrations/1733300000000-purchases-read-model.js';

/** Every migration, in order. Schema changes only ever happen here: `synchronize` stays off. */
export const MIGRATIONS = [
  EventLog1732300000000,
  Idempotency1732400000000,
  WarehouseReadModels1732500000000,
  DeliveryReadModels1732600000000,
  ReportingReadModels1732700000000,
  AllocationReadModels1732800000000,
  AuditReadModels1732900000000,
  LogPositionOffset1733000000000,
  StockReadPaths1733100000000,
  IdempotencyScope1733200000000,
  PurchasesReadModel1733300000000,
];

export const createDataSource = (
  url: string,
  options: { entities?: DataSourceOptions['entities']; poolSize?: number; deadlines?: PoolDeadlines } = {},
): DataSource =>
  new DataSource({
    type: 'postgres',
    url,
    entities: options.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: poolOptions(options.poolSize ?? 10, options.deadlines ?? DEFAULT_DEADLINES),
  });

/**
 * Applies pending migrations and aligns log positions with this server; safe to call from several
 * processes at once (TypeORM locks; the alignment only ever moves forward).
 */
export const migrate = async (url: string): Promise<void> => {
  // No statement timeout: a migration may build an index over a large table.
  const dataSource = createDataSource(url, { poolSize: 1, deadlines: maintenanceDeadlines(DEFAULT_DEADLINES) });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    // A log restored from another server may be ahead of this server's transaction ids.
    await dataSource.query('SELECT ppe_align_log_offset()');
  } finally {
    await dataSource.destroy();
  }
};
