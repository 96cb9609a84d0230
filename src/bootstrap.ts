import 'reflect-metadata';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { migrate } from './database/data-source.js';
import { flattenValidationErrors, ValidationFailedException } from './http/problem-details.js';
import { openApiDocument } from './openapi-document.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { rateLimits } from './http/rate-limits.js';
import { identityProviderOrigins } from './auth/sign-in.js';
import { screensAssets } from './screens/screens.module.js';

/**
 * Builds the HTTP application on a database that exists: migrates it, wires validation, problem
 * details and OpenAPI. Shared by `main.ts` and the end-to-end tests, so tests run the real thing.
 */
export const createApp = async (config: AppConfig, databaseUrl: string): Promise<INestApplication> => {
  await migrate(databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl }), {
    bufferLogs: true,
    bodyParser: false,
    cors: config.CORS_ORIGINS.length
      ? {
          origin: config.CORS_ORIGINS,
          methods: ['GET', 'POST'],
          allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id'],
          exposedHeaders: ['X-Correlation-Id', 'Idempotent-Replayed', 'Retry-After'],
          maxAge: 600,
        }
      : false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  app.useBodyParser('json', { limit: config.BODY_LIMIT_BYTES });
  // Security headers everywhere; the API docs page needs its inline script and styles.
  // The screens fetch from the identity provider too (discovery, token endpoint), when there is one.
  const strict = helmet({ contentSecurityPolicy: { directives: { connectSrc: ["'self'", ...identityProviderOrigins(config)] } } });
  const docs = helmet({ contentSecurityPolicy: false });
  app.use((req: { url: string }, res: unknown, next: () => void) => (req.url.startsWith('/api/docs') ? docs : strict)(req as never, res as never, next));
  app.use('/assets', screensAssets());
  // A missing script is a 404, not the app's page: a browser must never run HTML as JavaScript.
  app.use('/assets', (_req: unknown, res: { status(code: number): { end(): void } }) => res.status(404).end());
  for (const limit of rateLimits(config)) app.use(limit);
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // The field errors read the refused value (codes, suggestions) and the checked object's class (a check's
      // declared bounds); neither is ever sent as it is.
      validationError: { target: true, value: true },
      exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
    }),
  );
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
};
