import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { ReferenceData } from '../reference/reference-data.js';
import { InvalidTokenError, TokenService } from './token.service.js';

/** Verified tokens are kept for a while; what is kept must never let through what checking would refuse. */
describe('token verification, with verified tokens kept', () => {
  let dir: string;
  let tokens: TokenService;
  const claims = { sub: 'u-31', name: 'Lars Ek', role: 'warehouse' as const, county: '01' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppe-token-'));
    tokens = new TokenService(loadConfig({ DATA_DIR: dir }), ReferenceData.load());
    await tokens.onModuleInit();
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the same actor for a token seen before, and still refuses a forged twin', async () => {
    const token = await tokens.sign(claims);
    const actor = { sub: 'u-31', name: 'Lars Ek', role: 'warehouse', county: '01' };
    expect(await tokens.verify(token)).toEqual(actor);
    expect(await tokens.verify(token)).toEqual(actor);
    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'county' })).toString('base64url');
    await expect(tokens.verify(`${header}.${forgedPayload}.${signature}`)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(tokens.verify(`${token}x`)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('stops accepting a kept token once it has expired', async () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const token = await tokens.sign(claims, 120);
    expect((await tokens.verify(token)).sub).toBe('u-31');
    jest.setSystemTime(Date.now() + 59_000);
    expect((await tokens.verify(token)).sub).toBe('u-31'); // kept
    jest.setSystemTime(Date.now() + 120_000 + 60_000); // past expiry and the 30 s tolerance
    await expect(tokens.verify(token)).rejects.toThrow('the token has expired');
  });
});
