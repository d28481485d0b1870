import { Conflict, NotFound } from '@shopflow/platform/service';

export class EmailTaken extends Conflict {
  static readonly code = 'USER.EMAIL_TAKEN';
  constructor() {
    super('This email is already registered.');
  }
}

export class UserNotFound extends NotFound {
  static readonly code = 'USER.NOT_FOUND';
  constructor() {
    super('No such user.');
  }
}
