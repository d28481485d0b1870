import {
  BadRequestException,
  Controller,
  Injectable,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type INestMicroservice,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { defineEvent, type EventEnvelope } from '@shopflow/contracts';
import type { ChunkHandler, EventConsumer, EventHandler } from './event-consumer';
import type { EventContext } from './event-context';
import { EventRefused } from './event-refused';
import { EventTransport } from './event-transport';
import type { ReceivedMessage } from './message-broker.port';
import { OnEvent, OnEventChunk, TransactionManager, type EventOf } from './on-event.decorator';

const ParcelShipped = defineEvent({
  type: 'ParcelShipped',
  version: 1,
  topic: 'test.parcels',
  keyField: 'parcelId',
  description: 'test only',
  schema: z.object({ parcelId: z.string(), mode: z.string() }),
});

/** Stands in for the consumer: records what the transport registers and lets a test deliver an event. */
class RecordingConsumer {
  readonly handlers = new Map<string, EventHandler<never>>();
  readonly chunkHandlers = new Map<string, ChunkHandler<never>>();
  readonly calls: string[] = [];
  on(definition: { type: string; version: number }, handler: EventHandler<never>) {
    this.handlers.set(`${definition.type}.v${definition.version}`, handler);
    this.calls.push(`on ${definition.type}`);
    return this;
  }
  onChunk(definition: { type: string; version: number }, handler: ChunkHandler<never>) {
    this.chunkHandlers.set(`${definition.type}.v${definition.version}`, handler);
    this.calls.push(`onChunk ${definition.type}`);
    return this;
  }
  start() {
    this.calls.push('start');
  }
  async stop() {
    this.calls.push('stop');
  }
  deliver(mode: string, em = {} as EntityManager) {
    const envelope = { id: 'e-1', type: 'ParcelShipped', version: 1, data: { parcelId: 'p-1', mode } };
    const message = { topic: 'test.parcels', partition: 2, offset: '41' } as ReceivedMessage;
    return this.handlers.get('ParcelShipped.v1')!(em, envelope as never, message);
  }
}

const seen: {
  handler: string;
  event: EventEnvelope;
  em: EntityManager;
  topic?: string;
  partition?: number;
}[] = [];

@Injectable()
class NoExpressParcels implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToRpc().getData<EventOf<typeof ParcelShipped>>().data.mode !== 'express';
  }
}

class NoDrones implements PipeTransform {
  transform(event: EventOf<typeof ParcelShipped>) {
    if (event.data.mode === 'drone') throw new BadRequestException('drones are not a shipping mode');
    return event;
  }
}

class Tagging implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    seen.push({ handler: 'interceptor', event: {} as EventEnvelope, em: {} as EntityManager });
    return next.handle();
  }
}

class DatabaseGone extends Error {
  readonly code = 'ECONNREFUSED';
}

@Controller()
class ParcelEventsController {
  @OnEvent(ParcelShipped)
  @UseGuards(NoExpressParcels)
  @UseInterceptors(Tagging)
  async shipped(
    @Payload(NoDrones) event: EventOf<typeof ParcelShipped>,
    @TransactionManager() em: EntityManager,
    @Ctx() context: EventContext,
  ): Promise<void> {
    if (event.data.mode === 'unreachable') throw new DatabaseGone('connect ECONNREFUSED');
    seen.push({
      handler: 'shipped',
      event,
      em,
      topic: context.getTopic(),
      partition: context.getPartition(),
    });
  }
}

@Controller()
class ParcelAuditController {
  @OnEvent(ParcelShipped)
  audited(@Payload() event: EventOf<typeof ParcelShipped>) {
    seen.push({ handler: 'audited', event, em: {} as EntityManager });
  }
}

@Controller()
class ParcelBatchController {
  static received: { events: EventOf<typeof ParcelShipped>[]; offsets: string[]; em: EntityManager }[] = [];
  @OnEventChunk(ParcelShipped)
  shippedTogether(
    @Payload() events: EventOf<typeof ParcelShipped>[],
    @TransactionManager() em: EntityManager,
    @Ctx() context: EventContext,
  ) {
    ParcelBatchController.received.push({ events, em, offsets: context.getMessages().map((m) => m.offset) });
  }
}

@Controller()
class StrayPatternController {
  @EventPattern('parcel-shipped')
  stray() {
    return undefined;
  }
}

async function startTransport(controllers: (new (...args: never[]) => unknown)[]) {
  const consumer = new RecordingConsumer();
  const moduleRef = await Test.createTestingModule({
    controllers,
    providers: [NoExpressParcels],
  }).compile();
  const app: INestMicroservice = moduleRef.createNestMicroservice({
    strategy: new EventTransport(consumer as unknown as EventConsumer),
    logger: false,
  });
  return { consumer, app, listening: app.listen() };
}

describe('EventTransport (Nest microservices on the project consumer)', () => {
  let app: INestMicroservice | undefined;
  beforeEach(() => (seen.length = 0));
  afterEach(() => app?.close());

  it('registers every @OnEvent handler with its contract, then starts the consumer', async () => {
    const started = await startTransport([ParcelEventsController]);
    app = started.app;
    await started.listening;
    expect(started.consumer.calls).toEqual(['on ParcelShipped', 'start']);
  });

  it('hands the handler the envelope, the transaction and where the event was read; interceptors run', async () => {
    const started = await startTransport([ParcelEventsController]);
    app = started.app;
    await started.listening;
    const em = { name: 'the chunk transaction' } as unknown as EntityManager;
    await started.consumer.deliver('ground', em);
    expect(seen.map((s) => s.handler)).toEqual(['interceptor', 'shipped']);
    expect(seen[1]).toMatchObject({
      event: { id: 'e-1', data: { parcelId: 'p-1', mode: 'ground' } },
      topic: 'test.parcels',
      partition: 2,
    });
    expect(seen[1]!.em).toBe(em);
  });

  it('registers an @OnEventChunk handler for chunks and hands it the events, the transaction and every message', async () => {
    const started = await startTransport([ParcelBatchController]);
    app = started.app;
    await started.listening;
    expect(started.consumer.calls).toEqual(['onChunk ParcelShipped', 'start']);
    const em = { name: 'the chunk transaction' } as unknown as EntityManager;
    const events = ['e-1', 'e-2'].map((id) => ({ id, type: 'ParcelShipped', version: 1, data: {} }));
    const messages = ['7', '8'].map((offset) => ({ topic: 'test.parcels', partition: 0, offset }));
    await started.consumer.chunkHandlers.get('ParcelShipped.v1')!(em, events as never, messages as never);
    expect(ParcelBatchController.received).toEqual([{ events, em, offsets: ['7', '8'] }]);
  });

  it('runs every handler of one contract in the same delivery (concurrently, as Nest runs them)', async () => {
    const started = await startTransport([ParcelEventsController, ParcelAuditController]);
    app = started.app;
    await started.listening;
    await started.consumer.deliver('ground');
    expect(seen.map((s) => s.handler).sort()).toEqual(['audited', 'interceptor', 'shipped']);
  });

  it("passes a handler's error on as thrown, code and all: Nest's default filter would erase it", async () => {
    const started = await startTransport([ParcelEventsController]);
    app = started.app;
    await started.listening;
    const error = await started.consumer.deliver('unreachable').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseGone);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
  });

  it('turns a guard saying no into EventRefused (dead-lettered at once), before the handler runs', async () => {
    const started = await startTransport([ParcelEventsController]);
    app = started.app;
    await started.listening;
    const error = await started.consumer.deliver('express').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventRefused);
    expect((error as Error).message).toBe('Forbidden resource');
    expect(seen).toEqual([]);
  });

  it("turns a pipe's 4xx into EventRefused with the pipe's message", async () => {
    const started = await startTransport([ParcelEventsController]);
    app = started.app;
    await started.listening;
    const error = await started.consumer.deliver('drone').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventRefused);
    expect((error as Error).message).toBe('drones are not a shipping mode');
    expect(seen.map((s) => s.handler)).toEqual(['interceptor']);
  });

  it('refuses to start with a handler that is not declared with @OnEvent, and says why', async () => {
    const started = await startTransport([StrayPatternController]);
    app = started.app;
    await expect(started.listening).rejects.toThrow(
      "'parcel-shipped' is not an event handler declared with @OnEvent(<contract>)",
    );
    expect(started.consumer.calls).toEqual([]);
  });

  it('refuses to start when one contract has both @OnEvent and @OnEventChunk handlers', async () => {
    const started = await startTransport([ParcelEventsController, ParcelBatchController]);
    app = started.app;
    await expect(started.listening).rejects.toThrow(
      "'ParcelShipped.v1' has both @OnEvent and @OnEventChunk handlers",
    );
  });

  it('stops the consumer when Nest closes the transport', async () => {
    const started = await startTransport([ParcelEventsController]);
    await started.listening;
    await started.app.close();
    expect(started.consumer.calls).toContain('stop');
  });
});
