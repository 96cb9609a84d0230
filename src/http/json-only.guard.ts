import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../shared/domain-error.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Writes take JSON only. Without this, a body in another content type is simply not parsed and
 * the request fails validation with a misleading list of "missing" fields; 415 says what is wrong.
 */
@Injectable()
export class JsonOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!WRITES.has(request.method)) return true;
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return true;
    throw new DomainError(
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      `send the body as application/json, not ${type || 'an unnamed type'}`,
      'unsupported-media-type',
    );
  }
}
