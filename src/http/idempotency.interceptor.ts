import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { DomainError } from '../shared/domain-error.js';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;
const WAIT_FOR_TWIN_MS = 10_000;

/** Stable JSON: object keys sorted, so the same body always hashes the same. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value) ?? 'null';

/**
 * `Idempotency-Key` on writes. The first request with a key runs and its answer is kept; a retry
 * with the same key and the same request (method, path, body) gets that answer again and writes
 * nothing; the same key with another request is refused (422). A twin arriving while the first is
 * still running waits for its answer. A request that fails keeps nothing, so it can be retried.
 * Keys belong to the caller (token subject): two users cannot collide.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return next.handle();
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new DomainError('REQUEST.BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–200 of A–Z a–z 0–9 . _ : -', 'invalid', {
        field: 'Idempotency-Key',
      });
    }
    const actor = request.actor.sub;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonical(request.body ?? null)}`)
      .digest('hex');

    return from(this.claim(actor, key, hash)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          response.status(claim.status).setHeader('Idempotent-Replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          mergeMap(async (body) => {
            await this.dataSource.query(
              `UPDATE idempotency_records SET state = 'done', status = $3, body = $4, completed_at = now()
                WHERE actor = $1 AND key = $2`,
              [actor, key, response.statusCode, JSON.stringify(body ?? null)],
            );
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.dataSource
              .query(`DELETE FROM idempotency_records WHERE actor = $1 AND key = $2 AND state = 'pending'`, [actor, key])
              .catch(() => undefined);
            throw error;
          }),
        );
      }),
    );
  }

  private async claim(
    actor: string,
    key: string,
    hash: string,
  ): Promise<{ kind: 'run' } | { kind: 'replay'; status: number; body: unknown }> {
    const deadline = Date.now() + WAIT_FOR_TWIN_MS;
    for (;;) {
      // A claim still pending after the twin's whole wait is abandoned: its request lost the
      // database (or its process) before it could record an answer or let go of the key. Taking it
      // over is safe: event ids derive from the key, so if that request did write, this one writes
      // nothing more.
      const inserted = await this.dataSource.query(
        `INSERT INTO idempotency_records AS r (actor, key, request_hash, state) VALUES ($1, $2, $3, 'pending')
         ON CONFLICT (actor, key) DO UPDATE SET created_at = now()
           WHERE r.state = 'pending' AND r.request_hash = excluded.request_hash
             AND r.created_at < now() - make_interval(secs => $4)
         RETURNING key`,
        [actor, key, hash, WAIT_FOR_TWIN_MS / 1000],
      );
      if (inserted.length > 0) return { kind: 'run' };
      const [record] = await this.dataSource.query(
        'SELECT request_hash, state, status, body FROM idempotency_records WHERE actor = $1 AND key = $2',
        [actor, key],
      );
      if (!record) continue; // the first attempt failed and let go of the key: run
      if (record.request_hash !== hash) {
        throw new DomainError(
          'REQUEST.IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request; use a new key for a new request.',
          'unprocessable',
        );
      }
      if (record.state === 'done') return { kind: 'replay', status: record.status, body: record.body };
      if (Date.now() > deadline) {
        throw new DomainError('REQUEST.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed.', 'rule');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
