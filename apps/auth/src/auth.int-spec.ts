import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { domainErrorCodes } from '@shopflow/platform/service';
import { startServiceUnderTest, type ServiceUnderTest } from '@shopflow/service-testing';
import { databaseUrl } from '@shopflow/testing';
import { AppModule } from './app.module';
import { authEnv } from './config/auth.config';
import * as sessionErrors from './sessions/session.errors';
import * as userErrors from './users/user.errors';

const pem = (key = generateKeyPairSync('ed25519').privateKey) =>
  key.export({ type: 'pkcs8', format: 'pem' }).toString();
const SIGNING_KEY = pem();
const RETIRED_KEY = pem();
const ADMIN = { email: `admin-${randomUUID()}@example.com`, password: 'admin-password-123' };
const PASSWORD = 'correct horse battery';

/** The auth service in-process (startServiceUnderTest), on the real test database and broker. */
describe('auth service (real MySQL, real Kafka)', () => {
  jest.setTimeout(60_000);
  let auth: ServiceUnderTest;
  let ip = 0;
  // Each request its own client network (the throttle counts an IPv6 /64 as one client), so the
  // per-address limit of one never meets another, nor a previous run's when the test database is
  // reused: a unique-local prefix with 32 random bits per run, then a counter.
  const run = randomBytes(4).toString('hex').match(/.{4}/g)!.join(':');
  const client = () => `fd00:${run}:${(++ip).toString(16)}::1`;

  const env = {
    JWT_PRIVATE_KEYS: `${SIGNING_KEY}\n${RETIRED_KEY}`,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES_PER_CLIENT: '3',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '6',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '10',
    // The in-process default peer (127.0.0.1) stands in for the compose gateway or the Ingress controller.
    TRUSTED_PROXIES: '127.0.0.1',
  };
  const start = () =>
    startServiceUnderTest({
      service: 'auth',
      schema: authEnv,
      env,
      module: (config, logger) => AppModule.register(config, logger),
      logLevel: 'debug',
    });

  beforeAll(async () => {
    auth = await start();
  });
  afterAll(() => auth?.stop());

  const http: ServiceUnderTest['http'] = (...args) => auth.http(...args);

  async function registerUser(
    overrides: Partial<{ email: string; password: string; displayName: string }> = {},
  ) {
    const body = {
      email: `user-${randomUUID()}@example.com`,
      password: PASSWORD,
      displayName: 'Ada',
      ...overrides,
    };
    const res = await http('POST', '/v1/auth/register', { body: body, remoteAddress: client() });
    return { res, body };
  }
  async function login(email: string, password = PASSWORD, remoteAddress = client()) {
    return http('POST', '/v1/auth/login', { body: { email, password }, remoteAddress: remoteAddress });
  }
  async function sessionFor(email: string, password = PASSWORD) {
    const res = await login(email, password);
    expect(res.statusCode).toBe(200);
    return res.json() as { accessToken: string; refreshToken: string };
  }

  describe('register', () => {
    it('creates a customer with a normalised email and emits UserRegistered through the outbox', async () => {
      const email = `Ada.${randomUUID()}@Example.COM`;
      const { res } = await registerUser({ email: `  ${email} `, displayName: ' Ada Lovelace ' });
      expect(res.statusCode).toBe(201);
      const user = res.json();
      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: email.toLowerCase(),
        displayName: 'Ada Lovelace',
        roles: ['customer'],
        createdAt: expect.any(String),
      });
      const db = await createConnection(databaseUrl('auth'));
      const [rows] = await db.query(
        'SELECT event_type, message_key, payload FROM outbox_message WHERE message_key = ?',
        [user.id],
      );
      await db.end();
      const [row] = rows as { event_type: string; payload: string }[];
      expect(row?.event_type).toBe('UserRegistered');
      expect(JSON.parse(row!.payload).data).toEqual({
        userId: user.id,
        email: user.email,
        displayName: 'Ada Lovelace',
        roles: ['customer'],
      });
    });

    it('refuses a duplicate email, whatever its case, with 409', async () => {
      const { body } = await registerUser();
      const again = await http('POST', '/v1/auth/register', {
        body: { ...body, email: body.email.toUpperCase() },
        remoteAddress: client(),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ status: 409, code: 'USER.EMAIL_TAKEN' });
    });

    it('lets exactly one of two concurrent registrations of an email succeed', async () => {
      const body = { email: `race-${randomUUID()}@example.com`, password: PASSWORD, displayName: 'Racer' };
      const results = await Promise.all([
        http('POST', '/v1/auth/register', { body: body, remoteAddress: client() }),
        http('POST', '/v1/auth/register', { body: body, remoteAddress: client() }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    });

    it.each([
      [{ password: 'short' }, 'password'],
      [{ password: 'x'.repeat(129) }, 'password'],
      [{ email: 'not-an-email' }, 'email'],
      [{ displayName: '' }, 'displayName'],
    ])('answers 400 naming the failing field for %o', async (override, field) => {
      const { res } = await registerUser(override);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('login', () => {
    it('returns a Bearer access token with the expected claims and a refresh token', async () => {
      const { res, body } = await registerUser();
      const tokens = await sessionFor(body.email);
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.any(String) });
      const header = decodeProtectedHeader(tokens.accessToken);
      expect(header.alg).toBe('EdDSA');
      const claims = decodeJwt(tokens.accessToken);
      expect(claims).toMatchObject({
        iss: 'shopflow-auth',
        aud: 'shopflow',
        sub: res.json().id,
        roles: ['customer'],
      });
      expect(claims.exp! - claims.iat!).toBe(900);
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('gives a wrong password and an unknown email the same 401', async () => {
      const { body } = await registerUser();
      const wrongPassword = await login(body.email, 'wrong password here');
      const unknownEmail = await login(`nobody-${randomUUID()}@example.com`, 'wrong password here');
      expect(wrongPassword.statusCode).toBe(401);
      expect(unknownEmail.statusCode).toBe(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, correlationId: undefined });
      expect(strip(wrongPassword.json())).toEqual(strip(unknownEmail.json()));
    });

    const WRONG = 'wrong password here';

    it("refuses one client's repeated failures on an account with 429, and only that client", async () => {
      const { body } = await registerUser();
      const guesser = client();
      for (let i = 0; i < 3; i++) expect((await login(body.email, WRONG, guesser)).statusCode).toBe(401);
      const throttled = await login(body.email, PASSWORD, guesser); // even the right password
      expect(throttled.statusCode).toBe(429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
      expect(throttled.json()).toMatchObject({ code: 'AUTH.TOO_MANY_ATTEMPTS' });
      expect((await login(body.email, PASSWORD)).statusCode).toBe(200);
    });

    it('counts spellings the database treats as one account as that account (ádá@ is ada@)', async () => {
      const { body } = await registerUser({ email: `ada-${randomUUID()}@example.com` });
      const guesser = client();
      for (let i = 0; i < 3; i++) expect((await login(body.email, WRONG, guesser)).statusCode).toBe(401);
      const respelled = body.email.replace('ada-', 'ÁDÁ-');
      expect((await login(respelled, PASSWORD, guesser)).statusCode).toBe(429);
    });

    it('refuses an account guessed at from many addresses, the backstop', async () => {
      const { body } = await registerUser();
      for (let i = 0; i < 3; i++) {
        const guesser = client();
        for (let j = 0; j < 2; j++) expect((await login(body.email, WRONG, guesser)).statusCode).toBe(401);
      }
      expect((await login(body.email, PASSWORD)).statusCode).toBe(429);
    });

    it('throttles repeated failures from one client address across accounts', async () => {
      const address = client();
      for (let i = 0; i < 10; i++) {
        expect((await login(`nobody-${randomUUID()}@example.com`, WRONG, address)).statusCode).toBe(401);
      }
      const { body } = await registerUser();
      expect((await login(body.email, PASSWORD, address)).statusCode).toBe(429);
      expect((await login(body.email, PASSWORD)).statusCode).toBe(200);
    });

    it('behind a trusted proxy, one attacker locks out neither the victim nor anyone else', async () => {
      const viaProxy = (email: string, password: string, clientAddress: string) =>
        http('POST', '/v1/auth/login', {
          body: { email, password },
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': clientAddress },
        });
      const victim = (await registerUser()).body;
      const bystander = (await registerUser()).body;
      const attacker = client();
      for (let i = 0; i < 12; i++) await viaProxy(victim.email, WRONG, attacker);
      for (let i = 0; i < 12; i++) await viaProxy(`nobody-${randomUUID()}@example.com`, WRONG, attacker);
      expect((await viaProxy(bystander.email, PASSWORD, attacker)).statusCode).toBe(429);
      expect((await viaProxy(victim.email, PASSWORD, client())).statusCode).toBe(200);
      expect((await viaProxy(bystander.email, PASSWORD, client())).statusCode).toBe(200);
      // A peer that is not a trusted proxy cannot choose its address with the header.
      const forged = await http('POST', '/v1/auth/login', {
        body: { email: victim.email, password: PASSWORD },
        remoteAddress: attacker,
        headers: { 'x-forwarded-for': client() },
      });
      expect(forged.statusCode).toBe(429);
    });
  });

  describe('refresh and logout', () => {
    it('rotates: a refresh returns a new pair and spends the old refresh token', async () => {
      const { body } = await registerUser();
      const first = await sessionFor(body.email);
      const second = await http('POST', '/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
        remoteAddress: client(),
      });
      expect(second.statusCode).toBe(200);
      expect(second.json().refreshToken).not.toBe(first.refreshToken);
      expect((await http('GET', '/v1/auth/me', { token: second.json().accessToken })).statusCode).toBe(200);
    });

    it('revokes the whole family when a spent refresh token is presented again', async () => {
      const { body } = await registerUser();
      const first = await sessionFor(body.email);
      const second = (
        await http('POST', '/v1/auth/refresh', {
          body: { refreshToken: first.refreshToken },
          remoteAddress: client(),
        })
      ).json();
      const reuse = await http('POST', '/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
        remoteAddress: client(),
      });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json()).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
      // The legitimate newer token of the same family is dead too.
      expect(
        (
          await http('POST', '/v1/auth/refresh', {
            body: { refreshToken: second.refreshToken },
            remoteAddress: client(),
          })
        ).statusCode,
      ).toBe(401);
    });

    it('logs out with 204 and revokes the family', async () => {
      const { body } = await registerUser();
      const session = await sessionFor(body.email);
      expect(
        (
          await http('POST', '/v1/auth/logout', {
            body: { refreshToken: session.refreshToken },
            remoteAddress: client(),
          })
        ).statusCode,
      ).toBe(204);
      expect(
        (
          await http('POST', '/v1/auth/refresh', {
            body: { refreshToken: session.refreshToken },
            remoteAddress: client(),
          })
        ).statusCode,
      ).toBe(401);
    });

    it('answers an unknown refresh token with 401', async () => {
      expect(
        (
          await http('POST', '/v1/auth/refresh', {
            body: { refreshToken: 'made-up' },
            remoteAddress: client(),
          })
        ).statusCode,
      ).toBe(401);
    });
  });

  describe('me and the JWKS', () => {
    it("returns the caller's profile for a valid token and 401 without one", async () => {
      const { res, body } = await registerUser();
      const { accessToken } = await sessionFor(body.email);
      const me = await http('GET', '/v1/auth/me', { token: accessToken });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toEqual(res.json());
      const anonymous = await http('GET', '/v1/auth/me');
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
    });

    it('publishes every configured public key, with kid, and no private part', async () => {
      const jwks = (await http('GET', '/.well-known/jwks.json')).json();
      expect(jwks.keys).toHaveLength(2);
      for (const key of jwks.keys) {
        expect(key).toMatchObject({
          kty: 'OKP',
          crv: 'Ed25519',
          alg: 'EdDSA',
          use: 'sig',
          kid: expect.any(String),
        });
        expect(key.d).toBeUndefined();
      }
    });

    it('accepts a token signed by a retired key that is still published (rotation without downtime)', async () => {
      const { res } = await registerUser();
      const jwks = (await http('GET', '/.well-known/jwks.json')).json();
      const retiredKid = jwks.keys[1].kid;
      const token = await new SignJWT({ roles: ['customer'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: retiredKid })
        .setIssuer('shopflow-auth')
        .setAudience('shopflow')
        .setSubject(res.json().id)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(randomUUID())
        .sign(createPrivateKey(RETIRED_KEY));
      expect((await http('GET', '/v1/auth/me', { token: token })).statusCode).toBe(200);
    });
  });

  describe('attacks on the guard, each answered 401', () => {
    let userId: string;
    let valid: string;
    beforeAll(async () => {
      const { res, body } = await registerUser();
      userId = res.json().id;
      valid = (await sessionFor(body.email)).accessToken;
    });
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (
      claims: { aud?: string; exp?: string | number; kid?: string },
      key = createPrivateKey(SIGNING_KEY),
    ) =>
      new SignJWT({ roles: ['customer', 'admin'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: claims.kid ?? decodeProtectedHeader(valid).kid })
        .setIssuer('shopflow-auth')
        .setAudience(claims.aud ?? 'shopflow')
        .setSubject(userId)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(claims.exp ?? '5m')
        .setJti(randomUUID())
        .sign(key);

    it.each([
      ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${valid.split('.')[1]}.`],
      ['a key not in the JWKS', async () => sign({}, generateKeyPairSync('ed25519').privateKey)],
      [
        'a changed payload',
        async () => {
          const [header, payload, signature] = valid.split('.');
          const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
          return `${header}.${b64({ ...claims, roles: ['customer', 'admin'] })}.${signature}`;
        },
      ],
      ['an expired token', async () => sign({ exp: Math.floor(Date.now() / 1000) - 3600 })],
      ['another audience', async () => sign({ aud: 'someone-else' })],
    ])('%s', async (_name, forge) => {
      const res = await http('GET', '/v1/auth/me', { token: await forge() });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });
  });

  describe('administration', () => {
    let adminToken: string;
    beforeAll(async () => {
      adminToken = (await sessionFor(ADMIN.email, ADMIN.password)).accessToken;
    });

    it('ensures the configured admin at start-up, idempotently', async () => {
      expect(decodeJwt(adminToken).roles).toEqual(['customer', 'admin']);
      const again = await start(); // a second instance (a restart or another replica) changes nothing
      await again.stop();
      const db = await createConnection(databaseUrl('auth'));
      const [rows] = await db.query('SELECT roles FROM app_user WHERE email = ?', [ADMIN.email]);
      await db.end();
      expect(rows).toEqual([{ roles: 'customer,admin' }]);
    });

    it('lists users page by page, newest first', async () => {
      await registerUser();
      await registerUser();
      const page = (await http('GET', '/v1/users?page=1&limit=2', { token: adminToken })).json();
      expect(page).toMatchObject({ page: 1, limit: 2, total: expect.any(Number) });
      expect(page.items).toHaveLength(2);
      expect(page.items[0].createdAt >= page.items[1].createdAt).toBe(true);
      expect((await http('GET', '/v1/users?limit=101', { token: adminToken })).statusCode).toBe(400);
    });

    it('refuses a customer (403) and an anonymous caller (401)', async () => {
      const { body } = await registerUser();
      const { accessToken } = await sessionFor(body.email);
      const forbidden = await http('GET', '/v1/users', { token: accessToken });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.headers['content-type']).toMatch(/problem\+json/);
      expect((await http('GET', '/v1/users')).statusCode).toBe(401);
    });

    it('changes roles and emits UserRolesChanged', async () => {
      const { res } = await registerUser();
      const id = res.json().id;
      const patch = (body: object, target = id) =>
        http('PATCH', `/v1/users/${target}`, { body, token: adminToken });
      const changed = await patch({ roles: ['customer', 'admin'] });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().roles).toEqual(['customer', 'admin']);
      expect((await patch({ roles: ['superuser'] })).statusCode).toBe(400);
      expect((await patch({ roles: [] })).statusCode).toBe(400);
      expect((await patch({ roles: ['customer'] }, randomUUID())).statusCode).toBe(404);
      const db = await createConnection(databaseUrl('auth'));
      const [rows] = await db.query(
        "SELECT payload FROM outbox_message WHERE message_key = ? AND event_type = 'UserRolesChanged'",
        [id],
      );
      await db.end();
      expect(JSON.parse((rows as { payload: string }[])[0]!.payload).data).toEqual({
        userId: id,
        roles: ['customer', 'admin'],
      });
    });
  });

  it('never writes a password or a token into a log line', async () => {
    const secret = `very-secret-${randomUUID()}`;
    const { body } = await registerUser({ password: secret });
    await login(body.email, `${secret}-wrong`);
    const session = await sessionFor(body.email, secret);
    await http('POST', '/v1/auth/refresh', {
      body: { refreshToken: session.refreshToken },
      remoteAddress: client(),
    });
    await http('POST', '/v1/auth/register', { body: { ...body, password: secret }, remoteAddress: client() }); // 409, logged as a request
    const text = auth.logs.lines().join('\n');
    expect(text).toContain('/v1/auth/login'); // the capture works: request logs are there
    expect(text).not.toContain(secret);
    expect(text).not.toContain(session.refreshToken);
    expect(text).not.toContain(session.accessToken);
  });

  it('describes every route in OpenAPI with schemas and security requirements', async () => {
    const doc = (await http('GET', '/docs-json')).json();
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    for (const [path, method] of [
      ['/v1/auth/register', 'post'],
      ['/v1/auth/login', 'post'],
      ['/v1/auth/refresh', 'post'],
      ['/v1/auth/logout', 'post'],
    ]) {
      expect(op(path!, method!)?.requestBody).toBeDefined();
    }
    expect(op('/v1/auth/login', 'post').responses['200'].content['application/json'].schema.$ref).toMatch(
      /TokenPairDto/,
    );
    expect(op('/v1/auth/me', 'get').security).toEqual([{ bearer: [] }]);
    expect(op('/v1/users', 'get').security).toEqual([{ bearer: [] }]);
    expect(op('/v1/users/{id}', 'patch').security).toEqual([{ bearer: [] }]);
    expect(op('/.well-known/jwks.json', 'get')).toBeDefined();
    expect(doc.components.schemas.RegisterUserDto.required).toEqual(
      expect.arrayContaining(['email', 'password', 'displayName']),
    );
  });

  it('lists every error code it can answer in its OpenAPI document', async () => {
    const document = (await http('GET', '/docs-json')).body;
    const codes = [...domainErrorCodes(userErrors), ...domainErrorCodes(sessionErrors)];
    expect(codes).toHaveLength(5);
    for (const code of codes) expect(document).toContain(code);
  });
});
