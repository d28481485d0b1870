import { describeObject, filesUnder, readText, type KubernetesObject } from './workspace';

/** A path prefix and the service that gets it. */
export interface Route {
  prefix: string;
  service: string;
}

const normalize = (prefix: string): string => `/${prefix.replace(/^\/+|\/+$/g, '')}`;

/**
 * The prefixes the apps really serve: every `@Controller('…')` under apps/<service>/src. The
 * probes, /metrics and /docs are not API routes and stay off the gateway.
 */
export function servedRoutes(services: string[], read: (path: string) => string = readText): Route[] {
  return services.flatMap((service) =>
    filesUnder(`apps/${service}/src`, /\.controller\.ts$/).flatMap((file) =>
      [...read(file).matchAll(/@Controller\(\s*['"`]([^'"`]+)['"`]/g)]
        .map((match) => normalize(match[1]!))
        .filter((prefix) => prefix !== '/health' && prefix !== '/metrics')
        .map((prefix) => ({ prefix, service })),
    ),
  );
}

/** `location <prefix> { proxy_pass $<service>; }` blocks of the compose gateway. */
export function gatewayRoutes(nginxConf: string): Route[] {
  const upstreams = new Map(
    [...nginxConf.matchAll(/set \$(\w+) http:\/\/([\w-]+):\d+;/g)].map((m) => [m[1]!, m[2]!]),
  );
  return [
    ...nginxConf.matchAll(/location\s+([^\s{=]+)\s*\{\s*proxy_pass\s+(?:\$(\w+)|http:\/\/([\w-]+)[^;]*);/g),
  ].map((m) => ({ prefix: normalize(m[1]!), service: m[2] ? (upstreams.get(m[2]) ?? `$${m[2]}`) : m[3]! }));
}

export function ingressRoutes(objects: KubernetesObject[]): Route[] {
  type IngressSpec = {
    rules?: { http?: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
  };
  return objects
    .filter((o) => o.kind === 'Ingress')
    .flatMap((o) =>
      ((o.spec as IngressSpec).rules ?? []).flatMap((rule) =>
        (rule.http?.paths ?? []).map((p) => ({ prefix: normalize(p.path), service: p.backend.service.name })),
      ),
    );
}

const covers = (routed: string, served: string) => served === routed || served.startsWith(`${routed}/`);

/**
 * A router must send every served path to the service serving it (its longest matching prefix
 * wins, as in nginx and Ingress), and every prefix it routes must lead to something that service
 * serves: a missing prefix is an API users cannot reach, an extra one a route to nowhere.
 */
export function routeProblems(where: string, routed: Route[], served: Route[]): string[] {
  const unreachable = served.flatMap((s) => {
    const [best] = routed
      .filter((r) => covers(r.prefix, s.prefix))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    if (!best) return [`${where}: does not route ${s.prefix} -> ${s.service}`];
    return best.service === s.service
      ? []
      : [`${where}: does not route ${s.prefix} -> ${s.service} (sends it to ${best.service})`];
  });
  const nowhere = routed
    .filter((r) => !served.some((s) => s.service === r.service && covers(r.prefix, s.prefix)))
    .map((r) => `${where}: routes ${r.prefix} -> ${r.service}, which no service serves there`);
  return [...unreachable, ...nowhere];
}

export { describeObject };
