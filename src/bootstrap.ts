import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { migrate } from './database/data-source.js';
import { flattenValidationErrors, ValidationFailedException } from './http/problem-details.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';

/**
 * Builds the HTTP application on a database that exists: migrates it, wires validation, problem
 * details and OpenAPI. Shared by `main.ts` and the end-to-end tests, so tests run the real thing.
 */
export const createApp = async (config: AppConfig, databaseUrl: string): Promise<INestApplication> => {
  await migrate(databaseUrl);
  const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl }), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
    }),
  );
  const openApi = new DocumentBuilder()
    .setTitle('ppe-ledger')
    .setDescription(
      'Protective equipment for a county: situation reports, purchases, warehouse stock, allocation decisions and ' +
        'deliveries, each an event. Writes answer the log `position` of their last event; reads accept ' +
        '`?waitFor=<position>`. Errors are RFC 9457 problem details.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
  });
  return app;
};
