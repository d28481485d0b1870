import { domainError } from '@shopflow/platform/service';

export const EmailTaken = domainError(
  'conflict',
  'USER.EMAIL_TAKEN',
  () => 'This email is already registered.',
);

export const UserNotFound = domainError('not-found', 'USER.NOT_FOUND', () => 'No such user.');
