import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ReadOnlyPost } from '../http/idempotency.interceptor.js';
import { ApiNullableObject } from '../http/api-properties.js';
import { CountyDto, MunicipalityDto } from '../reference/reference.controller.js';
import { ReferenceData } from '../reference/reference-data.js';
import { DomainError } from '../shared/domain-error.js';
import { ROLES, type Role } from '../shared/actor.js';
import { localSignInAllowed } from './sign-in.js';
import { InvalidTokenError, TokenService } from './token.service.js';

/** How long a token from the local sign-in page lives: a working day. */
const LOCAL_TOKEN_TTL_S = 8 * 3600;
/** Roles the local sign-in page offers: every role but the administrator's. */
const LOCAL_ROLES = ROLES.filter((role) => role !== 'admin');

export class OpenIdConnectDto {
  @ApiProperty({ example: 'https://login.example.se/realms/region', description: 'The identity provider (its discovery document is under it)' })
  issuer: string;

  @ApiProperty({ example: 'ppe-ledger-web', description: 'The screens’ client id: a public client, authorization code with PKCE' })
  clientId: string;

  @ApiProperty({ example: 'openid profile' })
  scope: string;
}

export class LocalSignInOptionsDto {
  @ApiProperty({ enum: LOCAL_ROLES, isArray: true, description: 'The roles one may pick' })
  roles: Role[];

  @ApiProperty({ type: [CountyDto], description: 'The scopes one may pick: counties…' })
  counties: readonly CountyDto[];

  @ApiProperty({ type: [MunicipalityDto], description: '…and municipalities' })
  municipalities: readonly MunicipalityDto[];
}

export class SignInOptionsDto {
  @ApiNullableObject(LocalSignInOptionsDto, { description: 'The local sign-in page, when it is on (local signing key, loopback address only); else null' })
  local: LocalSignInOptionsDto | null;

  @ApiNullableObject(OpenIdConnectDto, { description: 'OpenID Connect, when an identity provider is configured; else null' })
  openIdConnect: OpenIdConnectDto | null;
}

export class LocalSignInDto {
  @ApiProperty({ enum: LOCAL_ROLES, example: 'municipality' })
  @IsIn(LOCAL_ROLES)
  role: Role;

  @ApiProperty({ required: false, pattern: '^\\d{2}$', example: '01', description: 'County code; for the county-scoped roles' })
  @IsOptional()
  @Matches(/^\d{2}$/)
  county?: string;

  @ApiProperty({ required: false, pattern: '^\\d{4}$', example: '0115', description: 'Municipality code; for the municipality role' })
  @IsOptional()
  @Matches(/^\d{4}$/)
  municipality?: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Anna Andersson', description: 'The name recorded with what this user does' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class LocalTokenDto {
  @ApiProperty({ description: 'A bearer token for the API, signed by the local key' })
  token: string;

  @ApiProperty({ format: 'date-time', description: 'When the token expires' })
  expiresAt: string;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});

/** What the screens need to sign someone in, and the local sign-in page's token. */
@ApiTags('operations')
@ApiExtraModels(OpenIdConnectDto, LocalSignInOptionsDto)
@Controller('auth')
export class SignInController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly reference: ReferenceData,
  ) {}

  @Get('sign-in')
  @ApiOperation({ operationId: 'getSignInOptions', summary: 'How the screens sign people in: OpenID Connect, or the local sign-in page' })
  @ApiOkResponse({ type: SignInOptionsDto })
  options(): SignInOptionsDto {
    return {
      local: localSignInAllowed(this.config)
        ? { roles: [...LOCAL_ROLES], counties: this.reference.counties, municipalities: this.reference.municipalities }
        : null,
      openIdConnect: this.config.AUTH_JWKS_URL
        ? { issuer: this.config.AUTH_ISSUER, clientId: this.config.AUTH_WEB_CLIENT_ID, scope: this.config.AUTH_WEB_SCOPE }
        : null,
    };
  }

  @Post('local-tokens')
  @HttpCode(200)
  @ReadOnlyPost()
  @ApiOperation({
    operationId: 'signInLocally',
    summary: 'Local sign-in: a token for a chosen role and scope',
    description:
      'For trying the service on one’s own machine. Only while the service signs its own tokens (no AUTH_JWKS_URL) and ' +
      'listens on a loopback address; otherwise 404 `AUTH.LOCAL_SIGN_IN_OFF`.',
  })
  @ApiOkResponse({ type: LocalTokenDto })
  @ApiResponse({ status: 404, ...problem('The local sign-in is off: an identity provider is configured, or the service listens beyond this machine') })
  async signInLocally(@Body() body: LocalSignInDto): Promise<LocalTokenDto> {
    if (!localSignInAllowed(this.config)) {
      throw new DomainError('AUTH.LOCAL_SIGN_IN_OFF', 'the local sign-in is off: sign in with the identity provider', 'not-found');
    }
    const scope = body.municipality ? `${body.municipality}` : (body.county ?? 'all');
    const claims = {
      sub: `local:${body.role}:${scope}:${body.name.trim().toLowerCase().replace(/\s+/g, '.')}`,
      name: body.name.trim(),
      role: body.role,
      ...(body.county ? { county: body.county } : {}),
      ...(body.municipality ? { municipality: body.municipality } : {}),
    };
    const token = await this.tokens.sign(claims, LOCAL_TOKEN_TTL_S);
    try {
      // The same checks as every request's: a scope that does not exist, or does not fit the role, is refused here.
      await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        const field = body.role === 'municipality' ? 'municipality' : 'county';
        throw new DomainError('AUTH.SCOPE_INVALID', error.message.replace(/^the token's /, 'the '), 'invalid', { field, role: body.role });
      }
      throw error;
    }
    return { token, expiresAt: new Date(Date.now() + LOCAL_TOKEN_TTL_S * 1000).toISOString() };
  }
}
