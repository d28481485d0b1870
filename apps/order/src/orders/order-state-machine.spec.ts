import { ORDER_STATUSES, type OrderStatus } from '@shopflow/contracts';
import { isFinal, nextStatus, type OrderTrigger } from './order-state-machine';

describe('order state machine', () => {
  it.each([
    ['PENDING', 'STOCK_RESERVED', 'CONFIRMED'],
    ['PENDING', 'STOCK_REJECTED', 'REJECTED'],
    ['PENDING', 'TIMED_OUT', 'REJECTED'],
    ['PENDING', 'CANCEL_REQUESTED', 'CANCELLED'],
    ['CONFIRMED', 'CANCEL_REQUESTED', 'CANCELLED'],
  ] as const)('%s + %s → %s', (from, trigger, to) => {
    expect(nextStatus(from, trigger)).toBe(to);
  });

  const triggers: OrderTrigger[] = ['STOCK_RESERVED', 'STOCK_REJECTED', 'TIMED_OUT', 'CANCEL_REQUESTED'];

  const misfits: [OrderStatus, OrderTrigger][] = [
    ['CONFIRMED', 'STOCK_RESERVED'],
    ['CONFIRMED', 'STOCK_REJECTED'],
    ['CONFIRMED', 'TIMED_OUT'],
    ...triggers.map((t): [OrderStatus, OrderTrigger] => ['REJECTED', t]),
    ...triggers.map((t): [OrderStatus, OrderTrigger] => ['CANCELLED', t]),
  ];
  it.each(misfits)('%s + %s does not fit: no transition', (from, trigger) => {
    expect(nextStatus(from, trigger)).toBeNull();
  });

  it('has exactly two final states', () => {
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['REJECTED', 'CANCELLED']);
  });
});
