import { isIP } from 'node:net';
import type { AppConfig } from '../config/config.js';

/**
 * How people sign in to the screens. With an identity provider (AUTH_JWKS_URL), by OpenID Connect:
 * the browser runs the authorization code flow with PKCE against AUTH_ISSUER and sends the access
 * token it gets. Without one, the service signs its own tokens; then, and only while it listens on a
 * loopback address, a local sign-in page hands out a token for a chosen role and scope. That page is
 * for trying the service on one's own machine: anyone who can reach it can be anyone.
 */

/** Whether the address only this machine can reach: 127.0.0.0/8, ::1, or the name localhost. */
export const isLoopback = (host: string): boolean => {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
};

/** The local sign-in page is on: no identity provider is configured and the service listens on loopback only. */
export const localSignInAllowed = (config: AppConfig): boolean => !config.AUTH_JWKS_URL && isLoopback(config.HOST);

/** Where the browser may fetch from besides the service: the identity provider's endpoints (discovery, token, keys). */
export const identityProviderOrigins = (config: AppConfig): string[] => {
  if (!config.AUTH_JWKS_URL) return [];
  const origins = new Set<string>([new URL(config.AUTH_JWKS_URL).origin]);
  if (URL.canParse(config.AUTH_ISSUER)) origins.add(new URL(config.AUTH_ISSUER).origin);
  return [...origins];
};
