import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JWTHeaderParameters,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { AuthenticatedUser } from './authenticated-user';
import { SigningKeysUnavailableError } from './signing-keys-unavailable.error';
import { TokenRejectedError, type TokenRejectionReason } from './token-rejected.error';

/** Asymmetric only: a verifier must never hold a secret that could also mint tokens. */
export type VerificationAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

const SUPPORTED_ALGORITHMS: readonly VerificationAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];

export interface JwtVerifierOptions {
  /**
   * The auth service's key set: its URL (e.g. `http://auth:3001/.well-known/jwks.json`), or, for
   * the auth service itself, a function returning the set it holds in memory.
   */
  jwksUrl: string | (() => Promise<JSONWebKeySet>);
  issuer: string;
  audience: string;
  /** Defaults to every supported algorithm. */
  algorithms?: VerificationAlgorithm[];
  /** Clock skew allowed between the auth service and this one when checking `exp` and `nbf`. Default 30. */
  clockToleranceSec?: number;
}

/**
 * jose keeps the fetched key set for `cacheMaxAge` and fetches it again early when a token names a
 * `kid` it does not know, so a key the auth service starts signing with is accepted on its first use,
 * without a restart. That early fetch respects `cooldownDuration`: within 30 s of the last fetch an
 * unknown `kid` is refused without one, so tokens with made-up key ids cannot turn every request into
 * a call to auth. Auth should therefore publish a new key at least 30 s before it signs with it.
 */
const KEY_SET_CACHING = { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 };

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX_ENTRIES = 10_000;

const CLAIM_REASONS: Partial<Record<string, TokenRejectionReason>> = {
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'not yet valid',
};

/**
 * Verifies the auth service's access tokens against its published public keys, so a service trusts
 * them without calling auth per request and without sharing a secret.
 */
export class JwtVerifier {
  private readonly keySet: JWTVerifyGetKey;
  private readonly verified = new Map<string, { user: AuthenticatedUser; until: number }>();
  private readonly algorithms: VerificationAlgorithm[];
  private readonly issuer: string;
  private readonly audience: string;
  private readonly clockToleranceSec: number;

  constructor(options: JwtVerifierOptions) {
    this.algorithms = [...(options.algorithms ?? SUPPORTED_ALGORITHMS)];
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.clockToleranceSec = options.clockToleranceSec ?? 30;
    // The options usually come from configuration, where types promise nothing: refuse a bad one at start-up.
    const problems = [
      ...(this.algorithms.length === 0 ? ['algorithms is empty'] : []),
      ...this.algorithms
        .filter((alg) => !SUPPORTED_ALGORITHMS.includes(alg))
        .map((alg) => `algorithm ${String(alg)} is not one of ${SUPPORTED_ALGORITHMS.join(', ')}`),
      ...(this.issuer ? [] : ['issuer is empty']),
      ...(this.audience ? [] : ['audience is empty']),
      ...(Number.isFinite(this.clockToleranceSec) && this.clockToleranceSec >= 0
        ? []
        : ['clockToleranceSec must be a non-negative number']),
      ...(typeof options.jwksUrl === 'function' || URL.canParse(options.jwksUrl)
        ? []
        : ['jwksUrl is not a URL']),
    ];
    if (problems.length > 0) throw new Error(`invalid JwtVerifier options: ${problems.join('; ')}`);
    const { jwksUrl } = options;
    if (typeof jwksUrl === 'function') {
      let local: ReturnType<typeof createLocalJWKSet> | undefined;
      this.keySet = async (header, token) => (local ??= createLocalJWKSet(await jwksUrl()))(header, token);
    } else {
      this.keySet = createRemoteJWKSet(new URL(jwksUrl), KEY_SET_CACHING);
    }
  }

  /**
   * @throws TokenRejectedError when the token is not acceptable, with a reason safe to show the client.
   * @throws SigningKeysUnavailableError when the key set cannot be fetched.
   */
  async verify(token: string): Promise<AuthenticatedUser> {
    const cached = this.verified.get(token);
    if (cached && cached.until > Date.now()) return cached.user;
    const user = await this.verifyUncached(token);
    this.remember(token, user);
    return user;
  }

  /**
   * A client sends the same token for minutes: remember the verdict for that exact string, so the
   * signature is checked once rather than on every request. Bounded in size, and never past the
   * token's expiry or VERIFIED_TTL_MS, the longest a key withdrawn from the JWKS could still pass.
   */
  private remember(token: string, user: AuthenticatedUser): void {
    if (this.verified.size >= VERIFIED_MAX_ENTRIES) this.verified.delete(this.verified.keys().next().value!);
    const until = Math.min(user.expiresAt.getTime(), Date.now() + VERIFIED_TTL_MS);
    this.verified.set(token, { user, until });
  }

  private async verifyUncached(token: string): Promise<AuthenticatedUser> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.resolveKey, {
        algorithms: this.algorithms,
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.clockToleranceSec,
        // Without `exp` a token would never expire.
        requiredClaims: ['exp', 'sub', 'jti'],
      }));
    } catch (error) {
      throw translate(error);
    }
    return userFrom(payload);
  }

  private readonly resolveKey = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    // Auth always names its key; without a kid, any key of the right type could be picked.
    if (typeof header.kid !== 'string') throw new TokenRejectedError('unknown key');
    try {
      return await this.keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new TokenRejectedError('unknown key');
      }
      if (error instanceof errors.JOSENotSupported) throw new TokenRejectedError('algorithm not allowed');
      // Anything else went wrong fetching or reading the key set: unreachable, timed out, not a JWKS.
      throw new SigningKeysUnavailableError({ cause: error });
    }
  };
}

function translate(error: unknown): unknown {
  if (error instanceof TokenRejectedError || error instanceof SigningKeysUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new TokenRejectedError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new TokenRejectedError(CLAIM_REASONS[error.claim] ?? 'invalid claims');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRejectedError('algorithm not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRejectedError('invalid signature');
  if (error instanceof errors.JOSEError) return new TokenRejectedError('malformed');
  // Not a verdict on the token but a fault here: let it surface as one.
  return error;
}

function userFrom({ sub, jti, exp, roles }: JWTPayload): AuthenticatedUser {
  if (!isNonEmptyString(sub) || !isNonEmptyString(jti) || typeof exp !== 'number' || !isStringArray(roles)) {
    throw new TokenRejectedError('invalid claims');
  }
  return { id: sub, roles: [...roles], tokenId: jti, expiresAt: new Date(exp * 1000) };
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
