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
  let transitions: { apply: jest.Mock<Promise<TransitionResult>> };
  let metrics: { rejected: jest.Mock };
  let controller: OrderSagaEventsController;

  beforeEach(async () => {
    transitions = { apply: jest.fn() };
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

  const envelope = <T>(type: string, data: T) =>
    ({ id: 'evt-1', type, version: 1, correlationId: 'c-1', causationId: null, data }) as never;

  it('confirms the order when the catalog reserved its stock, in the event transaction', async () => {
    transitions.apply.mockResolvedValue({ changed: true, from: 'PENDING', to: 'CONFIRMED' });
    const event: EventOf<typeof StockReservedV1> = envelope('StockReserved', { orderId: 'o-1', lines: [] });
    await controller.stockReserved(event, em);
    expect(transitions.apply).toHaveBeenCalledWith(em, 'o-1', 'STOCK_RESERVED', {
      eventId: 'evt-1',
      eventType: 'StockReserved',
    });
  });

  it("rejects the order with the catalog's reasons and counts the rejection once it changed the order", async () => {
    transitions.apply.mockResolvedValue({ changed: true, from: 'PENDING', to: 'REJECTED' });
    const event: EventOf<typeof StockRejectedV1> = envelope('StockRejected', {
      orderId: 'o-2',
      reasons: [{ productId: 'p-9', reason: 'INSUFFICIENT_STOCK' }],
    });
    await controller.stockRejected(event, em);
    expect(transitions.apply).toHaveBeenCalledWith(em, 'o-2', 'STOCK_REJECTED', {
      eventId: 'evt-1',
      eventType: 'StockRejected',
      reasons: ['INSUFFICIENT_STOCK (p-9)'],
    });
    expect(metrics.rejected).toHaveBeenCalledWith(em, ['INSUFFICIENT_STOCK']);
  });

  it('does not count a rejection that changed nothing (the order was already final)', async () => {
    transitions.apply.mockResolvedValue({ changed: false, status: 'CANCELLED' });
    await controller.stockRejected(
      envelope('StockRejected', { orderId: 'o-3', reasons: [{ productId: 'p-1', reason: 'DISCONTINUED' }] }),
      em,
    );
    expect(metrics.rejected).not.toHaveBeenCalled();
  });
});
