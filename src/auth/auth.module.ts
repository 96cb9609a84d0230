import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JsonOnlyGuard } from '../http/json-only.guard.js';
import { AuthGuard } from './auth.guard.js';
import { SignInController } from './sign-in.controller.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  controllers: [SignInController],
  providers: [TokenService, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_GUARD, useClass: JsonOnlyGuard }],
  exports: [TokenService],
})
export class AuthModule {}
