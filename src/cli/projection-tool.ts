import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { migrate } from '../database/data-source.js';
import { deadlinesOf, maintenanceDeadlines } from '../database/pool-options.js';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../database/embedded-postgres.js';
import type { Projection } from '../projections/projection.js';
import { ProjectionsService } from '../projections/projections.service.js';

/**
 * What the projection tools share: the service's configuration and database (the running embedded
 * one when the service holds it), the application's modules without following the log, and the
 * projections named on the command line (all rebuildable ones when none are).
 */
export const withProjections = async (
  work: (app: INestApplicationContext, projections: Projection[], batchSize: number) => Promise<number | void>,
): Promise<void> => {
  try {
    const config = loadConfig();
    const embedded = config.DATABASE_URL ? undefined : ((await runningEmbeddedPostgres(config.dataDir)) ?? (await startEmbeddedPostgres(config.dataDir)));
    const databaseUrl = config.DATABASE_URL ?? embedded!.url;
    await migrate(databaseUrl);
    const app = await NestFactory.createApplicationContext(
      // A rebuild's index builds and a verify's table comparisons may run for minutes: no statement timeout.
      AppModule.forRoot({
        config: { ...config, LOG_LEVEL: 'warn' },
        databaseUrl,
        runProjections: false,
        deadlines: maintenanceDeadlines(deadlinesOf(config)),
      }),
      { logger: ['error', 'warn'] },
    );
    let exitCode = 0;
    try {
      const service = app.get(ProjectionsService);
      const rebuildable = service.projections.filter((p) => p.rebuildable !== false);
      const wanted = process.argv.slice(2);
      const unknown = wanted.filter((name) => !rebuildable.some((p) => p.name === name));
      if (unknown.length > 0) {
        throw new ConfigError(`unknown projection(s) ${unknown.join(', ')}; known: ${rebuildable.map((p) => p.name).join(', ')}`);
      }
      exitCode =
        (await work(
          app,
          rebuildable.filter((p) => wanted.length === 0 || wanted.includes(p.name)),
          service.batchSize,
        )) ?? 0;
    } finally {
      await app.close();
      await embedded?.stop();
    }
    process.exit(exitCode);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(1);
  }
};
