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
import { type Language, messageOf, negotiateLanguage, titleOf } from './messages.js';
import { type FieldError, type FieldFault, type ProblemDetails, problemType, ValidationFailedException } from './problem-details.js';

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

/** A problem before it is put in words: the filter words it in the caller's language. */
interface Problem {
  status: number;
  /** Stable machine code; also picks the title and, unless `detail` is given, the detail. */
  code: string;
  /** The last part of the problem `type`. */
  slug: string;
  /** Parameters of the catalogue's texts. */
  parameters?: Record<string, unknown>;
  /** The English detail of this very case, where the code knows more than the catalogue's text. */
  detail?: string;
  faults?: FieldFault[];
  /** A domain error that names a field: one field error with the problem's own code. */
  field?: { field: string; suggestion?: string };
  extensions?: Record<string, unknown>;
}

/** The problem as sent: in the caller's language (English, or Swedish with `Accept-Language: sv`). */
const word = (problem: Problem, language: Language): ProblemDetails => {
  const parameters = problem.parameters ?? {};
  const detail = language === 'en' && problem.detail !== undefined ? problem.detail : messageOf(language, problem.code, parameters);
  const errors: FieldError[] | undefined = problem.faults
    ? problem.faults.map((fault) => ({
        field: fault.field,
        code: fault.code,
        message: language === 'en' && fault.ownMessage !== undefined ? fault.ownMessage : messageOf(language, fault.code, fault.parameters),
        ...(typeof fault.parameters.suggestion === 'string' ? { suggestion: fault.parameters.suggestion } : {}),
      }))
    : problem.field
      ? [{ field: problem.field.field, code: problem.code, message: detail, ...(problem.field.suggestion ? { suggestion: problem.field.suggestion } : {}) }]
      : undefined;
  return {
    type: problemType(problem.slug),
    title: titleOf(language, problem.code),
    status: problem.status,
    detail,
    code: problem.code,
    ...problem.extensions,
    ...(errors ? { errors } : {}),
  };
};

/**
 * Sends a problem in the request's language, with its path and correlation id: for the filter and
 * for what answers before Nest does (the rate limiter).
 */
export const sendProblem = (request: Request & { id?: unknown }, response: Response, problem: Problem): ProblemDetails => {
  const language = negotiateLanguage(request.headers['accept-language']);
  const body = word(problem, language);
  body.instance = request.originalUrl?.split('?')[0];
  body.correlationId = request.id === undefined ? undefined : String(request.id as string);
  if (body.status === 503) response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  if (body.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
  if (!response.headersSent) {
    response.setHeader('Content-Language', language);
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
  return body;
};

/** The code of an HTTP status Nest or Express answered by itself. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'REQUEST.BAD_REQUEST',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'REQUEST.NOT_FOUND',
  413: 'REQUEST.BODY_TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST.RATE_LIMITED',
  503: 'SERVICE.UNAVAILABLE',
};

/**
 * The one place errors become responses: RFC 9457 problem details with the request's correlation
 * id and a stable code, worded from the message catalogue in the caller's language. Nothing internal
 * (stack, SQL, driver message) ever reaches the client; 5xx are logged.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, correlationId: request.id === undefined ? undefined : String(request.id) }, titleOf('en', problem.code));
    }
    sendProblem(request, response, problem);
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof ValidationFailedException) {
      const fields = [...new Set(exception.fieldFaults.map((e) => e.field))];
      return {
        slug: 'validation',
        code: 'REQUEST.INVALID',
        status: 400,
        parameters: { count: fields.length, fields: fields.join(', ') },
        faults: exception.fieldFaults,
      };
    }
    if (exception instanceof ProjectionLaggingException) {
      return {
        slug: 'projection-lagging',
        code: 'PROJECTION.LAGGING',
        status: 503,
        parameters: { waitFor: exception.waitFor },
        extensions: { waitFor: exception.waitFor, projections: exception.projections },
      };
    }
    if (exception instanceof DomainError) {
      const field = exception.details?.field;
      const suggestion = exception.details?.suggestion;
      return {
        slug: exception.code.toLowerCase().replace(/[._]/g, '-'),
        code: exception.code,
        status: KIND_STATUS[exception.kind],
        parameters: { ...exception.details },
        detail: exception.message,
        ...(exception.details ? { extensions: { details: exception.details } } : {}),
        ...(typeof field === 'string' ? { field: { field, ...(typeof suggestion === 'string' ? { suggestion } : {}) } } : {}),
      };
    }
    if (exception instanceof WrongExpectedVersionError) {
      return { slug: 'concurrent-change', code: exception.code, status: 409 };
    }
    if (exception instanceof StreamNotFoundError) {
      return { slug: 'not-found', code: 'REQUEST.NOT_FOUND', status: 404 };
    }
    if (exception instanceof InvalidEventError) {
      // The request passed validation but produced an event its schema refuses: a bug, not bad input.
      return { slug: 'internal', code: exception.code, status: 500 };
    }
    if (exception instanceof EventStoreOutcomeUnknownError) {
      return { slug: 'outcome-unknown', code: exception.code, status: 503 };
    }
    if (exception instanceof ExportsBusyError) {
      return { slug: 'exports-busy', code: exception.code, status: 503, detail: exception.message };
    }
    if (exception instanceof LogBehindReadModelsError) {
      return { slug: 'log-behind-read-models', code: exception.code, status: 503 };
    }
    if (exception instanceof EventStoreUnavailableError || isDatabaseUnavailable(exception)) {
      return { slug: 'unavailable', code: 'SERVICE.UNAVAILABLE', status: 503 };
    }
    // body-parser's errors (malformed JSON, wrong charset, body too large), whether Nest wrapped them or not.
    const parserError = ((exception as { cause?: unknown })?.cause ?? exception) as {
      type?: string;
      status?: number;
      expose?: boolean;
      message?: string;
    };
    if (typeof parserError?.type === 'string' && parserError.type.startsWith('entity.') && (parserError.status ?? 500) < 500) {
      const tooLarge = parserError.type === 'entity.too.large';
      return {
        slug: tooLarge ? 'body-too-large' : 'malformed-body',
        code: tooLarge ? 'REQUEST.BODY_TOO_LARGE' : 'REQUEST.MALFORMED_BODY',
        status: parserError.status!,
        // The parser's own words say which charset or encoding it refused; JSON and size say it in the catalogue.
        ...(tooLarge || parserError.type === 'entity.parse.failed' ? {} : { detail: parserError.message }),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Nest's message is text or a list of texts (validation); a list reads joined with commas.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      return {
        slug: status === 404 ? 'not-found' : status >= 500 ? 'internal' : 'request-refused',
        code: STATUS_CODES[status] ?? (status >= 500 ? 'SERVICE.INTERNAL' : 'REQUEST.FAILED'),
        status,
        detail: Array.isArray(detail) ? detail.join('; ') : detail,
      };
    }
    return { slug: 'internal', code: 'SERVICE.INTERNAL', status: 500 };
  }
}
