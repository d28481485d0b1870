import {
  applyDecorators,
  Catch,
  createParamDecorator,
  UseFilters,
  type ExecutionContext,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import type { EventData, EventDefinition, EventEnvelope } from '@shopflow/contracts';
import type { EventContext } from './event-context';

/** The payload a handler of `D` receives with `@Payload()`: the whole envelope, data typed by the contract. */
export type EventOf<D extends EventDefinition> = EventEnvelope<EventData<D>>;

/** The Nest pattern of a contract: its type and version, as the consumer keys its handlers. */
export const eventPatternOf = (definition: EventDefinition): string =>
  `${definition.type}.v${definition.version}`;

/**
 * Nest's default RPC exception filter turns every error into `{ status: 'error', message }`, which
 * would erase what the consumer decides by: a driver error's code (database down: rethrow and
 * fetch again; deadlock: retry) or a guard's refusal (dead-letter now). This one hands the error on
 * as it was thrown. Bound to the method by `@OnEvent`, so it wins over class and global filters.
 */
@Catch()
export class KeepEventErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** What `@OnEvent` and `@OnEventChunk` put beside the pattern, for `EventTransport`. */
export interface EventPatternExtras {
  definition: EventDefinition;
  chunk: boolean;
}

/**
 * Declares a controller method as the handler of one event contract, applied by `EventTransport`
 * inside the consumer's transaction together with the event's inbox row. The contract travels with
 * the pattern, so the consumer validates the payload before any guard, pipe or handler sees it.
 */
export function OnEvent(definition: EventDefinition): MethodDecorator {
  return eventHandler({ definition, chunk: false });
}

/**
 * Like `@OnEvent`, but the method is called once for the consecutive events of `definition` in a
 * chunk, with `@Payload()` an array (`EventOf<D>[]`), so that its statements can cover them all.
 * Guards, pipes and interceptors see the array; a refusal or failure rolls the chunk back, and the
 * events are then applied one by one, each alone in an array. Events it emits name their cause:
 * `outbox.add(em, contract, data, { causedBy: event })`. ADR 0016.
 */
export function OnEventChunk(definition: EventDefinition): MethodDecorator {
  return eventHandler({ definition, chunk: true });
}

function eventHandler(extras: EventPatternExtras): MethodDecorator {
  return applyDecorators(
    EventPattern(eventPatternOf(extras.definition), extras),
    UseFilters(KeepEventErrors),
  );
}

/** The handler's transaction (`EntityManager`), as a parameter: `@TransactionManager() em: EntityManager`. */
export const TransactionManager = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  context.switchToRpc().getContext<EventContext>().getEntityManager(),
);
