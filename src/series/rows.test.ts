import { rowInRange, rowsInRange } from './rows';

const range = { from: 10, to: 20 };
const rows = [
  [5, 'a'],
  [10, 'b'],
  [15, null],
  [20, 'd'],
  [21, 'e'],
  [null, 'f'],
  ['15', 'g'],
];

describe('rowInRange / rowsInRange', () => {
  it('keeps the rows whose time cell is inside the range, both ends included', () => {
    expect(rowsInRange(rows, 0, range)).toEqual([
      [10, 'b'],
      [15, null],
      [20, 'd'],
    ]);
  });

  it('keeps every row of a table without a time column (the same array)', () => {
    expect(rowsInRange(rows, undefined, range)).toBe(rows);
    expect(rowInRange([null], undefined, range)).toBe(true);
  });

  it('drops a row whose time cell is not a number', () => {
    expect(rowInRange([null, 'f'], 0, range)).toBe(false);
    expect(rowInRange(['15', 'g'], 0, range)).toBe(false);
  });
});
