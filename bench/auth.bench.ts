// Auth benchmark: `npm run bench:auth`. Prints numbers; asserts nothing.
// (1) argon2id cost per hash, (2) logins per second through the real auth service (HTTP, database,
// argon2id, token signing), (3) the JWT guard's overhead: the same trivial route with and without it.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Controller, Get, Module } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { Authenticated, PasswordHasher, SecurityModule } from '@shopflow/platform/security';
import { createServiceApp, PlatformModule } from '@shopflow/platform/service';
import { captureLogger, createTestSchema, freePort, spawnService, waitUntilReady } from '@shopflow/testing';
import { benchInfra, machine } from './bench-infra';
import { load } from './http-load';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const logger = captureLogger('bench', 'error').logger;

async function argon2Cost() {
  const hasher = new PasswordHasher();
  await hasher.hash('warm-up-password');
  const runs = 20;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await hasher.hash(`password-${i}-long-enough`);
  return (performance.now() - t0) / runs;
}

/** Logins per second through the built auth service, run as its own process as in production. */
async function logins(brokers: string[]) {
  const schema = await createTestSchema('bench_auth');
  const env = {
    DATABASE_URL: schema.url,
    KAFKA_BROKERS: brokers.join(','),
    HTTP_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    JWT_PRIVATE_KEYS: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
  };
  try {
    if ((await spawnService('auth', env, ['migrate']).exited) !== 0) throw new Error('auth migrate failed');
    const auth = spawnService('auth', env);
    try {
      await waitUntilReady(auth);
      const user = {
        email: `bench-${randomUUID()}@example.com`,
        password: 'bench-password-123',
        displayName: 'Bench',
      };
      await fetch(`${auth.baseUrl}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user),
      });
      return await load({
        url: `${auth.baseUrl}/v1/auth/login`,
        method: 'POST',
        connections: 4,
        seconds: SECONDS,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
    } finally {
      await auth.stop();
    }
  } finally {
    await schema.drop();
  }
}

@Controller('bench')
class BenchController {
  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('protected')
  @Authenticated()
  protectedRoute() {
    return { ok: true };
  }
}

async function guardOverhead() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const jwks = { keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] };
  @Module({
    imports: [
      PlatformModule.forRoot({ service: 'bench', healthIndicators: [] }),
      SecurityModule.forRoot({ issuer: 'bench', audience: 'bench', jwksUrl: async () => jwks }),
    ],
    controllers: [BenchController],
  })
  class BenchModule {}
  const app = await createServiceApp({ service: 'bench', module: BenchModule, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const token = await new SignJWT({ roles: ['customer'] })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer('bench')
    .setAudience('bench')
    .setSubject(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .setJti(randomUUID())
    .sign(privateKey);
  const headers = { authorization: `Bearer ${token}` };
  await load({ url: `${base}/bench/open`, connections: 50, seconds: 2 }); // warm-up
  const open = await load({ url: `${base}/bench/open`, connections: 50, seconds: SECONDS, headers });
  const guarded = await load({ url: `${base}/bench/protected`, connections: 50, seconds: SECONDS, headers });
  await app.close();
  return { open, guarded };
}

async function main() {
  const { brokers } = benchInfra();
  const hashMs = await argon2Cost();
  const login = await logins(brokers);
  const { open, guarded } = await guardOverhead();
  const f = (n: number) => n.toFixed(1);
  console.log(
    `\nauth benchmark — ${machine()}; ${SECONDS} s per measurement, load generator in the bench process\n`,
  );
  console.log(`argon2id (m=19 MiB, t=2, p=1): ${f(hashMs)} ms per hash on one core`);
  console.log(
    `login (HTTP + DB + argon2id verify + EdDSA sign), 4 connections: ${f(login.requestsPerSecond)} logins/s, p50 ${login.p50} ms, p99 ${login.p99} ms, non-2xx ${login.non2xx}`,
  );
  console.log('\nroute (50 connections)         req/s      p50 ms   p99 ms');
  console.log(
    `GET /bench/open            ${f(open.requestsPerSecond).padStart(10)} ${String(open.p50).padStart(8)} ${String(open.p99).padStart(8)}`,
  );
  console.log(
    `GET /bench/protected (JWT) ${f(guarded.requestsPerSecond).padStart(10)} ${String(guarded.p50).padStart(8)} ${String(guarded.p99).padStart(8)}`,
  );
  console.log(
    `\nguard overhead: protected route keeps ${(guarded.requestsPerSecond / open.requestsPerSecond).toFixed(2)} of the open route's throughput`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
