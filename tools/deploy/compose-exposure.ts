import { containerEnvironment, type ComposeFile } from './compose-model';

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]']);

/** The host address a port entry binds; an entry without one binds every interface. */
function hostAddressOf(
  entry: NonNullable<ComposeFile['services'][string]['ports']>[number],
): string | undefined {
  if (typeof entry === 'object') return entry.host_ip;
  const text = String(entry);
  // [ip:][host:]container[/proto]; an IPv6 host address is bracketed.
  const bracketed = /^\[([^\]]+)\]:/.exec(text);
  if (bracketed) return bracketed[1];
  const parts = text.split('/')[0]!.split(':');
  return parts.length === 3 ? parts[0] : undefined;
}

/**
 * What compose exposes beyond the laptop (issue #13): a port published without a host address is
 * reachable from the whole network, and Docker's published ports bypass the host firewall. And the
 * services trust X-Forwarded-For from the gateway's fixed address only.
 */
export function composeExposureProblems(
  compose: ComposeFile,
  /** The services behind the gateway (auth, catalog, order). */
  proxied: string[],
  readEnvFile?: (path: string) => string,
): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const entry of service.ports ?? []) {
      const address = hostAddressOf(entry);
      if (!address || !LOOPBACK.has(address))
        problems.push(
          `compose ${name}: publishes ${JSON.stringify(entry)} beyond loopback; use 127.0.0.1:host:container`,
        );
    }
  }
  const networks = compose.services['gateway']?.networks;
  const gatewayAddress = Array.isArray(networks) ? undefined : networks?.['default']?.ipv4_address;
  if (!gatewayAddress) problems.push('compose gateway: needs a fixed ipv4_address for the services to trust');
  for (const name of proxied) {
    const service = compose.services[name];
    if (!service) continue;
    const trusted = containerEnvironment(service, readEnvFile)['TRUSTED_PROXIES'];
    if (trusted !== gatewayAddress)
      problems.push(
        `compose ${name}: TRUSTED_PROXIES must be the gateway's address (${gatewayAddress}), not ${trusted}`,
      );
  }
  return problems;
}
