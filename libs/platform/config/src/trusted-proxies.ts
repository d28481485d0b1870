import { isIP } from 'node:net';
import { z } from 'zod';

/** `10.0.0.0/8`, `127.0.0.1` or `::1/128`: an address, optionally with a prefix length that fits it. */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The proxies whose `X-Forwarded-For` the service believes (compose's gateway, the Ingress
 * controller's pod range). Empty, the default, trusts nobody: the client address is the peer's, and
 * a forged header cannot dodge the login throttle (ADR 0004).
 */
export const trustedProxies = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .refine((entries) => entries.every(isAddressOrCidr), {
    message: 'must be a comma-separated list of IP addresses or CIDR ranges, e.g. 10.0.0.0/8,127.0.0.1',
  });
