import { HttpException, type INestApplication } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  RpcException,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { EventEnvelope } from '@shopflow/contracts';
import { EventContext } from './event-context';
import type { EventConsumer } from './event-consumer';
import { EventRefused } from './event-refused';
import type { EventPatternExtras } from './on-event.decorator';
import type { ReceivedMessage } from './message-broker.port';
import type { EntityManager } from 'typeorm';

/**
 * Nest's microservices layer on the project's own consumer (ADR 0003). Nest finds the `@OnEvent`
 * methods of every controller and hands them to this strategy; it registers each with the
 * `EventConsumer`, which keeps every guarantee it had: chunks applied in one transaction with their
 * inbox rows, offsets committed after the database commit, one-by-one replay of a failed chunk,
 * infrastructure errors rethrown, dead letters, correlation and causation. Guards, interceptors,
 * pipes and filters run around each handler, inside the transaction.
 */
export class EventTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly consumer: EventConsumer) {
    super();
  }

  /** Registers the handlers and starts consuming; returns at once (the group is joined in the background). */
  listen(callback: (error?: unknown) => void): void {
    try {
      for (const [pattern, handler] of this.getHandlers()) this.register(pattern, handler);
    } catch (error) {
      return callback(error);
    }
    this.consumer.start();
    callback();
  }

  /** The consumer normally left its group earlier (before HTTP drains); stopping twice is harmless. */
  async close(): Promise<void> {
    await this.consumer.stop();
  }

  on(): never {
    throw new Error('EventTransport has no transport events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private register(pattern: string, handler: MessageHandler): void {
    const { definition, chunk } = (handler.extras ?? {}) as Partial<EventPatternExtras>;
    if (!handler.isEventHandler || !definition) {
      throw new Error(
        `'${pattern}' is not an event handler declared with @OnEvent(<contract>): ` +
          'this transport applies contract events only',
      );
    }
    // Nest chains every handler of a pattern behind the first: they all get one payload shape.
    for (let next = handler.next as MessageHandler | undefined; next; next = next.next as MessageHandler)
      if (Boolean((next.extras as Partial<EventPatternExtras> | undefined)?.chunk) !== Boolean(chunk))
        throw new Error(
          `'${pattern}' has both @OnEvent and @OnEventChunk handlers: declare them all one way`,
        );
    if (chunk)
      this.consumer.onChunk(definition, (em, events, messages) => this.invoke(handler, events, em, messages));
    else this.consumer.on(definition, (em, event, message) => this.invoke(handler, event, em, [message]));
  }

  /**
   * Nest chains several handlers of one pattern through `next` and its proxy for the first one runs
   * them all (concurrently, Nest's semantics), so one call here covers them, in one transaction.
   */
  private async invoke(
    handler: MessageHandler,
    payload: EventEnvelope<unknown> | EventEnvelope<unknown>[],
    em: EntityManager,
    messages: ReceivedMessage[],
  ): Promise<void> {
    try {
      const result = await handler(payload, new EventContext([em, messages[0]!, messages]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      throw asRefusal(error) ?? error;
    }
  }
}

/**
 * A guard answering false (RpcException) or a pipe or guard throwing a 4xx HttpException refuses the
 * event: the same input would get the same answer. Anything else is a failure, retried as before.
 */
function asRefusal(error: unknown): EventRefused | undefined {
  if (error instanceof RpcException) return new EventRefused(messageOf(error.getError()), error);
  if (error instanceof HttpException && error.getStatus() < 500) {
    return new EventRefused(messageOf(error.getResponse()), error);
  }
  return undefined;
}

function messageOf(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  const message = (detail as { message?: unknown } | null)?.message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? JSON.stringify(detail));
}

/**
 * Makes a service a hybrid app when it consumes events: the HTTP application plus this transport.
 * Call `app.startAllMicroservices()` after `app.init()` to start consuming.
 */
export function connectEventTransport(app: INestApplication): boolean {
  let transport: EventTransport;
  try {
    // Through ModuleRef: the app itself is wrapped by Nest so that a failed lookup ends the process.
    transport = app.get(ModuleRef).get(EventTransport, { strict: false });
  } catch {
    return false; // a service without a consumer (MessagingModule without `consumer`)
  }
  app.connectMicroservice({ strategy: transport });
  return true;
}
