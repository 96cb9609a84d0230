import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../shared/domain-error.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH']);
/** Keys that can reach an object's prototype when a body is merged or copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 12;

/** The path of the first forbidden key or too-deep value in a parsed body, or undefined. */
const hostilePath = (value: unknown, path: string, depth: number): { field: string; why: string } | undefined => {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return { field: path || '(body)', why: `nests deeper than ${MAX_DEPTH} levels` };
  for (const key of Object.keys(value)) {
    const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) return { field, why: `the key ${key} is not allowed` };
    const found = hostilePath((value as Record<string, unknown>)[key], field, depth + 1);
    if (found) return found;
  }
  return undefined;
};

/**
 * Writes take JSON only. Without this, a body in another content type is simply not parsed and
 * the request fails validation with a misleading list of "missing" fields; 415 says what is wrong.
 * A JSON body with prototype keys (`__proto__`, `constructor`, `prototype`) or absurd nesting is
 * refused outright rather than silently stripped: someone is probing.
 */
@Injectable()
export class JsonOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!WRITES.has(request.method)) return true;
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) {
      const hostile = hostilePath(request.body, '', 0);
      if (hostile) throw new DomainError('REQUEST.HOSTILE_BODY', `${hostile.field}: ${hostile.why}`, 'invalid', { field: hostile.field });
      return true;
    }
    throw new DomainError(
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      `send the body as application/json, not ${type || 'an unnamed type'}`,
      'unsupported-media-type',
    );
  }
}
