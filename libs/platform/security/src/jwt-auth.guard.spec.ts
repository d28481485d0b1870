import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PlatformModule, createServiceApp } from '@shopflow/platform/service';
import type { AuthenticatedUser } from './authenticated-user';
import { Authenticated } from './authenticated.decorator';
import { CurrentUser } from './current-user.decorator';
import { JwtVerifier } from './jwt-verifier';
import { Roles } from './roles.decorator';
import { SecurityModule } from './security.module';
import {
  captureLogger,
  hs256Token,
  JwksServer,
  moveClockForward,
  nowSec,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
  unsignedToken,
  withTamperedPayload,
} from '@shopflow/testing';

@Controller('things')
class ThingsController {
  @Get('public')
  open() {
    return { open: true };
  }

  @Get('mine')
  @Authenticated()
  mine(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }

  @Get('admin')
  @Authenticated()
  @Roles('admin')
  admin(@CurrentUser() user: AuthenticatedUser) {
    return { admin: user.id };
  }

  @Get('roles-only')
  @Roles('admin')
  rolesOnly() {
    return { admin: true };
  }

  @Get('forgot-the-guard')
  forgotTheGuard(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }
}

@Controller('vault')
@Authenticated()
class VaultController {
  @Get()
  list(@CurrentUser() user: AuthenticatedUser) {
    return { owner: user.id };
  }

  @Get('audit')
  @Roles('admin')
  audit() {
    return { audited: true };
  }
}

@Module({})
class ThingsModule {}

describe('JwtAuthGuard in a service', () => {
  let app: NestFastifyApplication;
  let jwks: JwksServer;
  let key: TestSigningKey;
  const logs = captureLogger('things');

  beforeAll(async () => {
    jwks = await JwksServer.start();
    key = await TestSigningKey.generate('key-1');
    jwks.publish(key.jwk);
    app = await createServiceApp({
      service: 'things',
      module: {
        module: ThingsModule,
        imports: [
          PlatformModule.forRoot({ service: 'things', healthIndicators: [] }),
          SecurityModule.forRoot({ jwksUrl: jwks.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
        ],
        controllers: [ThingsController, VaultController],
      },
      logger: logs.logger,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const get = (url: string, authorization?: string) =>
    app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
  const bearer = async (token: string | Promise<string>) => `Bearer ${await token}`;

  function expectProblem(
    res: Awaited<ReturnType<typeof get>>,
    status: number,
    wwwAuthenticate: string,
  ): void {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe(wwwAuthenticate);
    expect(res.json()).toMatchObject({ type: 'about:blank', status });
    // Nothing of the verification library leaks: no error codes, no claim checks, no key ids.
    expect(res.body).not.toMatch(/ERR_|claim|key-1|jose/i);
  }
  const rejected = (reason: string) => `Bearer error="invalid_token", error_description="${reason}"`;

  it('leaves a route without @Authenticated() open', async () => {
    const res = await get('/things/public');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ open: true });
  });

  it('answers a valid customer token with the user it vouches for', async () => {
    const sub = '0d9c3b1a-5e4f-4a2b-8c7d-6e5f4a3b2c1d';
    const exp = nowSec() + 300;
    const res = await get('/things/mine', await bearer(key.sign({ sub, jti: 'jti-1', exp })));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: sub,
      roles: ['customer'],
      tokenId: 'jti-1',
      expiresAt: new Date(exp * 1000).toISOString(),
    });
  });

  describe('answers 401 problem+json with a Bearer challenge', () => {
    it('without a token', async () => {
      const res = await get('/things/mine');
      expectProblem(res, 401, 'Bearer');
      expect(res.json()).toMatchObject({ title: 'Unauthorized', detail: 'An access token is required.' });
      expectProblem(await get('/things/mine', 'Basic dXNlcjpwYXNz'), 401, 'Bearer');
    });

    it('with a Bearer header that holds no well-formed token', async () => {
      expectProblem(await get('/things/mine', 'Bearer'), 401, 'Bearer error="invalid_request"');
      expectProblem(await get('/things/mine', 'Bearer a b'), 401, 'Bearer error="invalid_request"');
    });

    it('with garbage for a token', async () => {
      const res = await get('/things/mine', 'Bearer garbage');
      expectProblem(res, 401, rejected('malformed'));
      expect(res.json()).toMatchObject({ detail: 'The access token was rejected: malformed.' });
    });

    it('with an unsigned alg:none token', async () => {
      const token = unsignedToken({ roles: ['customer', 'admin'] });
      expect(token.split('.')).toHaveLength(3);
      expect(token.endsWith('.')).toBe(true);
      expectProblem(await get('/things/mine', await bearer(token)), 401, rejected('algorithm not allowed'));
    });

    it('with a token signed by a key that is not published, under a published kid or another', async () => {
      const impostor = await TestSigningKey.generate('key-1');
      expectProblem(
        await get('/things/mine', await bearer(impostor.sign())),
        401,
        rejected('invalid signature'),
      );
      expectProblem(
        await get('/things/mine', await bearer(impostor.sign({}, { kid: 'key-impostor' }))),
        401,
        rejected('unknown key'),
      );
    });

    it('with a token whose payload was changed after signing', async () => {
      const token = withTamperedPayload(await key.sign(), (claims) => ({
        ...claims,
        roles: ['customer', 'admin'],
      }));
      expectProblem(await get('/things/admin', await bearer(token)), 401, rejected('invalid signature'));
    });

    it('with a token expired beyond the clock tolerance', async () => {
      const token = key.sign({ iat: nowSec() - 1000, exp: nowSec() - 60 });
      expectProblem(await get('/things/mine', await bearer(token)), 401, rejected('expired'));
    });

    it('with a token for another audience', async () => {
      const token = key.sign({ aud: 'another-api' });
      expectProblem(await get('/things/mine', await bearer(token)), 401, rejected('wrong audience'));
    });

    it('with a token from another issuer', async () => {
      const token = key.sign({ iss: 'https://evil.test' });
      expectProblem(await get('/things/mine', await bearer(token)), 401, rejected('wrong issuer'));
    });

    it('with an HS256 token signed with a secret', async () => {
      const token = hs256Token(key.kid, { roles: ['customer', 'admin'] });
      expectProblem(await get('/things/admin', await bearer(token)), 401, rejected('algorithm not allowed'));
    });

    it('on a route with only @Roles()', async () => {
      expectProblem(await get('/things/roles-only'), 401, 'Bearer');
    });
  });

  it('answers a customer on an admin route with 403 problem+json', async () => {
    for (const url of ['/things/admin', '/things/roles-only', '/vault/audit']) {
      const res = await get(url, await bearer(key.sign({ roles: ['customer'] })));
      expectProblem(res, 403, 'Bearer error="insufficient_scope"');
      expect(res.json()).toMatchObject({ title: 'Forbidden', detail: 'Requires the admin role.' });
    }
  });

  it('lets an admin through an admin route', async () => {
    const sub = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
    const res = await get('/things/admin', await bearer(key.sign({ sub, roles: ['customer', 'admin'] })));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ admin: sub });
    expect((await get('/things/roles-only', await bearer(key.sign({ roles: ['admin'] })))).statusCode).toBe(
      200,
    );
  });

  it('guards every route of an @Authenticated() controller, verifying a token once per request', async () => {
    expectProblem(await get('/vault'), 401, 'Bearer');
    const verify = jest.spyOn(app.get(JwtVerifier), 'verify');
    const res = await get('/vault/audit', await bearer(key.sign({ roles: ['admin'] })));
    expect(res.statusCode).toBe(200);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('fails loudly when @CurrentUser() is used without @Authenticated()', async () => {
    const res = await get('/things/forgot-the-guard', await bearer(key.sign()));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('CurrentUser');
  });

  it('answers 503, not 401, when the signing keys cannot be fetched', async () => {
    const unknownKid = await TestSigningKey.generate('key-while-auth-is-down');
    jwks.unavailable = true;
    try {
      moveClockForward(31_000); // past the cooldown, so the unknown kid makes it fetch
      const res = await get('/things/mine', await bearer(unknownKid.sign()));
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBeUndefined();
    } finally {
      jwks.unavailable = false;
    }
  });

  it('accepts a key published in the key set later, under a new kid', async () => {
    expect((await get('/things/mine', await bearer(key.sign()))).statusCode).toBe(200);
    const rotated = await TestSigningKey.generate('key-2');
    jwks.publish(rotated.jwk);
    moveClockForward(31_000); // past the cooldown since the last successful fetch
    const res = await get('/things/admin', await bearer(rotated.sign({ roles: ['admin'] })));
    expect(res.statusCode).toBe(200);
    expect((await get('/things/mine', await bearer(key.sign()))).statusCode).toBe(200);
  });

  it('marks the protected routes with the bearer security requirement in OpenAPI', async () => {
    const doc = (await get('/docs-json')).json();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of ['/things/mine', '/things/admin', '/things/roles-only']) {
      expect(doc.paths[path].get.security).toEqual([{ bearer: [] }]);
      expect(doc.paths[path].get.responses['401']).toBeDefined();
    }
    expect(doc.paths['/things/admin'].get.responses['403']).toBeDefined();
    expect(doc.paths['/vault'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/things/public'].get.security).toBeUndefined();
  });
});
