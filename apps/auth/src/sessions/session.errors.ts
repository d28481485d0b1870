import { domainError } from '@shopflow/platform/service';

/** Wrong email and wrong password get this same answer, so accounts cannot be enumerated. */
export const InvalidCredentials = domainError(
  'unauthenticated',
  'AUTH.INVALID_CREDENTIALS',
  () => 'Email or password is incorrect.',
);

export const InvalidRefreshToken = domainError(
  'unauthenticated',
  'AUTH.INVALID_REFRESH_TOKEN',
  () => 'The refresh token is not valid.',
);

export const TooManyLoginAttempts = domainError(
  'rate-limited',
  'AUTH.TOO_MANY_ATTEMPTS',
  (retryAfterSeconds: number) => ['Too many failed logins; try again later.', { retryAfterSeconds }],
);
