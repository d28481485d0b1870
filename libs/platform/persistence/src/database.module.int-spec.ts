import { Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, DataSource, Entity, EntityManager, PrimaryGeneratedColumn, type Repository } from 'typeorm';
import { databaseUrl, eventually, freePort, TcpProxy } from '@shopflow/testing';
import { DatabaseHealthIndicator, DatabaseModule } from './database.module';

/** TypeORM's record of an applied migration: any migrated schema has rows. */
@Entity({ name: 'schema_migrations' })
class AppliedMigration {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Injectable()
class Migrations {
  constructor(@InjectRepository(AppliedMigration) readonly repository: Repository<AppliedMigration>) {}
}

/** What PlatformModule gives a service: terminus, app-wide. */
const terminus = TerminusModule.forRoot({ logger: false });
@Global()
@Module({ imports: [terminus], exports: [terminus] })
class Health {}

function boot(url: string): Promise<INestApplicationContext> {
  @Module({
    imports: [
      Health,
      DatabaseModule.forRoot({ url, poolSize: 2 }),
      TypeOrmModule.forFeature([AppliedMigration]),
    ],
    providers: [Migrations],
  })
  class ServiceModule {}
  return NestFactory.createApplicationContext(ServiceModule, { logger: false, abortOnError: false });
}

/** The service's DataSource through @nestjs/typeorm, on the real test database. */
describe('DatabaseModule (real MySQL/MariaDB)', () => {
  it('injects the DataSource, EntityManager and repositories the Nest way, and closes the pool at shutdown', async () => {
    const app = await boot(databaseUrl('auth'));
    const dataSource = app.get(DataSource);
    expect(dataSource.isInitialized).toBe(true);
    expect(app.get(EntityManager)).toBe(dataSource.manager);
    // forFeature's entity reached the DataSource although DatabaseModule was not given it.
    expect(await app.get(Migrations).repository.count()).toBeGreaterThan(0);
    expect(await app.get(DatabaseHealthIndicator).isHealthy()).toEqual({ database: { status: 'up' } });
    await app.close();
    expect(dataSource.isInitialized).toBe(false);
  });

  it('reports the database down for readiness when its connections drop, and up once it is back', async () => {
    const url = new URL(databaseUrl('auth'));
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 3306) });
    url.host = `127.0.0.1:${proxy.port}`;
    const app = await boot(url.toString());
    try {
      const indicator = app.get(DatabaseHealthIndicator);
      await proxy.cut();
      expect(await indicator.isHealthy()).toMatchObject({ database: { status: 'down' } });
      await proxy.restore();
      // Back up at a later probe: the first one may still be opening a new connection.
      await eventually(async () =>
        expect(await indicator.isHealthy()).toEqual({ database: { status: 'up' } }),
      );
    } finally {
      await app.close();
      await proxy.cut();
    }
  });

  it('stops the start at once when the database does not answer, as before TypeOrmModule (no retries)', async () => {
    const started = Date.now();
    await expect(boot(`mysql://nobody:secret@127.0.0.1:${await freePort()}/none`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    // TypeOrmModule's default would retry 9 times, 3 s apart.
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
