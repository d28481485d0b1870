/**
 * An event a handler's guard or pipe turned away. Unlike a failure, trying again cannot change the
 * answer, so the consumer dead-letters it at once (reason `refused`) and the partition moves on.
 */
export class EventRefused extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'EventRefused';
  }
}
