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

/**
 * A router must send exactly the served prefixes, each to the service serving it: a missing
 * prefix is an API users cannot reach, an extra one a route to nowhere.
 */
export function routeProblems(where: string, routed: Route[], served: Route[]): string[] {
  const key = (r: Route) => `${r.prefix} -> ${r.service}`;
  const servedKeys = new Set(served.map(key));
  const routedKeys = new Set(routed.map(key));
  return [
    ...served.filter((r) => !routedKeys.has(key(r))).map((r) => `${where}: does not route ${key(r)}`),
    ...routed
      .filter((r) => !servedKeys.has(key(r)))
      .map((r) => `${where}: routes ${key(r)}, which no service serves there`),
  ];
}

export { describeObject };
