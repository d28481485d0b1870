import { RateLimited, Unauthenticated } from '@shopflow/platform/service';

/** Wrong email and wrong password get this same answer, so accounts cannot be enumerated. */
export class InvalidCredentials extends Unauthenticated {
  static readonly code = 'AUTH.INVALID_CREDENTIALS';
  constructor() {
    super('Email or password is incorrect.');
  }
}

export class InvalidRefreshToken extends Unauthenticated {
  static readonly code = 'AUTH.INVALID_REFRESH_TOKEN';
  constructor() {
    super('The refresh token is not valid.');
  }
}

export class TooManyLoginAttempts extends RateLimited {
  static readonly code = 'AUTH.TOO_MANY_ATTEMPTS';
  constructor(retryAfterSeconds: number) {
    super('Too many failed logins; try again later.', { retryAfterSeconds });
  }
}
