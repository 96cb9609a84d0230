import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ProjectionLaggingException } from '../http/problem-details.filter.js';
import { ValidationFailedException } from '../http/problem-details.js';
import { ProjectionsService } from './projections.service.js';
import { MAX_LOG_POSITION } from '../event-store/event-store.js';

const READS_FROM = Symbol('READS_FROM');
const POSITION = /^\d{1,19}$/;

/**
 * Marks a read route with the projections it reads, so `?waitFor=<position>` waits for exactly
 * those (bounded by WAIT_FOR_TIMEOUT_MS) before the handler runs: a client reads its own writes.
 */
export const ReadsFrom = (...projections: string[]) =>
  applyDecorators(
    SetMetadata(READS_FROM, projections),
    ApiQuery({
      name: 'waitFor',
      required: false,
      // A string, not an integer: positions run to 2^63-1, past what a JSON number holds exactly. No example: Swagger's
      // "Try it out" would send it, and a made-up position waits for nothing or for a position never reached.
      schema: { type: 'string', pattern: '^[0-9]{1,19}$' },
      description:
        'A log position (decimal string) returned by a write. The read waits until its read model has reached it; ' +
        '503 `projection-lagging` if it does not within a few seconds.',
    }),
  );

@Injectable()
export class WaitForInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly projections: ProjectionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const names = this.reflector.get<string[] | undefined>(READS_FROM, context.getHandler());
    const request = context.switchToHttp().getRequest<Request>();
    const raw = request.query?.waitFor;
    if (names === undefined || raw === undefined) return next.handle();
    if (typeof raw !== 'string' || !POSITION.test(raw) || BigInt(raw) > MAX_LOG_POSITION) {
      throw new ValidationFailedException([{ field: 'waitFor', code: 'FIELD.NOT_LOG_POSITION', parameters: { field: 'waitFor', max: MAX_LOG_POSITION } }]);
    }
    return from(this.projections.waitFor(BigInt(raw), names, this.config.WAIT_FOR_TIMEOUT_MS)).pipe(
      switchMap((behind) => {
        if (behind.length > 0) {
          const positions = Object.fromEntries(
            this.projections
              .status()
              .filter((s) => behind.includes(s.name))
              .map((s) => [s.name, s.position]),
          );
          throw new ProjectionLaggingException(raw, positions);
        }
        return next.handle();
      }),
    );
  }
}
