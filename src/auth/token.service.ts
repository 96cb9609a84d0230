import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createRemoteJWKSet, exportJWK, importJWK, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { whyUnstorable } from '../http/request-fields.js';
import { ReferenceData } from '../reference/reference-data.js';
import { rememberAtMost } from '../shared/bounded-map.js';
import { COUNTY_SCOPED_ROLES, ROLES, type Actor, type Role } from '../shared/actor.js';
import { signingKeyFile, signToken, type TokenClaims } from './local-token.js';
import { loadSigningKey, LOCAL_TOKEN_ALGORITHM } from './signing-key.js';

/** A token that cannot be trusted; the message says why, without echoing the token. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** Verified tokens kept, and for how long at most: a key withdrawn from the JWKS stops working within this. */
const VERIFIED_CACHE_SIZE = 5000;
const VERIFIED_CACHE_MS = 60_000;
/** How far ahead of this server's clock a token's issuer's clock may be, in seconds. */
const CLOCK_SKEW_S = 60;
/** A claim naming a user or a code: text, and not an absurd amount of it. */
const MAX_CLAIM_LENGTH = 256;

/**
 * Verifies bearer tokens and turns them into actors. Tokens are signed either by the service's
 * local key (made on first start in DATA_DIR; `npm run token` signs with it) or, when AUTH_JWKS_URL
 * is set, by an OpenID Connect identity provider whose keys are fetched from that address.
 */
@Injectable()
export class TokenService implements OnModuleInit {
  private signingKey?: CryptoKey;
  private verificationKey?: CryptoKey;
  private jwks?: JWTVerifyGetKey;
  /**
   * Tokens that passed verification, by their exact text, with the actor they carry: a client sends
   * the same token with every request, and checking its signature again costs more of the thread
   * than a command's own work. An entry serves until the token expires or for a minute, whichever
   * comes first; a token that fails is never kept. Oldest entries go first.
   */
  private readonly verified = new Map<string, { actor: Actor; until: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reference: ReferenceData,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.AUTH_JWKS_URL) {
      this.jwks = createRemoteJWKSet(new URL(this.config.AUTH_JWKS_URL));
      return;
    }
    this.signingKey = await loadSigningKey(signingKeyFile(this.config), true);
    const { d: _private, ...publicJwk } = await exportJWK(this.signingKey);
    this.verificationKey = (await importJWK(publicJwk, LOCAL_TOKEN_ALGORITHM)) as CryptoKey;
  }

  /** Signs a token with the local key (local use and tests). */
  async sign(claims: TokenClaims, ttlSeconds = 8 * 3600): Promise<string> {
    if (!this.signingKey) throw new Error('tokens are issued by the identity provider (AUTH_JWKS_URL is set)');
    return signToken(this.signingKey, claims, this.config, ttlSeconds);
  }

  async verify(token: string): Promise<Actor> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && now < known.until) return known.actor;
    if (known) this.verified.delete(token);
    const { actor, expiresAt } = await this.verifyAnew(token);
    rememberAtMost(this.verified, token, { actor, until: Math.min(expiresAt, now + VERIFIED_CACHE_MS) }, VERIFIED_CACHE_SIZE);
    return actor;
  }

  private async verifyAnew(token: string): Promise<{ actor: Actor; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        // Only asymmetric algorithms; never `none`, never HS* with a public key as secret.
        algorithms: this.jwks ? ['RS256', 'PS256', 'ES256', 'EdDSA'] : [LOCAL_TOKEN_ALGORITHM],
        clockTolerance: 30,
        requiredClaims: ['sub', 'iat', 'exp'],
      };
      ({ payload } = this.jwks ? await jwtVerify(token, this.jwks, options) : await jwtVerify(token, this.verificationKey!, options));
    } catch (error) {
      const { code, claim } = error as { code?: string; claim?: string };
      throw new InvalidTokenError(
        code === 'ERR_JWT_EXPIRED'
          ? 'the token has expired'
          : code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
            ? 'the token signature is not valid'
            : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && typeof claim === 'string'
              ? `the token is not valid (${code}: its ${claim} claim is missing or wrong)`
              : `the token is not valid (${code ?? 'malformed'})`,
      );
    }
    this.checkLifetime(payload);
    return { actor: this.actorOf(payload), expiresAt: payload.exp! * 1000 };
  }

  /**
   * A token lives at most AUTH_MAX_TOKEN_LIFETIME_S (`exp - iat`), and is not issued in the future
   * beyond a small clock skew: otherwise `iat` could be set ahead to stretch the lifetime unseen.
   * jose has already checked both are numbers and that the token has not expired.
   */
  private checkLifetime(payload: JWTPayload): void {
    const iat = payload.iat!;
    const exp = payload.exp!;
    if (iat > Date.now() / 1000 + CLOCK_SKEW_S) throw new InvalidTokenError('the token is issued in the future (iat)');
    const max = this.config.AUTH_MAX_TOKEN_LIFETIME_S;
    if (exp - iat > max) {
      throw new InvalidTokenError(`the token's lifetime (exp - iat) is ${exp - iat} s, longer than the ${max} s allowed`);
    }
  }

  /** Checks the claims against the reference data: a scope that does not exist is refused. */
  private actorOf(payload: JWTPayload): Actor {
    // Claims of the wrong type are refused, never coerced: String(['01']) would read as county 01.
    const sub = textClaim(payload, 'sub');
    if (sub === undefined || !sub.trim()) throw new InvalidTokenError('the token must have a sub naming its user');
    const role = payload.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new InvalidTokenError(`the token's role ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`);
    }
    const named = textClaim(payload, 'name');
    const name = named?.trim() ? named : sub;
    const county = textClaim(payload, 'county');
    const municipality = textClaim(payload, 'municipality');
    if (county !== undefined && !this.reference.county(county)) {
      throw new InvalidTokenError(`the token's county ${county} does not exist`);
    }
    if (role === 'municipality') {
      const m = municipality === undefined ? undefined : this.reference.municipality(municipality);
      if (!m) throw new InvalidTokenError('a municipality token must name an existing municipality');
      if (county !== undefined && county !== m.countyCode) {
        throw new InvalidTokenError(`municipality ${m.code} is not in county ${county}`);
      }
      return { sub, name, role, county: m.countyCode, municipality: m.code };
    }
    if (municipality !== undefined) throw new InvalidTokenError(`a ${role} token does not name a municipality`);
    if (COUNTY_SCOPED_ROLES.includes(role as Role) && county === undefined) {
      throw new InvalidTokenError(`a ${role} token must name a county`);
    }
    return { sub, name, role: role as Role, ...(county ? { county } : {}) };
  }
}

/**
 * A claim that must be text when present: undefined when absent, refused when of another type, absurdly
 * long, or holding what no event's metadata could store (the actor's sub and name are recorded).
 */
const textClaim = (payload: JWTPayload, claim: string): string | undefined => {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_CLAIM_LENGTH) {
    throw new InvalidTokenError(`the token's ${claim} must be text of at most ${MAX_CLAIM_LENGTH} characters`);
  }
  const why = whyUnstorable(value);
  if (why) throw new InvalidTokenError(`the token's ${claim} ${why}`);
  return value;
};
