import { FsTree } from 'nx/src/generators/tree';
import { serviceGenerator } from './generator';
import { ROOT } from './test-support/scratch-workspace';

/** The generator on this workspace's files, in memory (nothing is written). */
describe('service generator (in memory, on this workspace)', () => {
  const tree = () => new FsTree(ROOT, false);

  it.each([['catalog'], ['order']])('refuses %s, a service that exists, saying so', async (name) => {
    await expect(serviceGenerator(tree(), { name, skipFormat: true })).rejects.toThrow(
      `a service or app named "${name}" already exists`,
    );
  });

  it.each([['Billing'], ['bill-ing'], ['ab'], ['billing2']])(
    'refuses %s, which is no one-word lowercase name',
    async (name) => {
      await expect(serviceGenerator(tree(), { name, skipFormat: true })).rejects.toThrow(
        /is not a service name/,
      );
    },
  );

  it('adds the app, its contract, its deployment files, and edits every list that names the services', async () => {
    const workspace = tree();
    await serviceGenerator(workspace, { name: 'billing', skipFormat: true });
    const changes = workspace.listChanges();
    const created = changes.filter((c) => c.type === 'CREATE').map((c) => c.path);
    const updated = changes.filter((c) => c.type === 'UPDATE').map((c) => c.path);
    expect(created).toEqual(
      expect.arrayContaining([
        'apps/billing/project.json',
        'apps/billing/src/main.ts',
        'apps/billing/src/billing.int-spec.ts',
        'apps/billing/src/items/items.events.controller.ts',
        'libs/contracts/src/events/billing-events.ts',
        'deploy/compose/env/billing.env',
        'deploy/k8s/base/billing/deployment.yaml',
        'deploy/k8s/components/encryption-in-transit/sasl-billing.yaml',
      ]),
    );
    expect(created.filter((path) => path.startsWith('deploy/k8s/base/billing/'))).toHaveLength(8);
    expect(updated.sort()).toEqual(
      [
        'deploy/compose/env/mysql.env',
        'deploy/compose/nginx/gateway.conf',
        'deploy/compose/prometheus/prometheus.yml',
        'deploy/k8s/base/auth/network-policy.yaml',
        'deploy/k8s/base/create-topics-job.yaml',
        'deploy/k8s/base/ingress.yaml',
        'deploy/k8s/base/kustomization.yaml',
        'deploy/k8s/components/encryption-in-transit/create-topics-tls.yaml',
        'deploy/k8s/components/encryption-in-transit/kafka-sasl-ssl.yaml',
        'deploy/k8s/components/encryption-in-transit/kustomization.yaml',
        'deploy/k8s/components/mysql/initdb/create-service-databases.sh',
        'deploy/k8s/components/mysql/network-policy.yaml',
        'deploy/k8s/overlays/local/kustomization.yaml',
        'deploy/k8s/overlays/production/autoscaling.yaml',
        'deploy/k8s/overlays/production/kustomization.yaml',
        'docker-compose.yml',
        'eslint.config.mjs',
        'libs/contracts/src/events/envelope.ts',
        'libs/contracts/src/events/event-registry.ts',
        'libs/contracts/src/index.ts',
        'libs/contracts/src/topics/topics.ts',
        'tools/db/databases.mjs',
      ].sort(),
    );
    const read = (path: string) => workspace.read(path, 'utf-8') ?? '';
    expect(read('tools/db/databases.mjs')).toMatch(
      /service: 'billing',\s+schema: 'billing',[\s\S]*port: 3004/,
    );
    expect(read('libs/contracts/src/topics/topics.ts')).toContain(
      `export type ServiceName = 'auth' | 'catalog' | 'order' | 'billing';`,
    );
    expect(read('libs/contracts/src/topics/topics.ts')).toMatch(
      /billing: \{\s+groupId: 'billing-service',[\s\S]*deadLetterTopic: 'billing-service\.dlq',\s+\},\n\} as const satisfies Record<string, ConsumerGroupDefinition>/,
    );
    expect(read('apps/billing/src/items/items.events.controller.ts')).toContain(
      '@OnEvent(BillingItemCreatedV1)',
    );
    expect(read('apps/billing/project.json')).toContain('"tags": ["scope:billing", "type:app"]');
    expect(read('eslint.config.mjs')).toContain(
      `{ sourceTag: 'scope:billing', onlyDependOnLibsWithTags: ['scope:billing', 'scope:shared'] }`,
    );
  });
});
