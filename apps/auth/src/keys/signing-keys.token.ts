/** The Nest injection token under which the loaded signing keys (not JWTs) are provided. */
export const SIGNING_KEYS = Symbol('SIGNING_KEYS');
