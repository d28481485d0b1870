import { servingContainers, shopflowServiceOf, type ComposeFile } from './compose-model';
import {
  directivesNamed,
  firstArgs,
  locationsOf,
  parseNginx,
  serversOf,
  upstreamsOf,
  type Directive,
} from './nginx-config';
import { covers, normalize, proxyTarget } from './routes';

/**
 * The compose gateway's upstreams against docker-compose.yml: every server of the upstream named
 * after a service is a compose container serving that service on its port (not a one-shot, not
 * another service), every such container is listed, and there are at least `minReplicas` of them.
 * Each upstream keeps connections alive and takes a failing server out (max_fails, fail_timeout),
 * and every proxy_pass goes through an upstream.
 */
export function gatewayUpstreamProblems(
  nginxConf: string,
  compose: ComposeFile,
  ports: Record<string, number>,
  minReplicas: Record<string, number>,
): string[] {
  const config = parseNginx(nginxConf);
  const upstreams = upstreamsOf(config);
  const problems: string[] = [];
  for (const location of locationsOf(config)) {
    const target = proxyTarget(config, location);
    if (target && !upstreams.has(target))
      problems.push(`gateway location ${location.match}: proxies to ${target}, which is no upstream block`);
  }
  for (const service of Object.keys(ports))
    if (!upstreams.has(service)) problems.push(`gateway: no upstream ${service}`);
  for (const [name, servers] of upstreams) {
    const where = `gateway upstream ${name}`;
    const port = ports[name];
    if (port === undefined) {
      problems.push(`${where}: names no shopflow service`);
      continue;
    }
    for (const server of servers) {
      const address = `${server.host}:${server.port}`;
      const container = compose.services[server.host];
      if (!container) problems.push(`${where}: server ${address} is no compose service`);
      else if (shopflowServiceOf(container.image) !== name)
        problems.push(`${where}: server ${address} runs ${container.image}, not the ${name} image`);
      else if (container.command?.length)
        problems.push(`${where}: server ${address} is a one-shot (${container.command.join(' ')})`);
      if (server.port !== port) problems.push(`${where}: server ${address}, but ${name} listens on ${port}`);
      if (
        !server.params.some((p) => p.startsWith('max_fails=')) ||
        !server.params.some((p) => p.startsWith('fail_timeout='))
      )
        problems.push(`${where}: server ${address} needs max_fails and fail_timeout (passive health)`);
    }
    const listed = new Set(servers.map((s) => s.host));
    for (const replica of servingContainers(compose, name))
      if (!listed.has(replica)) problems.push(`${where}: does not list ${replica}, which serves ${name}`);
    const wanted = minReplicas[name] ?? 1;
    if (listed.size < wanted)
      problems.push(`${where}: ${listed.size} server(s), ${name} needs at least ${wanted}`);
    const upstream = directivesNamed(config, 'upstream').find((u) => u.args[0] === name);
    if (!firstArgs(upstream?.block, 'keepalive')) problems.push(`${where}: no keepalive connections`);
  }
  return problems;
}

const headerValue = (block: Directive[] | undefined, header: string): string | undefined =>
  directivesNamed(block, 'proxy_set_header').find((d) => d.args[0]?.toLowerCase() === header.toLowerCase())
    ?.args[1];

/**
 * What the gateway promises its services and clients: the client address is the peer's
 * (X-Forwarded-For overwritten, never appended to), keep-alive to the upstreams (HTTP/1.1, no
 * Connection header passed on), no location drops those headers (nginx inherits proxy_set_header
 * only into a block that sets none), and retries go to another replica at most a bounded number
 * of times and never for a non-idempotent request.
 */
export function gatewayProxyProblems(nginxConf: string): string[] {
  const config = parseNginx(nginxConf);
  const problems: string[] = [];
  for (const server of serversOf(config)) {
    const block = server.block;
    if (headerValue(block, 'X-Forwarded-For') !== '$remote_addr')
      problems.push('gateway: X-Forwarded-For must be overwritten with $remote_addr');
    if (firstArgs(block, 'proxy_http_version')?.[0] !== '1.1')
      problems.push('gateway: keep-alive to the upstreams needs proxy_http_version 1.1');
    if (headerValue(block, 'Connection') !== '')
      problems.push('gateway: keep-alive to the upstreams needs proxy_set_header Connection ""');
    const nextUpstream = firstArgs(block, 'proxy_next_upstream') ?? [];
    if (!nextUpstream.includes('error') || !nextUpstream.includes('timeout'))
      problems.push('gateway: proxy_next_upstream must retry on error and timeout');
    const tries = Number(firstArgs(block, 'proxy_next_upstream_tries')?.[0]);
    if (!(tries >= 1 && tries <= 3)) problems.push('gateway: proxy_next_upstream_tries must be 1 to 3');
    if (!firstArgs(block, 'proxy_next_upstream_timeout'))
      problems.push('gateway: proxy_next_upstream_timeout must bound the retries');
  }
  const everyNextUpstream = [config, ...serversOf(config).map((s) => s.block ?? [])]
    .concat(locationsOf(config).map((l) => l.block))
    .flatMap((block) => directivesNamed(block, 'proxy_next_upstream'));
  if (everyNextUpstream.some((d) => d.args.includes('non_idempotent')))
    problems.push('gateway: proxy_next_upstream non_idempotent would retry a POST on another replica');
  for (const location of locationsOf(config))
    if (directivesNamed(location.block, 'proxy_set_header').length > 0)
      problems.push(
        `gateway location ${location.match}: proxy_set_header here drops the server's (X-Forwarded-For, Connection)`,
      );
  return problems;
}

/** A `$variable` that is $http_authorization or a `map` whose source string includes it. */
function readsAuthorization(config: Directive[], variable: string): boolean {
  if (variable === '$http_authorization') return true;
  const map = directivesNamed(config, 'map').find((d) => d.args[1] === variable);
  return map?.args[0]?.includes('$http_authorization') ?? false;
}

/**
 * The gateway's HTTP cache stays on public catalog reads: only in locations under one of
 * `publicReads` that proxy to the catalog, only GET and HEAD, never a request with Authorization
 * (bypassed and not stored), freshness from the catalog's Cache-Control (no proxy_cache_valid, no
 * ignored Cache-Control/Expires/Set-Cookie/Vary), revalidation with the ETag, one request per key
 * to the catalog (the lock) and an X-Cache-Status header. No proxy_cache at server or http level,
 * which every location would inherit.
 */
export function gatewayCacheProblems(nginxConf: string, publicReads: string[]): string[] {
  const config = parseNginx(nginxConf);
  const problems: string[] = [];
  const caching = (block: Directive[] | undefined) =>
    directivesNamed(block, 'proxy_cache').some((d) => d.args[0] !== 'off');
  if (caching(config)) problems.push('gateway: proxy_cache at http level caches every route');
  for (const server of serversOf(config)) {
    if (caching(server.block)) problems.push('gateway: proxy_cache at server level caches every route');
    if (directivesNamed(server.block, 'proxy_cache_valid').length)
      problems.push("gateway: proxy_cache_valid overrides the services' Cache-Control");
  }
  if (directivesNamed(config, 'proxy_cache_valid').length)
    problems.push("gateway: proxy_cache_valid overrides the services' Cache-Control");
  const zones = new Set(
    directivesNamed(config, 'proxy_cache_path').flatMap((d) =>
      d.args
        .filter((a) => a.startsWith('keys_zone='))
        .map((a) => a.slice('keys_zone='.length).split(':')[0]!),
    ),
  );
  for (const location of locationsOf(config).filter((l) => caching(l.block))) {
    const where = `gateway location ${location.match}`;
    const block = location.block;
    const prefix = normalize(location.match);
    if (location.modifier !== undefined && location.modifier !== '^~' && location.modifier !== '=')
      problems.push(`${where}: caches a regex location`);
    else if (!publicReads.some((read) => covers(read, prefix)))
      problems.push(`${where}: caches a path outside the public reads (${publicReads.join(', ')})`);
    if (proxyTarget(config, location) !== 'catalog')
      problems.push(`${where}: caches a service other than the catalog`);
    const zone = firstArgs(block, 'proxy_cache')![0]!;
    if (!zones.has(zone)) problems.push(`${where}: proxy_cache ${zone} has no proxy_cache_path`);
    const methods = firstArgs(block, 'proxy_cache_methods') ?? ['GET', 'HEAD'];
    const unsafe = methods.filter((m) => m !== 'GET' && m !== 'HEAD');
    if (unsafe.length) problems.push(`${where}: caches ${unsafe.join(', ')}`);
    for (const directive of ['proxy_cache_bypass', 'proxy_no_cache'])
      if (!(firstArgs(block, directive) ?? []).some((v) => readsAuthorization(config, v)))
        problems.push(`${where}: ${directive} must name $http_authorization (a request with credentials)`);
    if (directivesNamed(block, 'proxy_cache_valid').length)
      problems.push(`${where}: proxy_cache_valid overrides the catalog's Cache-Control`);
    const ignored = (firstArgs(block, 'proxy_ignore_headers') ?? []).filter((h) =>
      ['cache-control', 'expires', 'set-cookie', 'vary', 'x-accel-expires'].includes(h.toLowerCase()),
    );
    if (ignored.length) problems.push(`${where}: ignores the catalog's ${ignored.join(', ')}`);
    if (firstArgs(block, 'proxy_cache_revalidate')?.[0] !== 'on')
      problems.push(`${where}: proxy_cache_revalidate must be on (revalidate with the ETag)`);
    if (firstArgs(block, 'proxy_cache_lock')?.[0] !== 'on')
      problems.push(`${where}: proxy_cache_lock must be on (one request per key to the catalog)`);
    if (!(firstArgs(block, 'proxy_cache_use_stale') ?? []).includes('updating'))
      problems.push(`${where}: proxy_cache_use_stale must include updating`);
    const status = directivesNamed(block, 'add_header').find(
      (d) => d.args[0]?.toLowerCase() === 'x-cache-status',
    );
    if (status?.args[1] !== '$upstream_cache_status')
      problems.push(`${where}: add_header X-Cache-Status $upstream_cache_status is missing`);
  }
  return problems;
}
