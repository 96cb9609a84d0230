import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LogBehindCheck } from './log-behind-check.js';
import { ProjectionsService } from './projections.service.js';
import { ReactionsService } from './reaction.js';
import { StreamCatalogProjection } from './stream-catalog.projector.js';
import { WaitForInterceptor } from './wait-for.js';

@Global()
@Module({
  providers: [ProjectionsService, ReactionsService, LogBehindCheck, { provide: APP_INTERCEPTOR, useClass: WaitForInterceptor }],
  exports: [ProjectionsService, ReactionsService, LogBehindCheck],
})
export class ProjectionsModule implements OnModuleInit {
  constructor(private readonly projections: ProjectionsService) {}

  onModuleInit(): void {
    this.projections.register(new StreamCatalogProjection());
  }
}
