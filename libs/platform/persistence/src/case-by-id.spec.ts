import { caseById } from './case-by-id';

describe('caseById', () => {
  it('pairs each id with its value, in the order of the map', () => {
    expect(
      caseById(
        new Map<string, unknown>([
          ['a', 1],
          ['b', 'x'],
        ]),
      ),
    ).toEqual({ sql: 'CASE id WHEN ? THEN ? WHEN ? THEN ? END', params: ['a', 1, 'b', 'x'] });
  });
});
