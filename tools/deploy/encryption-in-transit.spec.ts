import {
  containersOf,
  unknownVariableProblems,
  unmountedFileProblems,
  type KnownVariables,
} from './env-drift';
import {
  describeServiceConfig,
  loadServiceDatabases,
  renderKustomization,
  type KubernetesObject,
} from './workspace';

/** ADR 0010 in the manifests: production encrypts every connection that leaves a pod; local does not. */
const production = renderKustomization('deploy/k8s/overlays/production');
const local = renderKustomization('deploy/k8s/overlays/local');
const copy = (objects: KubernetesObject[]) => structuredClone(objects);
const find = (objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;

type Container = ReturnType<typeof containersOf>[number] & {
  args?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
};

/** Each container running a service image, with the variables it ends up with (literal or from a ConfigMap). */
function serviceContainers(objects: KubernetesObject[]) {
  const configMaps = new Map(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]),
  );
  return objects.flatMap((object) =>
    containersOf(object)
      .filter((c) => c.image.startsWith('shopflow/') && !c.image.startsWith('shopflow/loadgen'))
      .map((container) => {
        const env: Record<string, string> = {};
        for (const from of container.envFrom ?? [])
          Object.assign(env, configMaps.get(from.configMapRef?.name ?? '') ?? {});
        for (const e of container.env ?? [])
          env[e.name] =
            e.value ?? (e.valueFrom?.secretKeyRef ? `secret:${e.valueFrom.secretKeyRef.name}` : '');
        return {
          where: `${object.kind}/${object.metadata.name}/${container.name}`,
          container: container as Container,
          env,
        };
      }),
  );
}

describe('encryption in transit (Kubernetes)', () => {
  let known: KnownVariables;
  beforeAll(() => {
    known = Object.fromEntries(
      loadServiceDatabases().map(({ service }) => {
        const { required, optional } = describeServiceConfig(service);
        return [service, [...required, ...optional]];
      }),
    );
  }, 180_000);

  it('production: every service container verifies Kafka and MySQL against the mounted CAs', () => {
    const containers = serviceContainers(production);
    // Per service: its Deployment, its migrate Job and its create-topics container (9 for three).
    expect(containers.length).toBe(3 * loadServiceDatabases().length);
    for (const { where, container, env } of containers) {
      expect({ where, ...pick(env, ['KAFKA_SSL', 'DATABASE_SSL']) }).toEqual({
        where,
        KAFKA_SSL: 'true',
        DATABASE_SSL: 'true',
      });
      expect(container.volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'backend-ca', mountPath: '/var/run/secrets/shopflow/backend-ca' }),
      );
      // Those that talk to Kafka authenticate as their service, with a password from its Secret.
      if (container.args?.[0] !== 'migrate') {
        const service = container.image.split(/[/:]/)[1];
        expect({ where, user: env['KAFKA_SASL_USERNAME'], password: env['KAFKA_SASL_PASSWORD'] }).toEqual({
          where,
          user: service,
          password: `secret:${service}-secrets`,
        });
      }
    }
  });

  it('production: the Ingress terminates TLS and the in-cluster servers serve it', () => {
    const ingress = find(production, 'Ingress', 'shopflow').spec as { tls: { secretName: string }[] };
    expect(ingress.tls).toEqual([expect.objectContaining({ secretName: 'shopflow-tls' })]);
    const kafka = Object.fromEntries(
      (containersOf(find(production, 'StatefulSet', 'kafka'))[0]!.env ?? []).map((e) => [e.name, e.value]),
    );
    expect(kafka['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']).toBe('CONTROLLER:PLAINTEXT,CLIENT:SASL_SSL');
    expect(kafka['KAFKA_INTER_BROKER_LISTENER_NAME']).toBe('CLIENT');
    const mysql = containersOf(find(production, 'StatefulSet', 'mysql'))[0] as Container;
    expect(mysql.args).toContain('--require-secure-transport=ON');
  });

  it('local: stays plaintext (no TLS settings, no TLS at the Ingress)', () => {
    for (const { env } of serviceContainers(local))
      expect(Object.keys(env).filter((name) => /_SSL|_SASL_/.test(name))).toEqual([]);
    expect((find(local, 'Ingress', 'shopflow').spec as { tls?: unknown }).tls).toBeUndefined();
  });

  it.each([
    ['local', local],
    ['production', production],
  ])('%s: sets only variables the services read, and every *_FILE inside a mount', (_, objects) => {
    expect(unknownVariableProblems(objects, known)).toEqual([]);
    expect(unmountedFileProblems(objects)).toEqual([]);
  });

  it('reports a misspelt variable and a CA file outside every mount', () => {
    const objects = copy(production);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('order-config'))!;
    config.data!['KAFKA_SSL_CA_FIEL'] = config.data!['KAFKA_SSL_CA_FILE']!;
    config.data!['DATABASE_SSL_CA_FILE'] = '/etc/ssl/mysql-ca.crt';
    expect(unknownVariableProblems(objects, known)).toContain(
      'Deployment/order container order: order does not read KAFKA_SSL_CA_FIEL',
    );
    expect(unmountedFileProblems(objects)).toContain(
      'Job/order-migrate container order: DATABASE_SSL_CA_FILE=/etc/ssl/mysql-ca.crt is in no volume mount',
    );
  });
});

const pick = (env: Record<string, string>, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, env[name]]));
