import { describe, expect, it } from '@jest/globals';
import { addDays, expiryOf } from './expiry.js';
import { pickingList } from './picking.js';

const stock = [
  {
    item: 'FFP2',
    onHand: 4500,
    allocated: 0,
    available: 4500,
    // As the stock read lists them: earliest expiry first, stock without a lot last.
    lots: [
      { lot: 'FFP2-DON-1', expiresOn: '2026-07-01', onHand: 500 },
      { lot: 'FFP2-2026-A', expiresOn: '2027-05-01', onHand: 3900 },
      { lot: null, expiresOn: null, onHand: 100 },
    ],
  },
];

describe('the picking list shown before a dispatch', () => {
  it('takes the earliest expiry first, then the next lot, as the service will', () => {
    expect(pickingList(stock, [{ item: 'FFP2', quantity: 700 }])).toEqual([
      {
        item: 'FFP2',
        quantity: 700,
        picks: [
          { lot: 'FFP2-DON-1', expiresOn: '2026-07-01', quantity: 500 },
          { lot: 'FFP2-2026-A', expiresOn: '2027-05-01', quantity: 200 },
        ],
        missing: 0,
      },
    ]);
  });

  it('lets a second line of the same item draw on what the first left, and says what is missing', () => {
    const [first, second] = pickingList(stock, [
      { item: 'FFP2', quantity: 400 },
      { item: 'FFP2', quantity: 4200 },
    ]);
    expect(first!.picks).toEqual([{ lot: 'FFP2-DON-1', expiresOn: '2026-07-01', quantity: 400 }]);
    expect(second!.picks.map((p) => [p.lot, p.quantity])).toEqual([
      ['FFP2-DON-1', 100],
      ['FFP2-2026-A', 3900],
      [null, 100],
    ]);
    expect(second!.missing).toBe(100);
  });

  it('picks nothing for an item not in stock, or a quantity not yet typed', () => {
    expect(pickingList(stock, [{ item: 'VISOR', quantity: 10 }])[0]).toMatchObject({ picks: [], missing: 10 });
    expect(pickingList(stock, [{ item: 'FFP2', quantity: Number.NaN }])[0]).toMatchObject({ picks: [], missing: 0 });
  });
});

describe('expiry warnings', () => {
  it('marks a lot expired the day after its date, and soon within the threshold', () => {
    const today = '2026-03-04';
    expect(expiryOf('2026-03-03', today)).toBe('expired');
    expect(expiryOf('2026-03-04', today)).toBe('soon');
    expect(expiryOf(addDays(today, 30), today)).toBe('soon');
    expect(expiryOf(addDays(today, 31), today)).toBe('ok');
    expect(expiryOf(null, today)).toBe('none');
  });

  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-20', 30)).toBe('2027-01-19');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
