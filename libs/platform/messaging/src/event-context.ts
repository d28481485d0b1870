import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { ReceivedMessage } from './message-broker.port';

/**
 * What `@Ctx()` gives an event handler: the transaction the event is applied in (with its inbox
 * row and the outbox rows the handler adds) and where the event was read.
 */
export class EventContext extends BaseRpcContext<[EntityManager, ReceivedMessage]> {
  /** The chunk's transaction: write through it, or the effect is not atomic with the inbox row. */
  getEntityManager(): EntityManager {
    return this.args[0];
  }

  getMessage(): ReceivedMessage {
    return this.args[1];
  }

  getTopic(): string {
    return this.args[1].topic;
  }

  getPartition(): number {
    return this.args[1].partition;
  }
}
