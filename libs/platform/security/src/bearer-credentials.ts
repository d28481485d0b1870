export type BearerCredentials = { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string };

// RFC 6750 §2.1: `Bearer 1*SP b64token`, the scheme name case-insensitive (RFC 9110 §11.1).
const BEARER_SCHEME = /^Bearer(?: |$)/i;
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Another scheme (e.g. Basic) counts as no credentials: RFC 6750 §3.1 answers both with a bare
 * challenge. `Bearer` followed by something that cannot be a token is a malformed request.
 */
export function bearerCredentialsOf(authorization: string | undefined): BearerCredentials {
  if (authorization === undefined || !BEARER_SCHEME.test(authorization)) return { kind: 'none' };
  const token = BEARER_CREDENTIALS.exec(authorization)?.[1];
  return token === undefined ? { kind: 'malformed' } : { kind: 'token', token };
}
