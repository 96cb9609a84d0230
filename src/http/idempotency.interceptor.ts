import { createHash } from 'node:crypto';
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  type OnModuleDestroy,
  type OnModuleInit,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InvalidEventError, StreamNotFoundError, WrongExpectedVersionError } from '../event-store/errors.js';
import type { Actor } from '../shared/actor.js';
import type { IdempotentRequest } from '../shared/command-context.js';
import { DomainError } from '../shared/domain-error.js';
import type { AuthenticatedRequest } from './authenticated-request.js';
import { ValidationFailedException } from './problem-details.js';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;
const WAIT_FOR_TWIN_MS = 10_000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
const READ_ONLY = Symbol('idempotency:read-only');

/**
 * Marks a POST that writes nothing (a what-if): its answers are not kept, whatever key it carries,
 * so they neither fill the table nor hold a key.
 */
export const ReadOnlyPost = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(READ_ONLY, true), ApiExtension(WRITES_NOTHING, true));

/** The OpenAPI extension that tells the document a POST writes nothing (no key, no conflicts). */
export const WRITES_NOTHING = 'x-writes-nothing';

/** The keyed request as the interceptor admitted it; the command context takes it from here. */
export type IdempotentHttpRequest = AuthenticatedRequest & { idempotency?: IdempotentRequest };

/** Stable JSON: object keys sorted, so the same body always hashes the same. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : (JSON.stringify(value) ?? 'null');

/** What a token may reach: a replayed answer is only handed to a caller with the same reach. */
const scopeOf = (actor: Actor): string => `${actor.role}|${actor.county ?? ''}|${actor.municipality ?? ''}`;

/**
 * Errors that are known to come before anything was written: the request was refused (bad input,
 * a rule, no access, a concurrent change), so its key can be let go of. Anything else — a store or
 * database that did not answer, a crash — leaves the outcome unknown.
 */
const nothingWritten = (error: unknown): boolean =>
  error instanceof DomainError ||
  error instanceof ValidationFailedException ||
  error instanceof WrongExpectedVersionError ||
  error instanceof StreamNotFoundError ||
  error instanceof InvalidEventError ||
  (error instanceof HttpException && error.getStatus() < 500);

/** A row of idempotency_records as the claim reads it. */
interface IdempotencyRecordRow {
  readonly request_hash: string;
  readonly state: 'pending' | 'done' | 'uncertain';
  readonly status: number;
  readonly body: unknown;
  readonly scope: string;
}

type Claim =
  | { readonly kind: 'run'; readonly mayHaveWritten: boolean; readonly record: boolean }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown };

/**
 * `Idempotency-Key` on writes. Keys belong to the caller (token subject): two users with one key
 * never meet, here or in the log (every id a command derives includes the caller; see
 * `IdempotentRequest`). The first request with a key runs and its answer is kept; a retry with the
 * same key and the same request (method, path, body) gets that answer again and writes nothing; the
 * same key with another request is refused (422). A twin arriving while the first is still running
 * waits for its answer.
 *
 * A request refused before writing lets go of its key. One that ended without a known outcome (the
 * store did not answer in time, the process died) keeps it as `uncertain`: the retry runs, finds
 * the events the first attempt may have written, and answers those instead of writing again.
 * A replayed answer is handed only to a caller with the same scope as the first; another scope's
 * retry runs again, through the handler's own checks. Records expire after
 * IDEMPOTENCY_RETENTION_HOURS, after which the key is free for a new request.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('idempotency');
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Deletes expired records; claims already treat them as absent, this only keeps the table small. */
  async sweep(): Promise<number> {
    try {
      const [, deleted] = await this.dataSource.query<[unknown, number | undefined]>(
        'DELETE FROM idempotency_records WHERE created_at < now() - make_interval(hours => $1)',
        [this.config.IDEMPOTENCY_RETENTION_HOURS],
      );
      return Number(deleted ?? 0);
    } catch (error) {
      this.logger.warn({ err: error }, 'expired idempotency records not swept; next hour again');
      return 0;
    }
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IdempotentHttpRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return next.handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new DomainError('REQUEST.BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–200 of A–Z a–z 0–9 . _ : -', 'invalid', {
        field: 'Idempotency-Key',
      });
    }
    if (this.reflector.getAllAndOverride<boolean>(READ_ONLY, [context.getHandler(), context.getClass()])) return next.handle();
    const actor = request.actor.sub;
    const scope = scopeOf(request.actor);
    const hash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonical(request.body ?? null)}`)
      .digest('hex');

    return from(this.claim(actor, key, hash, scope)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          response.status(claim.status).setHeader('Idempotent-Replayed', 'true');
          return of(claim.body);
        }
        request.idempotency = { key, request: hash, mayHaveWritten: claim.mayHaveWritten };
        if (!claim.record) return next.handle();
        let answered = false;
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            answered = true;
            await this.dataSource
              .query(
                `UPDATE idempotency_records SET state = 'done', status = $3, body = $4, completed_at = now()
                  WHERE actor = $1 AND key = $2`,
                [actor, key, response.statusCode, JSON.stringify(body ?? null)],
              )
              .catch((error: unknown) => {
                // The command is recorded; only its answer is not kept. A retry finds the record
                // still pending, takes it over once abandoned, and recognises the events.
                this.logger.warn({ err: error, key }, 'answer not kept for this Idempotency-Key');
              });
            return body;
          }),
          catchError(async (error: unknown) => {
            if (!answered) await this.release(actor, key, nothingWritten(error));
            throw error;
          }),
        );
      }),
    );
  }

  /** After a failed attempt: let go of the key if nothing was written, else mark it uncertain. */
  private async release(actor: string, key: string, nothingWasWritten: boolean): Promise<void> {
    const sql = nothingWasWritten
      ? `DELETE FROM idempotency_records WHERE actor = $1 AND key = $2 AND state = 'pending'`
      : `UPDATE idempotency_records SET state = 'uncertain' WHERE actor = $1 AND key = $2 AND state = 'pending'`;
    // If this fails too, the record stays pending and is taken over (as uncertain) once abandoned.
    await this.dataSource.query(sql, [actor, key]).catch(() => undefined);
  }

  private async claim(actor: string, key: string, hash: string, scope: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_FOR_TWIN_MS;
    for (;;) {
      // Taken over: a record whose attempt ended uncertain; one still pending after the twin's whole
      // wait (its request lost the database or its process before it could finish); an expired one.
      // The first two may have written, so the command looks for its events before deciding.
      const [taken] = await this.dataSource.query<{ taken_over: boolean }[]>(
        `INSERT INTO idempotency_records AS r (actor, key, request_hash, state, scope) VALUES ($1, $2, $3, 'pending', $5)
         ON CONFLICT (actor, key) DO UPDATE
           SET created_at = now(), state = 'pending', request_hash = excluded.request_hash, scope = excluded.scope,
               status = NULL, body = NULL, completed_at = NULL
           WHERE (r.request_hash = excluded.request_hash
                   AND (r.state = 'uncertain' OR (r.state = 'pending' AND r.created_at < now() - make_interval(secs => $4))))
              OR r.created_at < now() - make_interval(hours => $6)
         RETURNING (xmax <> 0) AS taken_over`,
        [actor, key, hash, WAIT_FOR_TWIN_MS / 1000, scope, this.config.IDEMPOTENCY_RETENTION_HOURS],
      );
      if (taken) return { kind: 'run', mayHaveWritten: taken.taken_over === true, record: true };
      const [record] = await this.dataSource.query<IdempotencyRecordRow[]>(
        'SELECT request_hash, state, status, body, scope FROM idempotency_records WHERE actor = $1 AND key = $2',
        [actor, key],
      );
      if (!record) continue; // the first attempt was refused and let go of the key: run
      if (record.request_hash !== hash) {
        throw new DomainError(
          'REQUEST.IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request; use a new key for a new request.',
          'unprocessable',
        );
      }
      if (record.state === 'done') {
        // Another scope (same user, another token) may not be handed the answer: the command runs
        // again under this caller's checks, finds its events if allowed, and keeps the first answer.
        // (Records kept before scopes were recorded have none; they are answered as before.)
        if (record.scope !== scope && record.scope !== '') return { kind: 'run', mayHaveWritten: true, record: false };
        return { kind: 'replay', status: record.status, body: record.body };
      }
      if (Date.now() > deadline) {
        throw new DomainError('REQUEST.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed.', 'rule');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
