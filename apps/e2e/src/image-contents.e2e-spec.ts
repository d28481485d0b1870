import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceName } from '@shopflow/contracts';
import { freePort, serviceEnv, spawnService, waitUntilReady } from '@shopflow/testing';

const WORKSPACE = join(__dirname, '../../..');

/**
 * An image's contents, proven without Docker: what deploy/docker/Dockerfile's runtime stages do.
 * The production dependencies the build listed (dist/apps/<svc>/package.json and its lockfile) are
 * installed into an empty folder with `npm ci --omit=dev`, the bundle is copied beside them, and it
 * runs from there in production mode: describe-config, migrate, serve until ready. A dependency
 * missing from the generated package.json fails here, not in a cluster.
 */
describe.each<ServiceName>(['auth', 'catalog', 'order'])('the %s image contents', (service) => {
  jest.setTimeout(180_000);
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), `shopflow-image-${service}-`));
    for (const file of ['main.js', 'package.json', 'package-lock.json'])
      copyFileSync(join(WORKSPACE, 'dist/apps', service, file), join(folder, file));
    // As the Dockerfile: lockfile only, no dev dependencies, no install scripts; from npm's cache
    // when it holds the packages (npm test's own `npm ci` filled it).
    await promisify(execFile)(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: folder },
    );
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('lists its variables, migrates and serves in production mode, from its own node_modules only', async () => {
    const env = {
      ...serviceEnv(service),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(await freePort()),
      // Production refuses generated keys: auth is given one, as a Secret would.
      JWT_PRIVATE_KEYS: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    };
    const described = spawnService(service, env, ['describe-config'], { from: folder });
    expect(await described.exited).toBe(0);
    expect(JSON.parse(described.output()).required).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS']),
    );

    const migrate = spawnService(service, env, ['migrate'], { from: folder });
    expect([await migrate.exited, migrate.output()]).toEqual([0, expect.any(String)]);

    const serving = spawnService(service, env, [], { from: folder });
    try {
      await waitUntilReady(serving, 60_000);
      // Production serves no OpenAPI document unless API_DOCS says so.
      expect((await fetch(`${serving.baseUrl}/docs-json`)).status).toBe(404);
    } finally {
      await serving.stop();
    }
  });
});
