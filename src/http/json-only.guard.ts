import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../shared/domain-error.js';
import { whyUnstorable } from './request-fields.js';

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
 * The path of the first string, or object key, anywhere in a parsed body, query or path parameters
 * that holds text no field may hold. Depth is already bounded: the body by `hostilePath`, the query
 * by its parser.
 */
export const badTextPath = (value: unknown, path: string): { field: string; why: string } | undefined => {
  if (typeof value === 'string') {
    const why = whyUnstorable(value);
    return why ? { field: path || '(body)', why } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const why = Array.isArray(value) ? undefined : whyUnstorable(key);
    if (why) return { field, why: `its name ${why}` };
    const found = badTextPath((value as Record<string, unknown>)[key], field);
    if (found) return found;
  }
  return undefined;
};

const refuseBadText = (value: unknown): void => {
  const bad = badTextPath(value, '');
  if (bad) throw new DomainError('REQUEST.INVALID_TEXT', `${bad.field} ${bad.why}`, 'invalid', { field: bad.field });
};

/**
 * Writes take JSON only. Without this, a body in another content type is simply not parsed and
 * the request fails validation with a misleading list of "missing" fields; 415 says what is wrong.
 * A JSON body with prototype keys (`__proto__`, `constructor`, `prototype`) or absurd nesting is
 * refused outright rather than silently stripped: someone is probing. Text no field may hold (a NUL,
 * a lone surrogate) is refused in the path, the query and the body of every route, naming the field
 * (400 REQUEST.INVALID_TEXT).
 */
@Injectable()
export class JsonOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    // Every text of every route, checked here once rather than field by field, so none is forgotten.
    refuseBadText(request.params);
    refuseBadText(request.query);
    if (!WRITES.has(request.method)) return true;
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return true;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) {
      const hostile = hostilePath(request.body, '', 0);
      if (hostile) throw new DomainError('REQUEST.HOSTILE_BODY', `${hostile.field}: ${hostile.why}`, 'invalid', { field: hostile.field });
      refuseBadText(request.body);
      return true;
    }
    throw new DomainError('REQUEST.UNSUPPORTED_MEDIA_TYPE', `send the body as application/json, not ${type || 'an unnamed type'}`, 'unsupported-media-type');
  }
}
