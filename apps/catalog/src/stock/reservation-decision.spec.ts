import { decideReservation, mergeLines, type LockedStock } from './reservation-decision';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const stock = (...rows: LockedStock[]) => new Map(rows.map((row) => [row.id, row]));

describe('decideReservation', () => {
  it('reserves every line when all are available, merged per product and in id order', () => {
    const decision = decideReservation(
      [
        { productId: B, quantity: 1 },
        { productId: A, quantity: 2 },
        { productId: B, quantity: 3 },
      ],
      stock({ id: A, status: 'ACTIVE', stock_available: 2 }, { id: B, status: 'ACTIVE', stock_available: 4 }),
    );
    expect(decision).toEqual({
      reserve: true,
      lines: [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 4 },
      ],
    });
  });

  it('reserves nothing if one line fails, and gives a reason for each failing line', () => {
    const decision = decideReservation(
      [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 1 },
        { productId: C, quantity: 5 },
        { productId: '00000000-0000-4000-8000-0000000000ff', quantity: 1 },
      ],
      stock(
        { id: A, status: 'ACTIVE', stock_available: 9 },
        { id: B, status: 'DISCONTINUED', stock_available: 9 },
        { id: C, status: 'ACTIVE', stock_available: 4 },
      ),
    );
    expect(decision).toEqual({
      reserve: false,
      reasons: [
        { productId: B, reason: 'DISCONTINUED' },
        { productId: C, reason: 'INSUFFICIENT_STOCK' },
        { productId: '00000000-0000-4000-8000-0000000000ff', reason: 'UNKNOWN_PRODUCT' },
      ],
    });
  });

  it('judges a product named twice by its total quantity', () => {
    const decision = decideReservation(
      [
        { productId: A, quantity: 2 },
        { productId: A, quantity: 2 },
      ],
      stock({ id: A, status: 'ACTIVE', stock_available: 3 }),
    );
    expect(decision).toEqual({ reserve: false, reasons: [{ productId: A, reason: 'INSUFFICIENT_STOCK' }] });
  });

  it('merges lines without losing units', () => {
    expect(
      mergeLines([
        { productId: C, quantity: 1 },
        { productId: C, quantity: 1 },
      ]),
    ).toEqual([{ productId: C, quantity: 2 }]);
  });
});
