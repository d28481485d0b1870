import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { ReceivedMessage } from './message-broker.port';

/**
 * What `@Ctx()` gives an event handler: the transaction the event is applied in (with its inbox
 * row and the outbox rows the handler adds) and where the event was read. A chunk handler
 * (`@OnEventChunk`) gets every message of its call, in `getMessages()`: they may come from several
 * partitions fetched together (ADR 0017). The others are about the first.
 */
export class EventContext extends BaseRpcContext<[EntityManager, ReceivedMessage, ReceivedMessage[]]> {
  /** The chunk's transaction: write through it, or the effect is not atomic with the inbox row. */
  getEntityManager(): EntityManager {
    return this.args[0];
  }

  getMessage(): ReceivedMessage {
    return this.args[1];
  }

  getMessages(): readonly ReceivedMessage[] {
    return this.args[2];
  }

  getTopic(): string {
    return this.getMessage().topic;
  }

  getPartition(): number {
    return this.getMessage().partition;
  }
}
