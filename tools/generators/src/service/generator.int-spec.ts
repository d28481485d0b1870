import { requireTestEnv } from '@shopflow/testing';
import { failureOf, ScratchWorkspace, type CommandResult } from './test-support/scratch-workspace';
import { provisionTestDatabases } from './test-support/test-databases';

const NAME = 'example';

/**
 * The generator's promise, proven end to end: in a scratch copy of this workspace,
 * `nx g @shopflow/tools:service` adds a service that lints, type-checks, passes every deployment
 * drift check (tools/deploy) and passes its own integration spec on the real MySQL and Kafka that
 * `npm test` provides. The checks run side by side once the service is generated and built.
 */
describe(`nx g @shopflow/tools:service --name=${NAME} (a scratch copy of the workspace)`, () => {
  jest.setTimeout(300_000);
  let workspace: ScratchWorkspace;
  let databases: Awaited<ReturnType<typeof provisionTestDatabases>> | undefined;
  let checks: Record<'lint' | 'typecheck' | 'drift' | 'integration', Promise<CommandResult>>;

  beforeAll(async () => {
    const adminUrl = requireTestEnv('MYSQL_ADMIN_URL');
    const brokers = requireTestEnv('KAFKA_BROKERS');
    workspace = ScratchWorkspace.create();
    const generated = await workspace.run('nx', [
      'g',
      '@shopflow/tools:service',
      `--name=${NAME}`,
      '--no-interactive',
    ]);
    expect(failureOf(generated)).toBe('');
    const built = await workspace.run('nx', ['build', NAME]);
    expect(failureOf(built)).toBe('');
    databases = await provisionTestDatabases(workspace, adminUrl);
    const serviceEnv = { DATABASE_URL: databases.urls[NAME]!, KAFKA_BROKERS: brokers, LOG_LEVEL: 'warn' };
    // As npm test prepares every service: its own `migrate` and `create-topics`, then its specs.
    const integration = (async () => {
      for (const command of ['migrate', 'create-topics']) {
        const step = await workspace.run('node', [`dist/apps/${NAME}/main.js`, command], serviceEnv);
        if (step.code !== 0) return step;
      }
      return workspace.run('jest', ['--ci', '-c', `apps/${NAME}/jest.config.js`], {
        [`${NAME.toUpperCase()}_DATABASE_URL`]: databases!.urls[NAME]!,
      });
    })();
    checks = {
      lint: workspace.run('eslint', [`apps/${NAME}`, 'libs/contracts/src', 'tools/db', 'eslint.config.mjs']),
      typecheck: workspace.run('tsc', ['-p', `apps/${NAME}/tsconfig.json`, '--noEmit']),
      drift: workspace.run('jest', ['--ci', '-c', 'tools/jest.config.js', 'tools/deploy']),
      integration,
    };
  });

  afterAll(async () => {
    // Everything started is finished before the copy and the schemas go.
    if (checks) await Promise.all(Object.values(checks));
    await databases?.drop();
    workspace?.remove();
  });

  it('lints: the new app and the contracts, database list and lint config it changed', async () => {
    expect(failureOf(await checks.lint)).toBe('');
  });

  it('type-checks the new app (and through it the contracts it extended)', async () => {
    expect(failureOf(await checks.typecheck)).toBe('');
  });

  it('passes every deployment drift check: compose, gateway, Kubernetes, Prometheus, MySQL init', async () => {
    const drift = await checks.drift;
    expect(failureOf(drift)).toBe('');
    expect(drift.output).not.toMatch(/Tests:.*failed/);
  });

  it("passes the generated service's own integration spec on the real database and broker", async () => {
    const integration = await checks.integration;
    expect(failureOf(integration)).toBe('');
    expect(integration.output).toMatch(/Tests:\s+5 passed, 5 total/);
    expect(integration.output).toContain('hears its own event through its @OnEvent handler');
  });
});
