import { connect, type AddressInfo } from 'node:net';
import { Body, Controller, Get, Header, Module, Param, Post, Query, Req } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsEmail,
  IsOptional,
  IsString,
  MaxLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { captureLogger } from '@shopflow/testing';
import { PlatformModule } from './platform.module';
import { createServiceApp, type ServiceAppOptions } from './service-app';

/** Every string a validator was handed: hostile input must never be among them. */
const seenByValidators: string[] = [];
@ValidatorConstraint({ name: 'recorded' })
class Recorded implements ValidatorConstraintInterface {
  validate(value: unknown) {
    if (typeof value === 'string') seenByValidators.push(value);
    return true;
  }
}

class TagDto {
  @ApiProperty({ maxLength: 8 }) @IsString() @Validate(Recorded) @MaxLength(8) label: string;
}
class SignUpDto {
  @ApiProperty() @Validate(Recorded) @IsEmail() email: string;
  @ApiPropertyOptional({ maxLength: 20 }) @IsOptional() @Validate(Recorded) @MaxLength(20) note?: string;
  @ApiPropertyOptional({ type: [TagDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TagDto)
  tags?: TagDto[];
}
class SearchDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Validate(Recorded) q?: string;
}

@Controller('hardening')
class HardeningController {
  @Post()
  signUp(@Body() dto: SignUpDto) {
    return dto;
  }
  @Get('search')
  search(@Query() query: SearchDto) {
    return query;
  }
  @Get('whoami')
  whoami(@Req() request: FastifyRequest) {
    return { ip: request.ip };
  }
  @Get('cacheable')
  @Header('cache-control', 'public, max-age=60')
  cacheable() {
    return { fresh: true };
  }
  @Get('items/:id')
  item(@Param('id') id: string) {
    return { id };
  }
}

@Module({
  imports: [PlatformModule.forRoot({ service: 'hardening', healthIndicators: [] })],
  controllers: [HardeningController],
})
class HardeningModule {}

async function appWith(options: Partial<ServiceAppOptions> = {}) {
  const app = await createServiceApp({
    service: 'hardening',
    module: HardeningModule,
    logger: captureLogger('hardening').logger,
    ...options,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const json = { 'content-type': 'application/json' };

describe('hostile input and framework errors', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => (app = await appWith()));
  afterAll(() => app.close());

  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; body: string },
    status: number,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({ status, type: 'about:blank' });
  };

  it('answers a lone surrogate in any string field with 400 before a validator sees it', async () => {
    for (const payload of [
      '{"email":"\\ud800"}',
      '{"email":"a@example.com","note":"ok \\udfff"}',
      '{"email":"a@example.com","tags":[{"label":"\\ud83d"}]}',
      '{"email":"a@example.com","\\ud800":1}',
    ]) {
      const res = await app.inject({ method: 'POST', url: '/hardening', headers: json, payload });
      expectProblem(res, 400);
    }
    expect(seenByValidators.some((s) => !s.isWellFormed())).toBe(false);
    // Percent-decoding cannot yield a lone surrogate (bad UTF-8 becomes U+FFFD); an overlong query can.
    const query = await app.inject({ method: 'GET', url: `/hardening/search?q=${'q'.repeat(1_001)}` });
    expectProblem(query, 400);
  });

  it('answers a string over its documented length with 400 naming the field, unvalidated', async () => {
    const long = 'x'.repeat(21);
    const res = await app.inject({
      method: 'POST',
      url: '/hardening',
      headers: json,
      payload: { email: 'a@example.com', note: long, tags: [{ label: 'y'.repeat(9) }] },
    });
    expectProblem(res, 400);
    expect(res.json().errors).toEqual([
      { field: 'note', message: 'must be at most 20 characters' },
      { field: 'tags[0].label', message: 'must be at most 8 characters' },
    ]);
    const undocumented = await app.inject({
      method: 'POST',
      url: '/hardening',
      headers: json,
      payload: { email: `${'a'.repeat(5_000)}@example.com` },
    });
    expectProblem(undocumented, 400);
    expect(seenByValidators.some((s) => s.length > 20)).toBe(false);
  });

  it('answers a body of 60,000 unknown properties with one short 400, not one error per key', async () => {
    const payload = JSON.stringify(
      Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1])),
    );
    const res = await app.inject({ method: 'POST', url: '/hardening', headers: json, payload });
    expectProblem(res, 400);
    expect(res.body.length).toBeLessThan(1_000);
    expect(res.json().errors).toEqual([{ field: 'body', message: 'must not have more than 100 properties' }]);
  });

  it('gives the 414 of an oversized path parameter and the 400 of a bad URL problem bodies', async () => {
    const tooLong = await app.inject({ method: 'GET', url: `/hardening/items/${'a'.repeat(2_000)}` });
    expectProblem(tooLong, 414);
    expect(tooLong.body).not.toContain('aaaa');
    expect(tooLong.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect(tooLong.headers['x-correlation-id']).toBeDefined();
    expectProblem(await app.inject({ method: 'GET', url: '/hardening/items/%E0%A4%A' }), 400);
  });

  it('answers a body that is not JSON with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await app.inject({
        method: 'POST',
        url: '/hardening',
        headers: { 'content-type': type },
        payload: 'email=a',
      });
      expectProblem(res, 415);
    }
  });

  it('answers what Node refuses to parse (oversized headers, garbage) with problem+json', async () => {
    const server = await appWith();
    await server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.getHttpServer().address() as AddressInfo;
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    try {
      const huge = await raw(
        `GET /hardening/items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(huge).toMatch(/^HTTP\/1\.1 431 /);
      expect(huge.toLowerCase()).toContain('content-type: application/problem+json');
      expect(huge.toLowerCase()).toContain('x-content-type-options: nosniff');
      const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
      expect(garbage).toContain('"status":400');
    } finally {
      await server.close();
    }
  });

  it('says nosniff, no-store and no framing on every API response; a route may allow caching', async () => {
    for (const url of ['/hardening/items/1', '/nowhere', '/health/live']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    // Only Swagger UI itself is exempt from the policy, not whatever starts with /docs.
    const lookalike = await app.inject({ method: 'GET', url: '/docsfoo' });
    expect(lookalike.headers['content-security-policy']).toContain("default-src 'none'");
    const cacheable = await app.inject({ method: 'GET', url: '/hardening/cacheable' });
    expect(cacheable.headers['cache-control']).toBe('public, max-age=60');
  });

  it('documents 400 and the platform errors of every operation with the problem schema', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs-json' })).json();
    expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status']);
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    const post = document.paths['/hardening'].post.responses;
    for (const status of ['400', '413', '415', '500']) expect(post[status].content).toEqual(problem);
    expect(document.paths['/hardening/items/{id}'].get.responses['414'].content).toEqual(problem);
  });
});

describe('client address and surface', () => {
  const whoami = (app: NestFastifyApplication, remoteAddress: string) =>
    app
      .inject({
        method: 'GET',
        url: '/hardening/whoami',
        remoteAddress,
        headers: { 'x-forwarded-for': '203.0.113.7' },
      })
      .then((res) => res.json().ip);

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const untrusting = await appWith();
    const trusting = await appWith({ trustedProxies: ['10.0.0.0/8'] });
    try {
      expect(await whoami(untrusting, '10.1.2.3')).toBe('10.1.2.3');
      expect(await whoami(trusting, '10.1.2.3')).toBe('203.0.113.7');
      expect(await whoami(trusting, '192.0.2.50')).toBe('192.0.2.50');
    } finally {
      await Promise.all([untrusting.close(), trusting.close()]);
    }
  });

  it('serves no OpenAPI document when docs are off', async () => {
    const app = await appWith({ docs: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/docs-json' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
