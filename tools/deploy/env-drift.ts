import { containerEnvironment, shopflowServiceOf, type ComposeFile } from './compose-model';
import { describeObject, type KubernetesObject } from './workspace';

/** service -> the variables its config schema requires (from `describe-config`). */
export type RequiredVariables = Record<string, string[]>;

/**
 * Every compose container that runs a shopflow image (the service and its one-shot migration and
 * topic creation alike: each loads the full config) sets every variable its service requires.
 */
export function composeEnvProblems(
  compose: ComposeFile,
  required: RequiredVariables,
  readEnvFile?: (path: string) => string,
): string[] {
  return Object.entries(compose.services).flatMap(([name, container]) => {
    const service = shopflowServiceOf(container.image);
    if (!service) return [];
    if (!required[service]) return [`compose ${name}: runs unknown service image ${container.image}`];
    const environment = containerEnvironment(container, readEnvFile);
    return required[service]
      .filter((variable) => !environment[variable])
      .map((variable) => `compose ${name}: ${variable} (required by ${service}) is not set`);
  });
}

interface Container {
  name: string;
  image: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string };
      configMapKeyRef?: { name: string; key: string };
    };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
}

/** The pod template of a workload, or undefined for objects that run no pods. */
export function podSpecOf(object: KubernetesObject): PodSpec | undefined {
  const spec = object.spec as {
    template?: { spec?: PodSpec };
    jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
  };
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

export const containersOf = (object: KubernetesObject): Container[] => {
  const pod = podSpecOf(object);
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
};

/**
 * Every container running a shopflow image in a rendered overlay gets every variable its service
 * requires: as a literal, a ConfigMap key, or a Secret key. A Secret the overlay does not render
 * (production: supplied by the operator) counts by its declared key; a whole-Secret envFrom cannot
 * be checked and so is not accepted for required variables.
 */
export function kubernetesEnvProblems(objects: KubernetesObject[], required: RequiredVariables): string[] {
  const configMaps = new Map(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, Object.keys(o.data ?? {})]),
  );
  return objects.flatMap((object) =>
    containersOf(object).flatMap((container) => {
      const service = shopflowServiceOf(container.image);
      if (!service) return [];
      const where = `${describeObject(object)} container ${container.name}`;
      if (!required[service]) return [`${where}: runs unknown service image ${container.image}`];
      const set = new Set<string>();
      for (const source of container.envFrom ?? []) {
        const keys = source.configMapRef ? configMaps.get(source.configMapRef.name) : undefined;
        if (source.configMapRef && !keys) set.add(`!missing-configmap:${source.configMapRef.name}`);
        for (const key of keys ?? []) set.add(key);
      }
      for (const variable of container.env ?? []) {
        const fromConfigMap = variable.valueFrom?.configMapKeyRef;
        if (variable.value || variable.valueFrom?.secretKeyRef) set.add(variable.name);
        else if (fromConfigMap && configMaps.get(fromConfigMap.name)?.includes(fromConfigMap.key))
          set.add(variable.name);
      }
      const missingConfigMaps = [...set]
        .filter((entry) => entry.startsWith('!missing-configmap:'))
        .map(
          (entry) =>
            `${where}: envFrom names ConfigMap ${entry.split(':')[1]}, which the overlay does not render`,
        );
      return [
        ...missingConfigMaps,
        ...required[service]
          .filter((variable) => !set.has(variable))
          .map((variable) => `${where}: ${variable} (required by ${service}) is not set`),
      ];
    }),
  );
}

/**
 * Secrets an overlay generates must hold every key its containers reference (a typo in a
 * generator literal would only show as a pod stuck in CreateContainerConfigError).
 */
export function generatedSecretProblems(objects: KubernetesObject[]): string[] {
  const secrets = new Map(
    objects
      .filter((o) => o.kind === 'Secret')
      .map((o) => [o.metadata.name, new Set(Object.keys({ ...o.data, ...o.stringData }))]),
  );
  if (secrets.size === 0) return [];
  return objects.flatMap((object) =>
    containersOf(object).flatMap((container) =>
      (container.env ?? []).flatMap(({ name, valueFrom }) => {
        const ref = valueFrom?.secretKeyRef as { name: string; key: string; optional?: boolean } | undefined;
        if (!ref || ref.optional) return [];
        const keys = secrets.get(ref.name);
        if (!keys)
          return [`${describeObject(object)}: ${name} reads Secret ${ref.name}, which is not generated`];
        return keys.has(ref.key)
          ? []
          : [`${describeObject(object)}: Secret ${ref.name} has no key ${ref.key}`];
      }),
    ),
  );
}

/** service -> every variable its config schema reads, required or optional (`describe-config`). */
export type KnownVariables = Record<string, string[]>;

/** The variables a container sets, with their literal values where the overlay renders them. */
function containerVariables(container: Container, configMaps: Map<string, Record<string, string>>) {
  const variables = new Map<string, string | undefined>();
  for (const source of container.envFrom ?? [])
    if (source.configMapRef)
      for (const [name, value] of Object.entries(configMaps.get(source.configMapRef.name) ?? {}))
        variables.set(name, value);
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.configMapKeyRef;
    variables.set(variable.name, variable.value ?? (ref ? configMaps.get(ref.name)?.[ref.key] : undefined));
  }
  return variables;
}

const renderedConfigMaps = (objects: KubernetesObject[]) =>
  new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));

/**
 * Every variable a manifest sets for a service is one the service reads: a misspelt optional
 * variable (KAFKA_SSL_CA_FIEL) would otherwise be ignored in silence and leave a connection plaintext.
 */
export function unknownVariableProblems(objects: KubernetesObject[], known: KnownVariables): string[] {
  const configMaps = renderedConfigMaps(objects);
  return objects.flatMap((object) =>
    containersOf(object).flatMap((container) => {
      const service = shopflowServiceOf(container.image);
      const reads = service ? known[service] : undefined;
      if (!reads) return [];
      return [...containerVariables(container, configMaps).keys()]
        .filter((name) => !reads.includes(name))
        .map(
          (name) => `${describeObject(object)} container ${container.name}: ${service} does not read ${name}`,
        );
    }),
  );
}

/**
 * A `*_FILE` variable (a CA, a key, a password) names a file inside one of the container's volume
 * mounts: with a read-only root file system, any other path cannot exist. The one-shot commands
 * (migrate, create-topics) load only the common variables (run-service.ts), so for them only the
 * Kafka and database files count: a migration Job need not mount the JWT signing keys.
 */
export function unmountedFileProblems(objects: KubernetesObject[]): string[] {
  const configMaps = renderedConfigMaps(objects);
  return objects.flatMap((object) =>
    containersOf(object).flatMap((container) => {
      if (!shopflowServiceOf(container.image)) return [];
      const mounts = ((container as { volumeMounts?: { mountPath: string }[] }).volumeMounts ?? []).map(
        (m) => `${m.mountPath.replace(/\/$/, '')}/`,
      );
      const serves = ((container as { args?: string[] }).args ?? ['serve'])[0] === 'serve';
      return [...containerVariables(container, configMaps)]
        .filter(([name]) => name.endsWith('_FILE') && (serves || /^(KAFKA|DATABASE)_/.test(name)))
        .filter(([, path]) => path && !mounts.some((m) => path.startsWith(m)))
        .map(
          ([name, path]) =>
            `${describeObject(object)} container ${container.name}: ${name}=${path} is in no volume mount`,
        );
    }),
  );
}
