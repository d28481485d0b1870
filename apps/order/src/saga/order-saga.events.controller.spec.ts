import { Test } from '@nestjs/testing';
import type { EntityManager } from 'typeorm';
import { StockRejectedV1, StockReservedV1 } from '@shopflow/contracts';
import type { EventOf } from '@shopflow/platform/messaging';
import { OrderTransitions, type TransitionResult } from '../orders/order-transitions';
import { OrderSagaEventsController } from './order-saga.events.controller';
import { SagaMetrics } from './saga-metrics';

/** A handler tested as any Nest controller: its collaborators replaced in a testing module. */
describe('OrderSagaEventsController', () => {
  const em = {} as EntityManager;
  let transitions: { applyAll: jest.Mock<Promise<TransitionResult[]>> };
  let metrics: { rejected: jest.Mock };
  let controller: OrderSagaEventsController;

  beforeEach(async () => {
    transitions = { applyAll: jest.fn() };
    metrics = { rejected: jest.fn() };
    const moduleRef = await Test.createTestingModule({
      controllers: [OrderSagaEventsController],
      providers: [
        { provide: OrderTransitions, useValue: transitions },
        { provide: SagaMetrics, useValue: metrics },
      ],
    }).compile();
    controller = moduleRef.get(OrderSagaEventsController);
  });

  const envelope = <T>(id: string, type: string, data: T) =>
    ({ id, type, version: 1, correlationId: `c-${id}`, causationId: null, data }) as never;

  it("confirms a chunk's orders in one call, each transition naming the event that caused it", async () => {
    transitions.applyAll.mockResolvedValue([
      { changed: true, from: 'PENDING', to: 'CONFIRMED' },
      { changed: true, from: 'PENDING', to: 'CONFIRMED' },
    ]);
    const events: EventOf<typeof StockReservedV1>[] = [
      envelope('evt-1', 'StockReserved', { orderId: 'o-1', lines: [] }),
      envelope('evt-2', 'StockReserved', { orderId: 'o-2', lines: [] }),
    ];
    await controller.stockReserved(events, em);
    expect(transitions.applyAll).toHaveBeenCalledTimes(1);
    expect(transitions.applyAll).toHaveBeenCalledWith(em, [
      { orderId: 'o-1', trigger: 'STOCK_RESERVED', event: events[0] },
      { orderId: 'o-2', trigger: 'STOCK_RESERVED', event: events[1] },
    ]);
  });

  it("rejects with the catalog's reasons and counts only the rejections that changed an order", async () => {
    transitions.applyAll.mockResolvedValue([
      { changed: true, from: 'PENDING', to: 'REJECTED' },
      { changed: false, status: 'CANCELLED' },
    ]);
    const events: EventOf<typeof StockRejectedV1>[] = [
      envelope('evt-1', 'StockRejected', {
        orderId: 'o-2',
        reasons: [{ productId: 'p-9', reason: 'INSUFFICIENT_STOCK' }],
      }),
      envelope('evt-2', 'StockRejected', {
        orderId: 'o-3',
        reasons: [{ productId: 'p-1', reason: 'DISCONTINUED' }],
      }),
    ];
    await controller.stockRejected(events, em);
    expect(transitions.applyAll).toHaveBeenCalledWith(em, [
      { orderId: 'o-2', trigger: 'STOCK_REJECTED', event: events[0], reasons: ['INSUFFICIENT_STOCK (p-9)'] },
      { orderId: 'o-3', trigger: 'STOCK_REJECTED', event: events[1], reasons: ['DISCONTINUED (p-1)'] },
    ]);
    expect(metrics.rejected).toHaveBeenCalledTimes(1);
    expect(metrics.rejected).toHaveBeenCalledWith(em, ['INSUFFICIENT_STOCK']);
  });
});
