import {
  containerEnvironment,
  servingContainers,
  shopflowServiceOf,
  type ComposeFile,
} from './compose-model';

/**
 * Compose wiring the schema cannot see: each container serving a service (one per replica)
 * listens, exposes and health-checks on its port; it starts only after its migration and topic
 * creation completed and its infrastructure is healthy. Replicas of one service have distinct
 * Kafka client ids (the consumer group is the service's, the same for all).
 */
export function composeWiringProblems(
  compose: ComposeFile,
  ports: Record<string, number>,
  readEnvFile?: (path: string) => string,
): string[] {
  return Object.entries(ports).flatMap(([service, port]) => {
    const replicas = servingContainers(compose, service);
    if (replicas.length === 0) return [`compose: no container serves ${service}`];
    const oneShots = Object.entries(compose.services).filter(
      ([, c]) => shopflowServiceOf(c.image) === service && c.command?.length,
    );
    const problems: string[] = [];
    if (!oneShots.some(([, c]) => c.command?.[0] === 'migrate'))
      problems.push(`compose ${service}: no migration one-shot`);
    const clientIds = new Map<string, string>();
    for (const name of replicas) {
      const container = compose.services[name]!;
      const environment = containerEnvironment(container, readEnvFile);
      if (environment['HTTP_PORT'] !== String(port))
        problems.push(`compose ${name}: HTTP_PORT must be ${port}`);
      if (!container.expose?.map(String).includes(String(port)))
        problems.push(`compose ${name}: does not expose ${port}`);
      if (!container.healthcheck?.test?.join(' ').includes(`:${port}/health/ready`))
        problems.push(`compose ${name}: health check must GET :${port}/health/ready`);
      const dependsOn = Array.isArray(container.depends_on) ? {} : (container.depends_on ?? {});
      for (const [oneShotName, oneShot] of oneShots)
        if (dependsOn[oneShotName]?.condition !== 'service_completed_successfully')
          problems.push(
            `compose ${name}: must wait for ${oneShotName} (${oneShot.command?.join(' ')}) to complete`,
          );
      for (const infrastructure of ['kafka', 'mysql'])
        if (dependsOn[infrastructure]?.condition !== 'service_healthy')
          problems.push(`compose ${name}: must wait for ${infrastructure} to be healthy`);
      if (replicas.length > 1) {
        const clientId = environment['KAFKA_CLIENT_ID'];
        const other = clientId === undefined ? undefined : clientIds.get(clientId);
        if (!clientId) problems.push(`compose ${name}: a replica needs a KAFKA_CLIENT_ID of its own`);
        else if (other) problems.push(`compose ${name}: KAFKA_CLIENT_ID ${clientId} is also ${other}'s`);
        else clientIds.set(clientId, name);
      }
    }
    return problems;
  });
}

/**
 * The catalog's shared read cache: a Redis container, health-checked, on the port the catalog's
 * REDIS_URL names, and every container serving the catalog points REDIS_URL at it (a replica
 * without it would keep a cache of its own, invalidated only by its own writes and the TTL).
 */
export function composeCacheProblems(compose: ComposeFile, readEnvFile?: (path: string) => string): string[] {
  const problems: string[] = [];
  for (const name of servingContainers(compose, 'catalog')) {
    const value = containerEnvironment(compose.services[name]!, readEnvFile)['REDIS_URL'];
    if (!value) {
      problems.push(`compose ${name}: REDIS_URL is not set`);
      continue;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`compose ${name}: REDIS_URL ${value} is not a URL`);
      continue;
    }
    const redis = compose.services[url.hostname];
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
      problems.push(`compose ${name}: REDIS_URL ${value} is not a redis:// URL`);
    if (!redis) {
      problems.push(`compose ${name}: REDIS_URL names ${url.hostname}, which is no compose service`);
      continue;
    }
    if (!/^redis:/.test(redis.image ?? ''))
      problems.push(`compose ${name}: REDIS_URL names ${url.hostname}, which runs ${redis.image}, not Redis`);
    const command = (redis as { command?: string[] }).command ?? [];
    const portFlag = command.indexOf('--port');
    const redisPort = portFlag >= 0 ? command[portFlag + 1] : '6379';
    if ((url.port || '6379') !== redisPort)
      problems.push(
        `compose ${name}: REDIS_URL port ${url.port || '6379'}, but Redis listens on ${redisPort}`,
      );
    if (!redis.healthcheck?.test?.length) problems.push(`compose ${url.hostname}: no health check`);
  }
  return problems;
}
