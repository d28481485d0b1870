import { containersOf, podSpecOf } from './env-drift';
import { shopflowServiceOf } from './compose-model';
import { describeObject, type KubernetesObject } from './workspace';

/** Checks of the rendered Deployments against what the services do: ports, probes, shutdown. */

interface ServiceContainer {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const deployments = (objects: KubernetesObject[]) => objects.filter((o) => o.kind === 'Deployment');

function configValue(
  objects: KubernetesObject[],
  container: ServiceContainer,
  key: string,
): string | undefined {
  const envFrom = (container as { envFrom?: { configMapRef?: { name: string } }[] }).envFrom ?? [];
  for (const source of envFrom) {
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef?.name);
    if (map?.data?.[key] !== undefined) return map.data[key];
  }
  return undefined;
}

/**
 * The container port is the service's port (tools/db/databases.mjs and HTTP_PORT agree), the
 * probes hit the app's real probe paths on it, and the Service targets it.
 */
export function portAndProbeProblems(objects: KubernetesObject[], ports: Record<string, number>): string[] {
  return deployments(objects).flatMap((deployment) =>
    (containersOf(deployment) as ServiceContainer[]).flatMap((container) => {
      const service = shopflowServiceOf(container.image);
      if (!service) return [];
      const where = `${describeObject(deployment)}`;
      const problems: string[] = [];
      const expected = ports[service];
      const http = container.ports?.find((p) => p.name === 'http');
      if (!http) problems.push(`${where}: no container port named http`);
      else if (http.containerPort !== expected)
        problems.push(
          `${where}: container port ${http.containerPort}, but ${service} listens on ${expected}`,
        );
      const httpPort = configValue(objects, container, 'HTTP_PORT');
      if (httpPort !== String(expected))
        problems.push(`${where}: HTTP_PORT is ${httpPort}, expected ${expected}`);
      const probes = { readinessProbe: '/health/ready', livenessProbe: '/health/live' } as const;
      for (const [probe, path] of Object.entries(probes) as [keyof typeof probes, string][]) {
        const get = container[probe]?.httpGet;
        if (get?.path !== path) problems.push(`${where}: ${probe} must GET ${path}, not ${get?.path}`);
        if (get && get.port !== 'http' && get.port !== expected)
          problems.push(`${where}: ${probe} targets port ${get.port}, not the service port`);
      }
      const serviceObject = objects.find(
        (o) => o.kind === 'Service' && o.metadata.name === deployment.metadata.name,
      );
      const servicePorts = (
        serviceObject?.spec as { ports?: { port: number; targetPort: string | number }[] }
      )?.ports;
      if (!servicePorts?.some((p) => p.targetPort === 'http' || p.targetPort === expected))
        problems.push(`${where}: no Service ${deployment.metadata.name} targeting its http port`);
      return problems;
    }),
  );
}

/**
 * A terminating pod first pauses in preStop (so routing stops), then drains for up to
 * SHUTDOWN_TIMEOUT_MS (consumers leave their group first); only then may the kubelet kill it.
 * Rolling updates never take a pod away before its replacement is ready.
 */
export function shutdownAndRolloutProblems(objects: KubernetesObject[]): string[] {
  return deployments(objects).flatMap((deployment) => {
    const pod = podSpecOf(deployment) as { terminationGracePeriodSeconds?: number } | undefined;
    const where = describeObject(deployment);
    const strategy = (
      deployment.spec as { strategy?: { rollingUpdate?: { maxUnavailable?: number | string } } }
    ).strategy;
    const problems: string[] = [];
    if (strategy?.rollingUpdate?.maxUnavailable !== 0)
      problems.push(`${where}: rolling update needs maxUnavailable: 0`);
    for (const container of containersOf(deployment) as ServiceContainer[]) {
      if (!shopflowServiceOf(container.image)) continue;
      const sleep = container.lifecycle?.preStop?.exec?.command;
      const pause = sleep?.[0] === 'sleep' ? Number(sleep[1]) : NaN;
      if (!Number.isFinite(pause)) problems.push(`${where}: preStop must pause (sleep N)`);
      const drainMs = Number(configValue(objects, container, 'SHUTDOWN_TIMEOUT_MS'));
      if (!Number.isFinite(drainMs)) problems.push(`${where}: SHUTDOWN_TIMEOUT_MS must be set explicitly`);
      const grace = pod?.terminationGracePeriodSeconds ?? 30;
      if (Number.isFinite(pause) && Number.isFinite(drainMs) && grace <= pause + drainMs / 1000)
        problems.push(
          `${where}: terminationGracePeriodSeconds ${grace} must exceed preStop ${pause} s + drain ${drainMs / 1000} s`,
        );
    }
    return problems;
  });
}

/**
 * Infrastructure held to the services' standard: the images that run with a read-only root (Redis
 * for the catalog cache). Kafka and MySQL write their configuration at start, so they are not here.
 */
export const HARDENED_INFRASTRUCTURE = /^redis:/;

/** Non-root, read-only root filesystem, no capabilities, bounded resources. */
export function hardeningProblems(objects: KubernetesObject[]): string[] {
  return objects.flatMap((object) => {
    const pod = podSpecOf(object) as { securityContext?: { runAsNonRoot?: boolean } } | undefined;
    const services = (containersOf(object) as ServiceContainer[]).filter(
      (c) => shopflowServiceOf(c.image) || HARDENED_INFRASTRUCTURE.test(c.image),
    );
    if (!pod || services.length === 0) return [];
    const where = describeObject(object);
    const problems = pod.securityContext?.runAsNonRoot ? [] : [`${where}: runAsNonRoot is not set`];
    for (const c of services) {
      if (c.securityContext?.readOnlyRootFilesystem !== true)
        problems.push(`${where}: ${c.name} root filesystem is writable`);
      if (c.securityContext?.allowPrivilegeEscalation !== false)
        problems.push(`${where}: ${c.name} allows privilege escalation`);
      if (!c.securityContext?.capabilities?.drop?.includes('ALL'))
        problems.push(`${where}: ${c.name} keeps capabilities`);
      if (!c.resources?.requests?.['memory'] || !c.resources?.limits?.['memory'])
        problems.push(`${where}: ${c.name} has no memory request and limit`);
    }
    return problems;
  });
}
