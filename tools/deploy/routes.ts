import {
  directivesNamed,
  firstArgs,
  locationsOf,
  parseNginx,
  serversOf,
  type Directive,
  type Location,
} from './nginx-config';
import { describeObject, filesUnder, readText, type KubernetesObject } from './workspace';

/** A path prefix and the service that gets it. */
export interface Route {
  prefix: string;
  service: string;
}

export const normalize = (prefix: string): string => `/${prefix.replace(/^\/+|\/+$/g, '')}`;

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

/**
 * The target of a `proxy_pass`: an upstream block's name (`http://catalog`), a host
 * (`http://catalog:3002`) or a variable set with `set $catalog http://catalog:3002;`.
 */
function proxyTarget(config: Directive[], location: Location): string | undefined {
  const target = firstArgs(location.block, 'proxy_pass')?.[0];
  if (!target) return undefined;
  const variables = new Map(
    serversOf(config).flatMap((server) =>
      directivesNamed(server.block, 'set').map((d) => [d.args[0]!, d.args[1]!] as const),
    ),
  );
  const url = target.startsWith('$') ? (variables.get(target) ?? target) : target;
  return /^https?:\/\/([\w.-]+)/.exec(url)?.[1] ?? url;
}

/** The prefix `location`s of the compose gateway and the upstream (service) each proxies to. */
export function gatewayRoutes(nginxConf: string): Route[] {
  const config = parseNginx(nginxConf);
  return locationsOf(config)
    .filter((location) => location.modifier === undefined || location.modifier === '^~')
    .flatMap((location) => {
      const service = proxyTarget(config, location);
      return service ? [{ prefix: normalize(location.match), service }] : [];
    });
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

export const covers = (routed: string, served: string) =>
  served === routed || served.startsWith(`${routed}/`);

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

export { describeObject, proxyTarget };
