import {
  containersOf,
  generatedSecretProblems,
  kubernetesEnvProblems,
  type RequiredVariables,
} from './env-drift';
import { kubernetesSchemaProblems } from './kubernetes-schema';
import { hardeningProblems, portAndProbeProblems, shutdownAndRolloutProblems } from './workload-checks';
import {
  describeServiceConfig,
  loadServiceDatabases,
  overlayDirs,
  renderKustomization,
  type KubernetesObject,
} from './workspace';

const databases = loadServiceDatabases();
const ports = Object.fromEntries(databases.map((d) => [d.service, d.port]));
const overlays = overlayDirs();
const rendered = new Map(overlays.map((dir) => [dir, renderKustomization(dir)]));
const objectsOf = (dir: string): KubernetesObject[] => structuredClone(rendered.get(dir)!);
const find = (objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;
type Env = { name: string; value?: string }[];
const kafkaEnv = (objects: KubernetesObject[]) =>
  Object.fromEntries(
    ((containersOf(find(objects, 'StatefulSet', 'kafka'))[0]!.env ?? []) as Env).map((e) => [
      e.name,
      e.value,
    ]),
  );

describe('Kubernetes manifests', () => {
  let required: RequiredVariables;
  beforeAll(() => {
    required = Object.fromEntries(
      databases.map((d) => [d.service, describeServiceConfig(d.service).required]),
    );
  }, 180_000);

  it('has the local and production overlays', () => {
    expect(overlays).toEqual(['deploy/k8s/overlays/local', 'deploy/k8s/overlays/production']);
  });

  describe.each(overlays)('%s', (dir) => {
    it('renders and every object validates against the Kubernetes schemas', () => {
      const objects = objectsOf(dir);
      expect(objects.length).toBeGreaterThan(20);
      expect(objects.flatMap(kubernetesSchemaProblems)).toEqual([]);
    });

    it('sets every variable each service requires in every container running it', () => {
      expect(kubernetesEnvProblems(objectsOf(dir), required)).toEqual([]);
      expect(generatedSecretProblems(objectsOf(dir))).toEqual([]);
    });

    it('runs the services on their ports with the real probe paths', () => {
      expect(portAndProbeProblems(objectsOf(dir), ports)).toEqual([]);
    });

    it('drains cleanly: preStop pause + drain < grace period, maxUnavailable 0', () => {
      expect(shutdownAndRolloutProblems(objectsOf(dir))).toEqual([]);
    });

    it('runs non-root, read-only, without capabilities, with resource bounds', () => {
      expect(hardeningProblems(objectsOf(dir))).toEqual([]);
    });

    it('has per service a Deployment, Service, ServiceAccount, migration Job, PDB, HPA and NetworkPolicy', () => {
      const objects = objectsOf(dir);
      for (const { service } of databases)
        for (const [kind, name] of [
          ['Deployment', service],
          ['Service', service],
          ['ServiceAccount', service],
          ['Job', `${service}-migrate`],
          ['PodDisruptionBudget', service],
          ['HorizontalPodAutoscaler', service],
          ['NetworkPolicy', service],
        ])
          expect(find(objects, kind!, name!)).toBeDefined();
      expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      });
      expect(find(objects, 'Job', 'create-topics')).toBeDefined();
    });

    it('keeps broker auto-creation of topics off', () => {
      expect(kafkaEnv(objectsOf(dir))['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
    });
  });

  describe('the checks catch broken manifests', () => {
    const local = 'deploy/k8s/overlays/local';

    it('rejects unknown fields and wrong types', () => {
      const objects = objectsOf(local);
      const deployment = find(objects, 'Deployment', 'order');
      (deployment.spec as Record<string, unknown>)['replicasx'] = 3;
      (containersOf(deployment)[0] as unknown as Record<string, unknown>)['imagePullPolicyy'] = 'Always';
      const service = find(objects, 'Service', 'auth');
      (service.spec as { ports: { port: unknown }[] }).ports[0]!.port = 'three thousand';
      expect(kubernetesSchemaProblems(deployment)).toEqual([
        "Deployment/order /spec: must NOT have additional properties 'replicasx'",
        "Deployment/order /spec/template/spec/containers/0: must NOT have additional properties 'imagePullPolicyy'",
      ]);
      expect(kubernetesSchemaProblems(service)).toContainEqual(
        expect.stringMatching(/^Service\/auth \/spec\/ports\/0\/port: must be integer/),
      );
      expect(kubernetesSchemaProblems({ ...deployment, kind: 'Deploymnt' })).toEqual([
        'Deploymnt/order: no Kubernetes schema for apps/v1 Deploymnt',
      ]);
    });

    it('reports a required variable an overlay does not set', () => {
      const objects = objectsOf(local);
      const configMap = objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('catalog-config'),
      )!;
      delete configMap.data!['JWT_JWKS_URL'];
      const problems = kubernetesEnvProblems(objects, required);
      expect(problems).toContain(
        'Deployment/catalog container catalog: JWT_JWKS_URL (required by catalog) is not set',
      );
      expect(problems).toContain(
        'Job/catalog-migrate container catalog: JWT_JWKS_URL (required by catalog) is not set',
      );
      const production = objectsOf('deploy/k8s/overlays/production');
      const auth = containersOf(find(production, 'Deployment', 'auth'))[0]!;
      auth.env = auth.env!.filter((e) => e.name !== 'DATABASE_URL');
      expect(kubernetesEnvProblems(production, required)).toEqual([
        'Deployment/auth container auth: DATABASE_URL (required by auth) is not set',
      ]);
    });

    it('reports a generated Secret without the key a container reads', () => {
      const objects = objectsOf(local);
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('order-secrets'))!;
      secret.data = {};
      expect(generatedSecretProblems(objects)).toContainEqual(
        expect.stringMatching(/has no key DATABASE_URL/),
      );
    });

    it('reports a wrong port, a wrong probe path, a short grace period and a writable root', () => {
      const objects = objectsOf(local);
      const deployment = find(objects, 'Deployment', 'auth');
      const container = containersOf(deployment)[0] as unknown as {
        ports: { containerPort: number }[];
        readinessProbe: { httpGet: { path: string } };
        securityContext: { readOnlyRootFilesystem: boolean };
      };
      container.ports[0]!.containerPort = 8080;
      container.readinessProbe.httpGet.path = '/healthz';
      container.securityContext.readOnlyRootFilesystem = false;
      (
        deployment.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }
      ).template.spec.terminationGracePeriodSeconds = 12;
      expect(portAndProbeProblems(objects, ports)).toEqual([
        'Deployment/auth: container port 8080, but auth listens on 3001',
        'Deployment/auth: readinessProbe must GET /health/ready, not /healthz',
      ]);
      expect(shutdownAndRolloutProblems(objects)).toEqual([
        'Deployment/auth: terminationGracePeriodSeconds 12 must exceed preStop 5 s + drain 10 s',
      ]);
      expect(hardeningProblems(objects)).toEqual(['Deployment/auth: auth root filesystem is writable']);
    });

    it('holds Redis to the same hardening as the services', () => {
      const objects = objectsOf(local);
      const redis = find(objects, 'Deployment', 'redis');
      const container = containersOf(redis)[0] as unknown as {
        securityContext: { readOnlyRootFilesystem: boolean; capabilities?: unknown };
        resources?: unknown;
      };
      container.securityContext.readOnlyRootFilesystem = false;
      delete container.securityContext.capabilities;
      delete container.resources;
      delete (redis.spec as { template: { spec: { securityContext?: unknown } } }).template.spec
        .securityContext;
      expect(hardeningProblems(objects)).toEqual([
        'Deployment/redis: runAsNonRoot is not set',
        'Deployment/redis: redis root filesystem is writable',
        'Deployment/redis: redis keeps capabilities',
        'Deployment/redis: redis has no memory request and limit',
      ]);
    });
  });

  describe('the catalog cache (components/redis)', () => {
    const catalogConfig = (objects: KubernetesObject[]) =>
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('catalog-config'))!.data!;
    type Rule = {
      to?: { podSelector?: { matchLabels?: Record<string, string> } }[];
      ports?: { port: number }[];
    };
    const catalogEgressToRedis = (objects: KubernetesObject[]) =>
      ((find(objects, 'NetworkPolicy', 'catalog').spec as { egress: Rule[] }).egress ?? []).filter((rule) =>
        rule.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'redis'),
      );

    it('local: Redis runs, its Service and port are the ones REDIS_URL names, only the catalog may reach it', () => {
      const objects = objectsOf('deploy/k8s/overlays/local');
      const url = new URL(catalogConfig(objects)['REDIS_URL']!);
      const service = find(objects, 'Service', url.hostname);
      expect(service).toBeDefined();
      expect((service.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(
        Number(url.port),
      );
      const container = containersOf(find(objects, 'Deployment', 'redis'))[0] as unknown as {
        image: string;
        ports: { containerPort: number }[];
      };
      expect(container.image).toMatch(/^redis:7\.4\.\d+-alpine$/);
      expect(container.ports.map((p) => p.containerPort)).toContain(Number(url.port));
      expect(catalogEgressToRedis(objects)).toEqual([
        {
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }],
          ports: [{ port: 6379, protocol: 'TCP' }],
        },
      ]);
      const redisPolicy = find(objects, 'NetworkPolicy', 'redis').spec as {
        ingress: Rule[];
        egress: unknown[];
      };
      expect(redisPolicy.egress).toEqual([]);
      expect(redisPolicy.ingress.flatMap((r) => (r as { from: unknown[] }).from)).toEqual([
        {
          podSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'catalog', 'app.kubernetes.io/component': 'api' },
          },
        },
      ]);
    });

    it('production: no in-cluster Redis and no REDIS_URL until the operator points it at one (in-process LRU)', () => {
      const objects = objectsOf('deploy/k8s/overlays/production');
      expect(objects.filter((o) => o.metadata.name === 'redis')).toEqual([]);
      expect(catalogConfig(objects)['REDIS_URL']).toBeUndefined();
      expect(catalogEgressToRedis(objects)).toEqual([]);
    });
  });

  describe('overlay differences', () => {
    it('local: one auth, two catalog and order replicas (as compose), in-cluster Kafka (1 node), MySQL and Redis, generated development secrets', () => {
      const objects = objectsOf('deploy/k8s/overlays/local');
      const replicas = { auth: 1, catalog: 2, order: 2 };
      for (const [name, count] of Object.entries(replicas)) {
        expect((find(objects, 'Deployment', name).spec as { replicas: number }).replicas).toBe(count);
        expect(
          (find(objects, 'HorizontalPodAutoscaler', name).spec as { minReplicas: number }).minReplicas,
        ).toBe(count);
      }
      expect((find(objects, 'StatefulSet', 'kafka').spec as { replicas: number }).replicas).toBe(1);
      expect(find(objects, 'StatefulSet', 'mysql')).toBeDefined();
      expect(
        objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name.replace(/-[a-z0-9]{10}$/, '')),
      ).toEqual(
        expect.arrayContaining([
          'mysql-credentials',
          'auth-secrets',
          'catalog-secrets',
          'order-secrets',
          'auth-jwt-signing-keys',
        ]),
      );
    });

    it('production: three replicas, three Kafka voters with replication 3 and min.insync.replicas 2, no Secrets', () => {
      const objects = objectsOf('deploy/k8s/overlays/production');
      for (const name of ['auth', 'catalog', 'order']) {
        expect((find(objects, 'Deployment', name).spec as { replicas: number }).replicas).toBe(3);
        expect(
          (find(objects, 'HorizontalPodAutoscaler', name).spec as { minReplicas: number }).minReplicas,
        ).toBe(3);
      }
      expect((find(objects, 'StatefulSet', 'kafka').spec as { replicas: number }).replicas).toBe(3);
      const env = kafkaEnv(objects);
      expect(env['KAFKA_CONTROLLER_QUORUM_VOTERS']!.split(',')).toHaveLength(3);
      expect(env['KAFKA_DEFAULT_REPLICATION_FACTOR']).toBe('3');
      expect(env['KAFKA_MIN_INSYNC_REPLICAS']).toBe('2');
      expect(env['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR']).toBe('3');
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    });
  });
});
