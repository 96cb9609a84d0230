import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { AppConfig } from '../config/config.js';
import { sendProblem } from './problem-details.filter.js';

const MINUTE = 60_000;

const tooMany = (scope: string) => (request: Request, response: Response) => {
  sendProblem(request, response, {
    slug: 'rate-limited',
    code: 'REQUEST.RATE_LIMITED',
    status: 429,
    detail: `Too many requests from this ${scope}; wait as Retry-After says.`,
  });
};

/**
 * Two limits per minute: per client address, and per caller — keyed by the bearer token itself, so
 * the limit holds before the token is verified and one user's burst does not spend another's. In
 * memory, per instance: with several instances behind a balancer the effective limit is the sum.
 * Health checks are never limited.
 */
export const rateLimits = (config: AppConfig) => {
  const common = {
    windowMs: MINUTE,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    skip: (request: Request) => request.path === '/api/health',
  };
  return [
    rateLimit({
      ...common,
      limit: config.RATE_LIMIT_PER_ADDRESS,
      keyGenerator: (request) => ipKeyGenerator(request.ip ?? ''),
      handler: tooMany('address'),
    }),
    rateLimit({
      ...common,
      limit: config.RATE_LIMIT_PER_USER,
      keyGenerator: (request) => {
        const authorization = request.headers.authorization;
        return typeof authorization === 'string'
          ? `token:${createHash('sha256').update(authorization).digest('base64url')}`
          : `address:${ipKeyGenerator(request.ip ?? '')}`;
      },
      handler: tooMany('caller'),
    }),
  ];
};
