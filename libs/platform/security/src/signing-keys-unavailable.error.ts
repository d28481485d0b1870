/**
 * The auth service's key set could not be fetched, so no token can be judged either way. Kept apart
 * from `TokenRejectedError` because it is the service's problem (503), not the client's (401).
 */
export class SigningKeysUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('signing keys unavailable', options);
    this.name = 'SigningKeysUnavailableError';
  }
}
