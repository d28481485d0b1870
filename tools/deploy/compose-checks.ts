import { containerEnvironment, shopflowServiceOf, type ComposeFile } from './compose-model';

/**
 * Compose wiring the schema cannot see: each service listens, exposes and health-checks on its
 * port; it starts only after its migration and topic creation completed and its infrastructure
 * is healthy.
 */
export function composeWiringProblems(
  compose: ComposeFile,
  ports: Record<string, number>,
  readEnvFile?: (path: string) => string,
): string[] {
  return Object.entries(ports).flatMap(([service, port]) => {
    const container = compose.services[service];
    if (!container) return [`compose: no service ${service}`];
    const problems: string[] = [];
    if (shopflowServiceOf(container.image) !== service)
      problems.push(`compose ${service}: runs ${container.image}, not the ${service} image`);
    if (containerEnvironment(container, readEnvFile)['HTTP_PORT'] !== String(port))
      problems.push(`compose ${service}: HTTP_PORT must be ${port}`);
    if (!container.expose?.map(String).includes(String(port)))
      problems.push(`compose ${service}: does not expose ${port}`);
    if (!container.healthcheck?.test?.join(' ').includes(`:${port}/health/ready`))
      problems.push(`compose ${service}: health check must GET :${port}/health/ready`);
    const dependsOn = Array.isArray(container.depends_on) ? {} : (container.depends_on ?? {});
    const oneShots = Object.entries(compose.services).filter(
      ([, c]) => shopflowServiceOf(c.image) === service && c.command?.length,
    );
    for (const [name, oneShot] of oneShots)
      if (dependsOn[name]?.condition !== 'service_completed_successfully')
        problems.push(
          `compose ${service}: must wait for ${name} (${oneShot.command?.join(' ')}) to complete`,
        );
    if (!oneShots.some(([, c]) => c.command?.[0] === 'migrate'))
      problems.push(`compose ${service}: no migration one-shot`);
    for (const infrastructure of ['kafka', 'mysql'])
      if (dependsOn[infrastructure]?.condition !== 'service_healthy')
        problems.push(`compose ${service}: must wait for ${infrastructure} to be healthy`);
    return problems;
  });
}
