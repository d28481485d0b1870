import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { commonEnv, databaseTlsFrom, loadConfig } from '@shopflow/platform/config';
import { PrivateMariaDb, TestCertificates } from '@shopflow/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';

const PROVISION = join(__dirname, '../../../../tools/db/provision.mjs');
const PASSWORD = randomUUID();

/**
 * Encryption in transit to MySQL, proved on a real server (ADR 0010): a private MariaDB with TLS
 * (certificates made by openssl for this run), its service users provisioned by tools/db with
 * DB_REQUIRE_SSL=true, reached through the DataSource factory configured from the environment as a
 * service configures it.
 */
describe('MySQL over TLS (real MariaDB)', () => {
  jest.setTimeout(90_000);
  let certs: TestCertificates;
  let server: PrivateMariaDb;
  let url: string;
  const opened: DataSource[] = [];

  beforeAll(async () => {
    certs = await TestCertificates.generate();
    server = await PrivateMariaDb.start({ ca: certs.caCert, cert: certs.serverCert, key: certs.serverKey });
    await promisify(execFile)(process.execPath, [PROVISION], {
      env: {
        ...process.env,
        MYSQL_ADMIN_URL: server.adminUrl,
        DB_PREFIX: 'test_',
        DB_REQUIRE_SSL: 'true',
        AUTH_DB_PASSWORD: PASSWORD,
      },
    });
    url = `mysql://test_auth_svc:${PASSWORD}@127.0.0.1:${server.port}/test_auth`;
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => (d.isInitialized ? d.destroy() : undefined)));
    await server?.stop();
    certs?.remove();
  });

  /** The DataSource as a service opens it: environment → typed config → TLS options. */
  async function connect(env: Record<string, string>, databaseUrl = url): Promise<DataSource> {
    const config = loadConfig(z.object(commonEnv), {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: '127.0.0.1:9',
      ...env,
    });
    const dataSource = createDataSource({
      url: config.DATABASE_URL,
      poolSize: 1,
      tls: databaseTlsFrom(config),
    });
    opened.push(dataSource);
    return dataSource.initialize();
  }

  it('connects with TLS, verified against the configured CA', async () => {
    const dataSource = await connect({ DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: certs.caCert });
    const [status] = await dataSource.query("SHOW STATUS LIKE 'Ssl_cipher'");
    expect(status.Value).toMatch(/^TLS_|^ECDHE|AES/);
  });

  it('refuses a certificate the same CA signed for another host name', async () => {
    const elsewhere = await certs.issue('elsewhere', ['DNS:db.elsewhere.test']);
    const misnamed = await PrivateMariaDb.start({ ca: certs.caCert, ...elsewhere });
    try {
      await expect(
        connect(
          { DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: certs.caCert },
          `mysql://root@localhost:${misnamed.port}/mysql`,
        ),
      ).rejects.toMatchObject({
        code: 'HANDSHAKE_SSL_ERROR',
        message: expect.stringMatching(/does not match certificate's altnames/),
      });
    } finally {
      await misnamed.stop();
    }
  });

  it('is refused without TLS: the provisioned user is REQUIRE SSL', async () => {
    await expect(connect({})).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
  });

  it('refuses a server whose certificate does not chain to the CA it was given', async () => {
    await expect(
      connect({ DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: certs.otherCaCert }),
    ).rejects.toMatchObject({
      code: 'HANDSHAKE_SSL_ERROR',
      message: expect.stringMatching(/self[- ]signed certificate in certificate chain/),
    });
  });

  it('refuses, with TLS required by config, a server that offers no TLS', async () => {
    const plaintext = await PrivateMariaDb.start();
    try {
      await expect(
        connect(
          { DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: certs.caCert },
          `mysql://root@127.0.0.1:${plaintext.port}/mysql`,
        ),
      ).rejects.toMatchObject({ code: 'HANDSHAKE_NO_SSL_SUPPORT' });
    } finally {
      await plaintext.stop();
    }
  });
});
