/**
 * Why a token was refused. Fixed, short phrases: safe to show a client, unlike the verification
 * library's messages, which may quote claims and key ids.
 */
export type TokenRejectionReason =
  | 'malformed'
  | 'algorithm not allowed'
  | 'unknown key'
  | 'invalid signature'
  | 'expired'
  | 'not yet valid'
  | 'wrong issuer'
  | 'wrong audience'
  | 'invalid claims';

/** The token is not acceptable: the client's problem (401). */
export class TokenRejectedError extends Error {
  constructor(readonly reason: TokenRejectionReason) {
    super(`access token rejected: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}
