import path from 'node:path';
import { SignJWT, type CryptoKey } from 'jose';
import type { AppConfig } from '../config/config.js';
import type { Role } from '../shared/actor.js';
import { LOCAL_TOKEN_ALGORITHM } from './signing-key.js';

/*
 * Signing tokens with the local key, for `npm run token`, the demo and tests. Kept apart from the
 * token service (and so from Nest and the validators it loads), so the command answers at once.
 */

export const signingKeyFile = (config: AppConfig): string => config.AUTH_SIGNING_KEY_FILE ?? path.join(config.dataDir, 'signing-key.pem');

export interface TokenClaims {
  readonly sub: string;
  readonly name: string;
  readonly role: Role;
  readonly county?: string;
  readonly municipality?: string;
}

export const signToken = (key: CryptoKey, claims: TokenClaims, config: AppConfig, ttlSeconds: number): Promise<string> =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg: LOCAL_TOKEN_ALGORITHM, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(config.AUTH_ISSUER)
    .setAudience(config.AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
