import type { FastifyRequest } from 'fastify';

/** Who is calling, as vouched for by an access token from the auth service. */
export interface AuthenticatedUser {
  /** The user id: the token's `sub`. */
  id: string;
  roles: string[];
  /** The token's `jti`, so a single token can be named in logs or denied without storing the token. */
  tokenId: string;
  expiresAt: Date;
}

/** A request that passed `JwtAuthGuard`: `user` is set. */
export type AuthenticatedRequest = FastifyRequest & { user?: AuthenticatedUser };
