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

/**
 * Declares a controller method as the handler of one event contract, applied by `EventTransport`
 * inside the consumer's transaction together with the event's inbox row. The contract travels with
 * the pattern, so the consumer validates the payload before any guard, pipe or handler sees it.
 */
export function OnEvent(definition: EventDefinition): MethodDecorator {
  return applyDecorators(
    EventPattern(eventPatternOf(definition), { definition }),
    UseFilters(KeepEventErrors),
  );
}

/** The handler's transaction (`EntityManager`), as a parameter: `@TransactionManager() em: EntityManager`. */
export const TransactionManager = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  context.switchToRpc().getContext<EventContext>().getEntityManager(),
);
