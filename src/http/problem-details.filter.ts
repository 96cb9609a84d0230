import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  EventStoreOutcomeUnknownError,
  EventStoreUnavailableError,
  InvalidEventError,
  LogBehindReadModelsError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../event-store/errors.js';
import { isDatabaseUnavailable } from '../database/unavailable.js';
import { DomainError } from '../shared/domain-error.js';
import { ExportsBusyError } from './export-limits.js';
import { type ProblemDetails, problemType, ValidationFailedException } from './problem-details.js';

const KIND_STATUS = {
  rule: 409,
  'not-found': 404,
  forbidden: 403,
  unauthenticated: 401,
  invalid: 400,
  unprocessable: 422,
  'unsupported-media-type': 415,
} as const;
const RETRY_AFTER_SECONDS = '5';

/** Thrown where a read's projection did not reach the position asked for in time. */
export class ProjectionLaggingException extends HttpException {
  constructor(
    readonly waitFor: string,
    readonly projections: Record<string, string>,
  ) {
    super('The read model has not reached the requested position yet.', HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/**
 * The one place errors become responses: RFC 9457 problem details with the request's correlation
 * id. Nothing internal (stack, SQL, driver message) ever reaches the client; 5xx are logged.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    problem.correlationId = request.id === undefined ? undefined : String(request.id);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, correlationId: problem.correlationId }, problem.title);
    }
    if (problem.status === 503) response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    if (response.headersSent) return;
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ValidationFailedException) {
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: `${exception.fieldErrors.length} field(s) are invalid: ${[...new Set(exception.fieldErrors.map((e) => e.field))].join(', ')}`,
        errors: exception.fieldErrors,
      };
    }
    if (exception instanceof ProjectionLaggingException) {
      return {
        type: problemType('projection-lagging'),
        title: 'Read model not caught up',
        status: 503,
        detail: `Waited for position ${exception.waitFor}; try again shortly.`,
        waitFor: exception.waitFor,
        projections: exception.projections,
      };
    }
    if (exception instanceof DomainError) {
      const field = exception.kind === 'invalid' ? exception.details?.field : undefined;
      return {
        type: problemType(exception.code.toLowerCase().replace(/[._]/g, '-')),
        title: exception.code,
        status: KIND_STATUS[exception.kind],
        detail: exception.message,
        code: exception.code,
        ...(exception.details ? { details: exception.details } : {}),
        ...(typeof field === 'string' ? { errors: [{ field, message: exception.message }] } : {}),
      };
    }
    if (exception instanceof WrongExpectedVersionError) {
      return {
        type: problemType('concurrent-change'),
        title: 'Concurrent change',
        status: 409,
        detail: 'The record changed while this request was decided. Read it again and retry.',
        code: exception.code,
      };
    }
    if (exception instanceof StreamNotFoundError) {
      return { type: problemType('not-found'), title: 'Not found', status: 404, detail: 'No such record.' };
    }
    if (exception instanceof InvalidEventError) {
      // The request passed validation but produced an event its schema refuses: a bug, not bad input.
      return { type: problemType('internal'), title: 'Internal error', status: 500, detail: 'The request could not be recorded.' };
    }
    if (exception instanceof EventStoreOutcomeUnknownError) {
      return {
        type: problemType('outcome-unknown'),
        title: 'Outcome unknown',
        status: 503,
        detail:
          'The event store did not answer in time, so this request may or may not have been recorded. ' +
          'Send it again with the same Idempotency-Key: it will be recorded once.',
        code: exception.code,
      };
    }
    if (exception instanceof ExportsBusyError) {
      return { type: problemType('exports-busy'), title: 'Too many exports', status: 503, detail: exception.message, code: exception.code };
    }
    if (exception instanceof LogBehindReadModelsError) {
      return {
        type: problemType('log-behind-read-models'),
        title: 'Event log behind the read models',
        status: 503,
        detail:
          'The event log is behind the read models: it was restored to an older state or replaced. Nothing was ' +
          'written, and reads cannot wait for a position. An operator must rebuild the read models from the ' +
          'restored log (npm run projections:rebuild); the service then recovers by itself.',
        code: exception.code,
      };
    }
    if (exception instanceof EventStoreUnavailableError || isDatabaseUnavailable(exception)) {
      return {
        type: problemType('unavailable'),
        title: 'Service unavailable',
        status: 503,
        detail: 'The event store or database is unavailable. Nothing was written; retry later.',
      };
    }
    // body-parser's errors (malformed JSON, wrong charset, body too large), whether Nest wrapped them or not.
    const parserError = ((exception as { cause?: unknown })?.cause ?? exception) as {
      type?: string;
      status?: number;
      expose?: boolean;
      message?: string;
    };
    if (typeof parserError?.type === 'string' && parserError.type.startsWith('entity.') && (parserError.status ?? 500) < 500) {
      return {
        type: problemType(parserError.type === 'entity.too.large' ? 'body-too-large' : 'malformed-body'),
        title: parserError.status === 413 ? 'Body too large' : 'Malformed body',
        status: parserError.status!,
        detail: parserError.type === 'entity.parse.failed' ? 'The body is not valid JSON.' : parserError.message,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Nest's message is text or a list of texts (validation); a list reads joined with commas.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      return {
        type: status === 404 ? problemType('not-found') : 'about:blank',
        title:
          HttpStatus[status]
            ?.toString()
            .replace(/_/g, ' ')
            .toLowerCase()
            .replace(/^\w/, (c) => c.toUpperCase()) ?? 'Error',
        status,
        detail: Array.isArray(detail) ? detail.join('; ') : detail,
      };
    }
    return { type: problemType('internal'), title: 'Internal error', status: 500, detail: 'An unexpected error occurred.' };
  }
}
